/**
 * The calls a drain run processes: copies of the 2024 seed record (one session, whose callee rated
 * it poor), spread round-robin over tenants and, within a tenant, over organizers who installed the
 * app. Every fifth call alerts (the rating kept; five and the four tenants of the scaling cases
 * share no factor, so each tenant gets its fifth); the others carry no rating and are good, so they
 * are scored and stored but nobody is told, as for most calls of a real tenant. At Graph's ceiling
 * of 37.5 calls / s that is 7.5 cards / s for one tenant, well inside Teams' 30 sends / s.
 */
import { loadFixture } from '../test/support/graph-fixtures';

/** Tenant ids of a run, as many as asked (the same ids in every run). */
export function drainTenants(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `7e7e7e7e-0000-4000-8000-${String(index + 1).padStart(12, '0')}`);
}

/** The id of call `index`. */
export function drainCallId(index: number): string {
  return `dddddddd-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

/** The call index of a call id of {@link drainCallId}, or undefined for another text. */
export function drainCallIndex(text: string): number | undefined {
  const match = /^dddddddd-0000-4000-8000-(\d{12})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Every call id of {@link drainCallId} in a text (e.g. a card's JSON), each once. */
export function drainCallIdsIn(text: string): string[] {
  return [...new Set(text.match(/dddddddd-0000-4000-8000-\d{12}/g) ?? [])];
}

/** Whether call `index` alerts. */
export function drainCallAlerts(index: number): boolean {
  return index % 5 === 0;
}

/** One organizer of the run: their tenant, Entra object id and 1:1 chat with the bot. */
export interface DrainOrganizer {
  tenantId: string;
  aadObjectId: string;
  conversationId: string;
}

/** Organizer `number` of a tenant (`tenantIndex` counts from 0). */
export function drainOrganizer(tenants: readonly string[], tenantIndex: number, number: number): DrainOrganizer {
  const key = `${String(tenantIndex).padStart(4, '0')}${String(number).padStart(8, '0')}`;
  return { tenantId: tenants[tenantIndex]!, aadObjectId: `0a0a0a0a-0000-4000-8000-${key}`, conversationId: `a:drain-chat-${key}` };
}

/** Where call `index` belongs: its tenant (round-robin) and organizer within the tenant. */
export function drainCallPlace(index: number, tenants: readonly string[], organizersPerTenant: number): DrainOrganizer {
  const tenantIndex = index % tenants.length;
  return drainOrganizer(tenants, tenantIndex, Math.floor(index / tenants.length) % organizersPerTenant);
}

/** Builds the call records of a run (Graph JSON), in call order. */
export function drainCallRecords(count: number, tenants: readonly string[], organizersPerTenant: number): Array<Record<string, unknown>> {
  const seed = loadFixture('callrecord-v1-expanded-2024.json') as Record<string, any>;
  delete seed['sessions@odata.nextLink'];
  // Three days old: outside the first reconciliation sweep's look-back of one day, so a sweep that
  // starts during a long run lists nothing and enqueues nothing beside the benchmark's own items.
  const start = Date.now() - 3 * 24 * 60 * 60_000;
  seed.startDateTime = new Date(start).toISOString();
  seed.endDateTime = new Date(start + 30 * 60_000).toISOString();
  seed.lastModifiedDateTime = new Date(start + 45 * 60_000).toISOString();
  const quiet = structuredClone(seed);
  delete quiet.sessions[0].callee.feedback;
  return Array.from({ length: count }, (_, index) => {
    const place = drainCallPlace(index, tenants, organizersPerTenant);
    return {
      ...(drainCallAlerts(index) ? seed : quiet),
      id: drainCallId(index),
      version: 1,
      organizer: { user: { id: place.aadObjectId, displayName: `Organizer ${place.aadObjectId.slice(-12)}`, tenantId: place.tenantId } },
    };
  });
}
