import { timingSafeEqual } from 'node:crypto';

/** One accepted change notification: a call record to fetch. */
export interface AcceptedNotification {
  tenantId: string;
  callId: string;
  subscriptionId: string | null;
  changeType: string | null;
}

/** One lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed). */
export interface LifecycleNotification {
  tenantId: string;
  subscriptionId: string | null;
  lifecycleEvent: string;
}

/** Why a notification in a batch was not accepted. */
export type DropReason = 'clientState' | 'tenant' | 'malformed';

/** The outcome of reading a notification batch. */
export interface NotificationBatch<T> {
  accepted: T[];
  dropped: Record<DropReason, number>;
}

/** Thrown when the body is not a notification batch at all (answered with 400). */
export class MalformedNotificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedNotificationError';
  }
}

/**
 * The `clientState` the subscriptions were made with, compared without an early exit: the
 * received bytes are written into a scratch buffer as long as the expected value (cut or
 * zero-padded), that buffer is compared whole with `timingSafeEqual`, and the byte lengths are
 * compared too, both always. How long it takes depends on the received value's length (up to the
 * secret's), never on which bytes of the secret it matches. (Before, each value was hashed to
 * compare fixed-length digests: a SHA-256 object per notification, about 9 % of the webhook's CPU
 * a request on SQLite, measured side by side.)
 */
export class ExpectedClientState {
  private readonly expected: Buffer;
  /** Reused by every comparison: JavaScript runs one at a time, and none awaits in between. */
  private readonly scratch: Buffer;

  constructor(value: string) {
    this.expected = Buffer.from(value, 'utf8');
    this.scratch = Buffer.alloc(this.expected.length);
  }

  /** Whether `received` is the expected client state. */
  matches(received: unknown): boolean {
    if (typeof received !== 'string') return false;
    this.scratch.fill(0);
    this.scratch.write(received, 'utf8');
    const sameBytes = timingSafeEqual(this.scratch, this.expected);
    const sameLength = Buffer.byteLength(received, 'utf8') === this.expected.length;
    return sameBytes && sameLength;
  }
}

/** Call record ids are GUIDs; anything else could be a path or query injection when fetched. */
const CALL_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;

/**
 * Checks each notification of a parsed body: the `clientState` in constant time, the tenant
 * against the allowed ones, the resource's id. Throws {@link MalformedNotificationError} when the
 * body has no `value` array.
 */
export function readChangeNotifications(body: unknown, expectedClientState: ExpectedClientState | undefined, allowedTenants: ReadonlySet<string>): NotificationBatch<AcceptedNotification> {
  return readBatch(body, expectedClientState, allowedTenants, (item, tenantId) => {
    const resourceData = asRecord(item.resourceData);
    const fromResource = typeof item.resource === 'string' ? /callRecords\/([^/?#'"()]+)/i.exec(item.resource)?.[1] : undefined;
    const callId = typeof resourceData?.id === 'string' ? resourceData.id : fromResource;
    if (!callId || !CALL_ID.test(callId)) return undefined;
    return {
      tenantId,
      callId,
      subscriptionId: typeof item.subscriptionId === 'string' ? item.subscriptionId : null,
      changeType: typeof item.changeType === 'string' ? item.changeType : null,
    };
  });
}

/** Like {@link readChangeNotifications}, for the lifecycle URL. */
export function readLifecycleNotifications(body: unknown, expectedClientState: ExpectedClientState | undefined, allowedTenants: ReadonlySet<string>): NotificationBatch<LifecycleNotification> {
  return readBatch(body, expectedClientState, allowedTenants, (item, tenantId) =>
    typeof item.lifecycleEvent === 'string'
      ? { tenantId, subscriptionId: typeof item.subscriptionId === 'string' ? item.subscriptionId : null, lifecycleEvent: item.lifecycleEvent }
      : undefined,
  );
}

function readBatch<T>(
  body: unknown,
  expected: ExpectedClientState | undefined,
  allowedTenants: ReadonlySet<string>,
  read: (item: Record<string, unknown>, tenantId: string) => T | undefined,
): NotificationBatch<T> {
  const items = asRecord(body)?.value;
  if (!Array.isArray(items)) throw new MalformedNotificationError('The body is not a change-notification batch: it has no "value" array.');
  const dropped: Record<DropReason, number> = { clientState: 0, tenant: 0, malformed: 0 };
  const accepted: T[] = [];
  for (const raw of items) {
    const item = asRecord(raw);
    if (!item) {
      dropped.malformed += 1;
      continue;
    }
    if (expected === undefined || !expected.matches(item.clientState)) {
      dropped.clientState += 1;
      continue;
    }
    const tenantId = typeof item.tenantId === 'string' ? item.tenantId.toLowerCase() : '';
    if (!allowedTenants.has(tenantId)) {
      dropped.tenant += 1;
      continue;
    }
    const notification = read(item, tenantId);
    if (notification === undefined) dropped.malformed += 1;
    else accepted.push(notification);
  }
  return { accepted, dropped };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
