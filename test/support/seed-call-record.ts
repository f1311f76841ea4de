import { loadFixture } from './graph-fixtures';

/** The tenant of the seed record's organizer (so organizer chats and the Graph tenant agree). */
export const SEED_RECORD_TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';

const SEED = loadFixture('callrecord-v1-expanded-2024.json') as Record<string, unknown>;

/** What {@link seedCallRecord} changes in the copy. */
export interface SeedCallRecordOptions {
  id: string;
  version: number;
  /** The organizer's Entra object id (and name), in place of the seed's. */
  organizer?: { aadObjectId: string; displayName: string; tenantId?: string };
}

/**
 * A copy of the 2024 seed record (a participant rated it poor, so it alerts) under a new id and
 * version, as a call that ended five minutes ago, with every session on its first page.
 */
export function seedCallRecord(options: SeedCallRecordOptions): Record<string, unknown> {
  const copy = structuredClone(SEED);
  delete copy['sessions@odata.nextLink'];
  copy.id = options.id;
  copy.version = options.version;
  copy.startDateTime = new Date(Date.now() - 30 * 60_000).toISOString();
  copy.endDateTime = new Date(Date.now() - 5 * 60_000).toISOString();
  copy.lastModifiedDateTime = new Date().toISOString();
  if (options.organizer) {
    copy.organizer = { user: { id: options.organizer.aadObjectId, displayName: options.organizer.displayName, tenantId: options.organizer.tenantId ?? SEED_RECORD_TENANT } };
  }
  return copy;
}
