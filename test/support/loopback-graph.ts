import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Microsoft Graph (node:http on 127.0.0.1, ephemeral port) for the call-record and
 * subscription endpoints the bot uses, speaking Graph's wire format:
 *
 * - `GET {base}/communications/callRecords/{id}?$expand=sessions($expand=segments)`: the record
 *   with its first page of sessions and `sessions@odata.nextLink` (or the lowercase
 *   `sessions@odata.nextlink`, per record), then `GET …/callRecords/{id}/sessions?$expand=segments&$skiptoken=…`
 *   pages with `@odata.nextLink`. A session can be repeated across a page boundary, and a
 *   record's first next link can point at a foreign host.
 * - `GET {base}/communications/callRecords/{id}/participants_v2`: the record's `participants_v2`
 *   (which the record itself never carries, as in Graph without `$expand=participants_v2`), 130
 *   a page by default, with `@odata.nextLink`; per record, a participant repeated across a page
 *   boundary, and next links that point at a foreign host or loop, as for sessions.
 * - 404 `NotFound` for unknown records, or until a set time ({@link LoopbackGraph.setNotFoundUntil}).
 * - `GET {base}/communications/callRecords?$filter=startDateTime ge {time}` with paging.
 * - `POST/GET {base}/subscriptions`, `GET/PATCH/DELETE {base}/subscriptions/{id}`,
 *   `POST {base}/subscriptions/{id}/reauthorize`, with Graph's validation of the body, an
 *   optional validation handshake with the notification URLs, and helpers that send change and
 *   lifecycle notifications to them.
 * - 401 without a valid bearer token; 429 on demand ({@link LoopbackGraph.throttleNext}, with or
 *   without `Retry-After`) and, when `enforceLimits` is set, whenever a sliding window of the
 *   documented limits would be exceeded (per tenant, per call record, listing).
 * - Faults on demand: an error status with any message ({@link LoopbackGraph.failNext}, e.g. a
 *   hostile one), a reset connection ({@link LoopbackGraph.resetNext}), a 200 whose body is not
 *   JSON ({@link LoopbackGraph.corruptNext}), slow answers, a record whose session next links
 *   loop, and a fault plan asked about every request ({@link LoopbackGraph.setFaultPlan}).
 *
 * The tenant of a request is the `tid` claim of its token, as in Graph. Records put without a
 * tenant are visible to every tenant.
 */
export interface LoopbackGraph {
  /** The Graph base URL, e.g. `http://127.0.0.1:41234/v1.0` (use as `GRAPH_BASE_URL`). */
  readonly url: string;
  /** `http://127.0.0.1:41234`. */
  readonly origin: string;
  readonly stats: LoopbackGraphStats;
  /** Every request (up to `requestLogLimit`), oldest first. */
  readonly requests: readonly LoopbackGraphRequest[];
  /**
   * Adds a call record (Graph JSON with a string `id`; its `sessions` and `participants_v2` are paged by the server), or
   * replaces it with a newer version (served from the next request on). Throws without an `id`.
   */
  putRecord(record: LoopbackCallRecord | Record<string, unknown>, options?: LoopbackRecordOptions): void;
  /** Forgets a record (404 from then on). */
  removeRecord(callId: string, tenantId?: string): void;
  /** Answers 404 for the record until the server's clock reaches `until` (and leaves it out of listings). */
  setNotFoundUntil(callId: string, until: number | Date, tenantId?: string): void;
  /**
   * The next `count` requests (matching `operations`, when given) get 429 `TooManyRequests`.
   * `retryAfter`: seconds (number), a raw header value (an HTTP date), or omitted for no header.
   */
  throttleNext(count: number, options?: { retryAfter?: number | string; operations?: LoopbackGraphOperation[] }): void;
  /**
   * The next `count` requests (matching `operations`) fail with `status` (default 503
   * `ServiceUnavailable`); `message` replaces Graph's `error.message` (e.g. a hostile one).
   */
  failNext(count: number, options?: { status?: number; code?: string; message?: string; retryAfter?: number | string; operations?: LoopbackGraphOperation[] }): void;
  /** The next `count` requests (matching `operations`) get their connection reset before any answer. */
  resetNext(count: number, options?: { operations?: LoopbackGraphOperation[] }): void;
  /** The next `count` requests (matching `operations`) get 200 with a body that is not JSON (cut short). */
  corruptNext(count: number, options?: { operations?: LoopbackGraphOperation[] }): void;
  /**
   * Asks `plan` about every request (after the injected one-shot faults): the fault it returns is
   * served instead of the answer; undefined serves the answer. `undefined` removes the plan.
   */
  setFaultPlan(plan: LoopbackFaultPlan | undefined): void;
  /** The next `count` requests are answered only after `ms` (for timeout tests). */
  delayNext(count: number, ms: number): void;
  /** Makes the next listing page's `@odata.nextLink` point at `url` (a foreign host), or stops that. */
  setForeignListNextLink(url: string | undefined): void;
  /** The subscriptions held, with their secrets, for assertions. */
  subscriptions(tenantId?: string): LoopbackSubscription[];
  /** Makes a subscription vanish: every later call on it answers 404. */
  removeSubscription(subscriptionId: string): void;
  /** The members of a team as `GET /teams/{id}/members` returns them (`roles` holds `owner` for owners). */
  setTeamMembers(teamId: string, members: ReadonlyArray<{ userId: string; roles: string[] }>): void;
  /** The Teams app ids installed for a user through `POST /users/{id}/teamwork/installedApps`. */
  installedApps(userId: string): string[];
  /**
   * POSTs change notifications for the call ids to the notification URL of every subscription of
   * the tenant (or of `subscriptionId`), `batchSize` per POST, as Graph does. `clientState`
   * overrides the subscription's (to test a wrong one). Resolves with each POST's status.
   */
  sendNotifications(tenantId: string, callIds: readonly string[], options?: LoopbackNotifyOptions): Promise<number[]>;
  /** POSTs a lifecycle notification to the subscription's lifecycle URL; `subscriptionRemoved` also removes it. */
  sendLifecycleNotification(subscriptionId: string, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): Promise<number>;
  /** Sets every counter back to zero and empties the request log. */
  resetStats(): void;
  close(): Promise<void>;
}

/** A call record as tests give it: Graph JSON with at least `id`; `sessions` and `participants_v2` are paged by the server. */
export type LoopbackCallRecord = {
  id: string;
  version?: number;
  startDateTime?: string;
  sessions?: Array<Record<string, unknown>>;
  participants_v2?: Array<Record<string, unknown>>;
} & Record<string, unknown>;

/** How one record is served. */
export interface LoopbackRecordOptions {
  /** Only this tenant sees it (default: every tenant). */
  tenantId?: string;
  /** Sessions per page (default: the server's `sessionPageSize`). */
  sessionPageSize?: number;
  /** Spelling of the record's sessions next link: `nextLink` (default) or `nextlink`. */
  nextLinkSpelling?: 'nextLink' | 'nextlink';
  /** Each next page starts with the last session of the page before (Graph sometimes repeats one). */
  duplicateAcrossPages?: boolean;
  /** The record's first sessions next link points here instead (e.g. `https://attacker.example/…`). */
  foreignNextLink?: string;
  /** The sessions next links loop: the last page (or the first, when all fits one) links back to the first sessions page. */
  loopingNextLink?: boolean;
  /** Participants per page of `participants_v2` (default: the server's `participantPageSize`). */
  participantPageSize?: number;
  /** Each next page of participants starts with the last participant of the page before. */
  duplicateParticipantsAcrossPages?: boolean;
  /** The first page of participants links here instead (e.g. `https://attacker.example/…`). */
  foreignParticipantsNextLink?: string;
  /** The last page of participants links back to the second (or the first page to itself, when all fits one). */
  loopingParticipantsNextLink?: boolean;
}

/** A fault the loopback serves instead of an answer. */
export type LoopbackFault =
  | { kind: 'status'; status: number; code?: string; message?: string; retryAfter?: number | string }
  | { kind: 'reset' }
  | { kind: 'invalid-json' }
  | { kind: 'delay'; ms: number };

/** What a fault plan is told of each request. */
export interface LoopbackFaultContext {
  operation: LoopbackGraphOperation;
  method: string;
  callId?: string;
}

/** Decides, request by request, whether to serve a fault (for randomized fault injection). */
export type LoopbackFaultPlan = (request: LoopbackFaultContext) => LoopbackFault | undefined;

/** Options of {@link LoopbackGraph.sendNotifications}. */
export interface LoopbackNotifyOptions {
  subscriptionId?: string;
  changeType?: 'created' | 'updated';
  clientState?: string;
  batchSize?: number;
}

/** A subscription as the loopback holds it. */
export interface LoopbackSubscription {
  id: string;
  tenantId: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
  createdAt: number;
  renewals: number;
  reauthorizations: number;
}

/** What a request was, as the loopback classifies it. */
export type LoopbackGraphOperation =
  | 'getCallRecord'
  | 'getSessionsPage'
  | 'getParticipantsPage'
  | 'listCallRecords'
  | 'createSubscription'
  | 'getSubscription'
  | 'listSubscriptions'
  | 'renewSubscription'
  | 'deleteSubscription'
  | 'reauthorizeSubscription'
  | 'installAppForUser'
  | 'listTeamMembers'
  | 'unknown';

/** One logged request. */
export interface LoopbackGraphRequest {
  at: number;
  method: string;
  /** Path and query. */
  path: string;
  operation: LoopbackGraphOperation;
  tenantId: string | undefined;
  callId?: string;
  status: number;
  /** The `Prefer` header as sent. */
  prefer: string | undefined;
}

/** At most `limit` requests in any `windowMs`. */
export interface LoopbackRateLimit {
  limit: number;
  windowMs: number;
}

/** Sliding-window limits the loopback measures and (when enforced) applies. */
export interface LoopbackGraphLimits {
  perTenant: LoopbackRateLimit;
  perCallRecord: LoopbackRateLimit;
  listCallRecords: LoopbackRateLimit;
}

/** Counters for assertions and benchmarks. */
export interface LoopbackGraphStats {
  requests: number;
  byOperation: Partial<Record<LoopbackGraphOperation, number>>;
  /** Every 429, injected or enforced. */
  throttled: number;
  /** 429s from the enforced limits only. */
  throttledByLimits: number;
  notFound: number;
  unauthorized: number;
  /** Connections reset on purpose. */
  resets: number;
  /** 200 answers cut short on purpose (not JSON). */
  corrupted: number;
  /** The most requests admitted inside one window of each limit (measured even when not enforced). */
  peakInWindow: { perTenant: number; perCallRecord: number; listCallRecords: number };
}

/** Options of {@link startLoopbackGraph}. */
export interface LoopbackGraphOptions {
  /**
   * Checks a bearer token; return its claims (`tid`, and `aud` which must then be this server's
   * origin) or undefined to answer 401. Default: any bearer token is accepted and the tenant is
   * the unverified `tid` claim of a JWT (else `default`).
   */
  verifyAccessToken?: (token: string) => { tid: string; aud?: string } | undefined;
  /** Path of the API version, default `/v1.0`. */
  basePath?: string;
  /** Sessions per page, default 60 (Graph's). */
  sessionPageSize?: number;
  /** Participants per page of `participants_v2`, default 130 (Graph's). */
  participantPageSize?: number;
  /** Call records per listing page, default 60. */
  listPageSize?: number;
  /** Subscriptions per listing page, default 100. */
  subscriptionPageSize?: number;
  /** Limits to measure; the documented ones by default. */
  limits?: Partial<LoopbackGraphLimits>;
  /** Refuse requests past the limits with 429 (default false: only measure). */
  enforceLimits?: boolean;
  /** Send `Retry-After` with enforced 429s (default true). */
  retryAfterOnEnforcedLimits?: boolean;
  /** Before creating a subscription, run Graph's validation handshake with its URLs (default false). */
  validateNotificationUrls?: boolean;
  /** Most requests kept in {@link LoopbackGraph.requests}, default 20,000. */
  requestLogLimit?: number;
  now?: () => number;
}

/** Documented Graph limits (see docs/platform-facts.md). */
export const DOCUMENTED_GRAPH_LIMITS: LoopbackGraphLimits = {
  perTenant: { limit: 1500, windowMs: 20_000 },
  perCallRecord: { limit: 40, windowMs: 20_000 },
  listCallRecords: { limit: 40, windowMs: 20_000 },
};

const MAX_SUBSCRIPTION_MINUTES = 4230;
const MIN_SUBSCRIPTION_MINUTES = 45;
const MAX_SUBSCRIPTIONS_PER_TENANT = 100;
const VALIDATION_TIMEOUT_MS = 10_000;

interface StoredRecord {
  record: LoopbackCallRecord;
  options: LoopbackRecordOptions;
}

interface InjectedFailure {
  /** `status` answers Graph's error JSON; `reset` drops the connection; `invalid-json` answers 200 with a cut body. */
  kind: 'status' | 'reset' | 'invalid-json';
  status: number;
  code: string;
  message: string;
  retryAfter: number | string | undefined;
  operations: LoopbackGraphOperation[] | undefined;
}

class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Sliding windows of admitted request times, one per key. */
class SlidingWindows {
  private readonly windows = new Map<string, number[]>();
  private admissions = 0;

  constructor(private readonly rule: LoopbackRateLimit) {}

  /** How long until `key` has room, 0 when it has room now. */
  waitMs(key: string, now: number): number {
    const times = this.pruned(key, now);
    if (times.length < this.rule.limit) return 0;
    return times[0]! + this.rule.windowMs - now;
  }

  /** Records an admitted request and returns how many the window now holds. */
  admit(key: string, now: number): number {
    const times = this.pruned(key, now);
    times.push(now);
    this.windows.set(key, times);
    if (++this.admissions % 1024 === 0) this.forgetIdle(now);
    return times.length;
  }

  private pruned(key: string, now: number): number[] {
    const times = this.windows.get(key) ?? [];
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - this.rule.windowMs) drop += 1;
    if (drop > 0) times.splice(0, drop);
    return times;
  }

  private forgetIdle(now: number): void {
    for (const key of [...this.windows.keys()]) {
      if (this.pruned(key, now).length === 0) this.windows.delete(key);
    }
  }
}

/** Starts the loopback Graph. */
export async function startLoopbackGraph(options: LoopbackGraphOptions = {}): Promise<LoopbackGraph> {
  const now = options.now ?? Date.now;
  const basePath = (options.basePath ?? '/v1.0').replace(/\/+$/, '');
  const sessionPageSize = options.sessionPageSize ?? 60;
  const participantPageSize = options.participantPageSize ?? 130;
  const listPageSize = options.listPageSize ?? 60;
  const subscriptionPageSize = options.subscriptionPageSize ?? 100;
  const limits: LoopbackGraphLimits = { ...DOCUMENTED_GRAPH_LIMITS, ...options.limits };
  const requestLogLimit = options.requestLogLimit ?? 20_000;
  const records = new Map<string, StoredRecord>();
  const notFoundUntil = new Map<string, number>();
  const subscriptionTable = new Map<string, LoopbackSubscription>();
  const installations = new Map<string, Set<string>>();
  const teamMembers = new Map<string, Array<{ userId: string; roles: string[] }>>();
  const failures: InjectedFailure[] = [];
  const delays: number[] = [];
  let foreignListNextLink: string | undefined;
  let faultPlan: LoopbackFaultPlan | undefined;
  let windows = {
    perTenant: new SlidingWindows(limits.perTenant),
    perCallRecord: new SlidingWindows(limits.perCallRecord),
    listCallRecords: new SlidingWindows(limits.listCallRecords),
  };
  const emptyStats = (): LoopbackGraphStats => ({
    requests: 0,
    byOperation: {},
    throttled: 0,
    throttledByLimits: 0,
    notFound: 0,
    unauthorized: 0,
    resets: 0,
    corrupted: 0,
    peakInWindow: { perTenant: 0, perCallRecord: 0, listCallRecords: 0 },
  });
  const stats = emptyStats();
  const requests: LoopbackGraphRequest[] = [];
  let origin = '';

  const recordKey = (tenantId: string, callId: string): string => `${tenantId}\n${callId}`;
  const findRecord = (tenantId: string, callId: string): StoredRecord | undefined =>
    records.get(recordKey(tenantId, callId)) ?? records.get(recordKey('*', callId));
  const hiddenUntil = (tenantId: string, callId: string): number =>
    Math.max(notFoundUntil.get(recordKey(tenantId, callId)) ?? 0, notFoundUntil.get(recordKey('*', callId)) ?? 0);

  const tenantOf = (request: IncomingMessage): string => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const token = match[1]!;
    if (options.verifyAccessToken) {
      const claims = options.verifyAccessToken(token);
      if (!claims) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience, signature or expiry.');
      if (claims.aud !== undefined && claims.aud !== origin) {
        throw new GraphHttpError(401, 'InvalidAuthenticationToken', `Access token validation failure. Invalid audience ${claims.aud}.`);
      }
      return claims.tid;
    }
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tid?: unknown };
      return typeof payload.tid === 'string' ? payload.tid : 'default';
    } catch {
      return 'default';
    }
  };

  const classify = (method: string, path: string): { operation: LoopbackGraphOperation; callId?: string; subscriptionId?: string; userId?: string; teamId?: string } => {
    let match: RegExpExecArray | null;
    if (method === 'GET' && path === '/communications/callRecords') return { operation: 'listCallRecords' };
    if (method === 'GET' && (match = /^\/communications\/callRecords\/([^/]+)\/sessions$/.exec(path))) {
      return { operation: 'getSessionsPage', callId: decodeURIComponent(match[1]!) };
    }
    if (method === 'GET' && (match = /^\/communications\/callRecords\/([^/]+)\/participants_v2$/.exec(path))) {
      return { operation: 'getParticipantsPage', callId: decodeURIComponent(match[1]!) };
    }
    if (method === 'GET' && (match = /^\/communications\/callRecords\/([^/()']+)$/.exec(path))) {
      return { operation: 'getCallRecord', callId: decodeURIComponent(match[1]!) };
    }
    if (method === 'POST' && (match = /^\/users\/([^/]+)\/teamwork\/installedApps$/.exec(path))) {
      return { operation: 'installAppForUser', userId: decodeURIComponent(match[1]!) };
    }
    if (method === 'GET' && (match = /^\/teams\/([^/]+)\/members$/.exec(path))) {
      return { operation: 'listTeamMembers', teamId: decodeURIComponent(match[1]!) };
    }
    if (path === '/subscriptions') return { operation: method === 'POST' ? 'createSubscription' : method === 'GET' ? 'listSubscriptions' : 'unknown' };
    if (method === 'POST' && (match = /^\/subscriptions\/([^/]+)\/reauthorize$/.exec(path))) {
      return { operation: 'reauthorizeSubscription', subscriptionId: decodeURIComponent(match[1]!) };
    }
    if ((match = /^\/subscriptions\/([^/]+)$/.exec(path))) {
      const subscriptionId = decodeURIComponent(match[1]!);
      if (method === 'GET') return { operation: 'getSubscription', subscriptionId };
      if (method === 'PATCH') return { operation: 'renewSubscription', subscriptionId };
      if (method === 'DELETE') return { operation: 'deleteSubscription', subscriptionId };
    }
    return { operation: 'unknown' };
  };

  /** Applies the sliding windows: 429 when enforced and full, else admits and measures. */
  const admit = (tenantId: string, operation: LoopbackGraphOperation, callId: string | undefined, at: number): void => {
    const checks: Array<[keyof LoopbackGraphLimits, string]> = [['perTenant', tenantId]];
    if ((operation === 'getCallRecord' || operation === 'getSessionsPage' || operation === 'getParticipantsPage') && callId) checks.push(['perCallRecord', recordKey(tenantId, callId)]);
    if (operation === 'listCallRecords') checks.push(['listCallRecords', tenantId]);
    if (options.enforceLimits) {
      const waitMs = Math.max(...checks.map(([name, key]) => windows[name].waitMs(key, at)));
      if (waitMs > 0) {
        stats.throttledByLimits += 1;
        const headers: Record<string, string> = options.retryAfterOnEnforcedLimits === false ? {} : { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) };
        throw new GraphHttpError(429, 'TooManyRequests', 'Too many requests.', headers);
      }
    }
    for (const [name, key] of checks) {
      const count = windows[name].admit(key, at);
      if (count > stats.peakInWindow[name]) stats.peakInWindow[name] = count;
    }
  };

  const sessionPageUrl = (callId: string, offset: number, version: number | undefined): string =>
    `${origin}${basePath}/communications/callRecords/${encodeURIComponent(callId)}/sessions?$expand=segments&$skiptoken=${encodeSkipToken({ o: offset, v: version ?? null })}`;

  const shapeSessions = (sessions: Array<Record<string, unknown>>, withSegments: boolean): Array<Record<string, unknown>> =>
    sessions.map((session) => {
      if (withSegments) return session;
      const { segments: _segments, ...rest } = session;
      return rest;
    });

  const serveCallRecord = (tenantId: string, callId: string, query: URLSearchParams, at: number): unknown => {
    const stored = findRecord(tenantId, callId);
    if (!stored || hiddenUntil(tenantId, callId) > at) {
      throw new GraphHttpError(404, 'NotFound', `Resource 'communications/callRecords/${callId}' was not found.`);
    }
    const { record, options: recordOptions } = stored;
    const { sessions = [], participants_v2: _participants, ...rest } = structuredClone(record);
    const expand = (query.get('$expand') ?? '').replace(/\s+/g, '');
    const body: Record<string, unknown> = {
      '@odata.context': `${origin}${basePath}/$metadata#communications/callRecords(sessions(segments()))/$entity`,
      ...rest,
      'participants_v2@odata.context': `${origin}${basePath}/$metadata#communications/callRecords('${callId}')/participants_v2/$entity`,
    };
    if (expand === 'sessions' || expand === 'sessions($expand=segments)') {
      const size = recordOptions.sessionPageSize ?? sessionPageSize;
      body['sessions@odata.context'] = `${origin}${basePath}/$metadata#communications/callRecords('${callId}')/sessions(segments())`;
      body.sessions = shapeSessions(sessions.slice(0, size), expand !== 'sessions');
      const spelling = recordOptions.nextLinkSpelling === 'nextlink' ? 'sessions@odata.nextlink' : 'sessions@odata.nextLink';
      if (recordOptions.foreignNextLink) {
        body[spelling] = recordOptions.foreignNextLink;
      } else if (recordOptions.loopingNextLink || sessions.length > size) {
        body[spelling] = sessionPageUrl(callId, size - (recordOptions.duplicateAcrossPages ? 1 : 0), record.version);
      }
    }
    return body;
  };

  const serveSessionsPage = (tenantId: string, callId: string, query: URLSearchParams, at: number): unknown => {
    const stored = findRecord(tenantId, callId);
    if (!stored || hiddenUntil(tenantId, callId) > at) {
      throw new GraphHttpError(404, 'NotFound', `Resource 'communications/callRecords/${callId}' was not found.`);
    }
    const token = decodeSkipToken(query.get('$skiptoken'));
    if (!token || typeof token.o !== 'number' || token.o < 0) throw new GraphHttpError(400, 'BadRequest', 'The $skiptoken is not valid.');
    const { record, options: recordOptions } = stored;
    const sessions = record.sessions ?? [];
    const size = recordOptions.sessionPageSize ?? sessionPageSize;
    const offset = token.o;
    const withSegments = (query.get('$expand') ?? '') === 'segments';
    const body: Record<string, unknown> = {
      '@odata.context': `${origin}${basePath}/$metadata#communications/callRecords('${callId}')/sessions(segments())`,
      value: shapeSessions(structuredClone(sessions.slice(offset, offset + size)), withSegments),
    };
    if (sessions.length > offset + size) {
      body['@odata.nextLink'] = sessionPageUrl(callId, offset + size - (recordOptions.duplicateAcrossPages ? 1 : 0), record.version);
    } else if (recordOptions.loopingNextLink) {
      // Back to the first sessions page: a walker that does not remember where it has been goes round for ever.
      body['@odata.nextLink'] = sessionPageUrl(callId, size - (recordOptions.duplicateAcrossPages ? 1 : 0), record.version);
    }
    return body;
  };

  const participantsPageUrl = (callId: string, offset: number, version: number | undefined): string =>
    `${origin}${basePath}/communications/callRecords/${encodeURIComponent(callId)}/participants_v2?$skiptoken=${encodeSkipToken({ o: offset, v: version ?? null })}`;

  const serveParticipantsPage = (tenantId: string, callId: string, query: URLSearchParams, at: number): unknown => {
    const stored = findRecord(tenantId, callId);
    if (!stored || hiddenUntil(tenantId, callId) > at) {
      throw new GraphHttpError(404, 'NotFound', `Resource 'communications/callRecords/${callId}' was not found.`);
    }
    const token = query.has('$skiptoken') ? decodeSkipToken(query.get('$skiptoken')) : { o: 0 };
    if (!token || typeof token.o !== 'number' || token.o < 0) throw new GraphHttpError(400, 'BadRequest', 'The $skiptoken is not valid.');
    const { record, options: recordOptions } = stored;
    const participants = record.participants_v2 ?? [];
    const size = recordOptions.participantPageSize ?? participantPageSize;
    const repeat = recordOptions.duplicateParticipantsAcrossPages ? 1 : 0;
    const offset = token.o;
    const body: Record<string, unknown> = {
      '@odata.context': `${origin}/$metadata#communications/callRecords('${callId}')/participants_v2`,
      value: structuredClone(participants.slice(offset, offset + size)),
    };
    if (offset === 0 && recordOptions.foreignParticipantsNextLink) {
      body['@odata.nextLink'] = recordOptions.foreignParticipantsNextLink;
    } else if (participants.length > offset + size) {
      body['@odata.nextLink'] = participantsPageUrl(callId, offset + size - repeat, record.version);
    } else if (recordOptions.loopingParticipantsNextLink) {
      // Back to the second page (to the first, when there is no other): a walker that does not remember where it has been goes round for ever.
      body['@odata.nextLink'] =
        participants.length > size
          ? participantsPageUrl(callId, size - repeat, record.version)
          : `${origin}${basePath}/communications/callRecords/${encodeURIComponent(callId)}/participants_v2`;
    }
    return body;
  };

  const listCallRecords = (tenantId: string, query: URLSearchParams, at: number): unknown => {
    const filter = query.get('$filter');
    let since = Number.NEGATIVE_INFINITY;
    if (filter !== null) {
      const match = /^\s*startDateTime\s+ge\s+'?([0-9T:.\-+Z]+)'?\s*$/.exec(filter);
      const parsed = match ? Date.parse(match[1]!) : Number.NaN;
      if (Number.isNaN(parsed)) throw new GraphHttpError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
      since = parsed;
    }
    const visible = new Map<string, LoopbackCallRecord>();
    for (const [key, stored] of records) {
      const [owner, callId] = key.split('\n') as [string, string];
      if (owner !== '*' && owner !== tenantId) continue;
      if (hiddenUntil(tenantId, callId) > at) continue;
      if (owner === '*' && visible.has(callId)) continue;
      visible.set(callId, stored.record);
    }
    const matching = [...visible.values()]
      .filter((record) => Date.parse(record.startDateTime ?? '') >= since)
      .sort((a, b) => (a.startDateTime ?? '').localeCompare(b.startDateTime ?? '') || a.id.localeCompare(b.id));
    const offset = query.has('$skiptoken') ? Number(decodeSkipToken(query.get('$skiptoken'))?.o) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new GraphHttpError(400, 'BadRequest', 'The $skiptoken is not valid.');
    const page = matching.slice(offset, offset + listPageSize).map((record) => {
      const { sessions: _sessions, ...rest } = structuredClone(record);
      return rest;
    });
    const body: Record<string, unknown> = { '@odata.context': `${origin}${basePath}/$metadata#communications/callRecords`, value: page };
    if (foreignListNextLink) {
      body['@odata.nextLink'] = foreignListNextLink;
    } else if (matching.length > offset + listPageSize) {
      const next = new URLSearchParams();
      if (filter !== null) next.set('$filter', filter);
      next.set('$skiptoken', encodeSkipToken({ o: offset + listPageSize }));
      body['@odata.nextLink'] = `${origin}${basePath}/communications/callRecords?${next.toString()}`;
    }
    return body;
  };

  const liveSubscription = (tenantId: string, subscriptionId: string, at: number): LoopbackSubscription => {
    const subscription = subscriptionTable.get(subscriptionId);
    if (subscription && Date.parse(subscription.expirationDateTime) <= at) subscriptionTable.delete(subscriptionId);
    if (!subscription || !subscriptionTable.has(subscriptionId) || subscription.tenantId !== tenantId) {
      throw new GraphHttpError(404, 'ResourceNotFound', `The object was not found (subscription ${subscriptionId}).`);
    }
    return subscription;
  };

  const subscriptionJson = (subscription: LoopbackSubscription, withClientState: boolean): Record<string, unknown> => ({
    '@odata.context': `${origin}${basePath}/$metadata#subscriptions/$entity`,
    id: subscription.id,
    resource: subscription.resource,
    applicationId: '00000000-0000-0000-0000-000000000000',
    changeType: subscription.changeType,
    clientState: withClientState ? subscription.clientState : null,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: subscription.expirationDateTime,
    creatorId: '00000000-0000-0000-0000-000000000000',
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  });

  const checkedExpiry = (value: unknown, at: number): string => {
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(time)) throw new GraphHttpError(400, 'InvalidRequest', 'expirationDateTime is required and must be a date and time.');
    if (time > at + MAX_SUBSCRIPTION_MINUTES * 60_000) {
      throw new GraphHttpError(400, 'InvalidRequest', `Subscription expiration can only be ${MAX_SUBSCRIPTION_MINUTES} minutes in the future.`);
    }
    if (time <= at) throw new GraphHttpError(400, 'InvalidRequest', 'Subscription expiration must be in the future.');
    return new Date(Math.max(time, at + MIN_SUBSCRIPTION_MINUTES * 60_000)).toISOString();
  };

  const notificationUrlProblem = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return 'is required';
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))) return undefined;
      return 'must be https';
    } catch {
      return 'is not a URL';
    }
  };

  const validationHandshake = async (url: string): Promise<void> => {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    let ok = false;
    try {
      const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '', signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS) });
      const text = await response.text();
      ok = response.status === 200 && (response.headers.get('content-type') ?? '').startsWith('text/plain') && text === token;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new GraphHttpError(400, 'ValidationError', `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request (${new URL(url).origin}).`);
    }
  };

  const createSubscription = async (tenantId: string, body: unknown, at: number): Promise<unknown> => {
    const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const resource = typeof request.resource === 'string' ? request.resource : '';
    if (!/^\/?communications\/callRecords(\?.*)?$/.test(resource)) {
      throw new GraphHttpError(400, 'InvalidRequest', `Resource '${resource}' is not supported by this loopback (only communications/callRecords).`);
    }
    const changeType = typeof request.changeType === 'string' ? request.changeType : '';
    if (changeType === '' || !changeType.split(',').every((type) => ['created', 'updated', 'deleted'].includes(type))) {
      throw new GraphHttpError(400, 'InvalidRequest', `changeType '${changeType}' is not valid.`);
    }
    const urlProblem = notificationUrlProblem(request.notificationUrl);
    if (urlProblem) throw new GraphHttpError(400, 'InvalidRequest', `notificationUrl ${urlProblem}.`);
    if (request.lifecycleNotificationUrl !== undefined && request.lifecycleNotificationUrl !== null) {
      const lifecycleProblem = notificationUrlProblem(request.lifecycleNotificationUrl);
      if (lifecycleProblem) throw new GraphHttpError(400, 'InvalidRequest', `lifecycleNotificationUrl ${lifecycleProblem}.`);
    }
    if (typeof request.clientState === 'string' && request.clientState.length > 128) {
      throw new GraphHttpError(400, 'InvalidRequest', 'clientState must be at most 128 characters.');
    }
    const expirationDateTime = checkedExpiry(request.expirationDateTime, at);
    const owned = [...subscriptionTable.values()].filter((subscription) => subscription.tenantId === tenantId && Date.parse(subscription.expirationDateTime) > at);
    if (owned.length >= MAX_SUBSCRIPTIONS_PER_TENANT) {
      throw new GraphHttpError(403, 'ExtensionError', `Operation on target resource communications/callRecords failed: the tenant already has ${MAX_SUBSCRIPTIONS_PER_TENANT} subscriptions.`);
    }
    if (options.validateNotificationUrls) {
      await validationHandshake(request.notificationUrl as string);
      if (typeof request.lifecycleNotificationUrl === 'string') await validationHandshake(request.lifecycleNotificationUrl);
    }
    const subscription: LoopbackSubscription = {
      id: randomUUID(),
      tenantId,
      resource,
      changeType,
      notificationUrl: request.notificationUrl as string,
      lifecycleNotificationUrl: typeof request.lifecycleNotificationUrl === 'string' ? request.lifecycleNotificationUrl : null,
      clientState: typeof request.clientState === 'string' ? request.clientState : null,
      expirationDateTime,
      createdAt: at,
      renewals: 0,
      reauthorizations: 0,
    };
    subscriptionTable.set(subscription.id, subscription);
    return subscriptionJson(subscription, true);
  };

  const route = async (
    tenantId: string,
    method: string,
    classified: ReturnType<typeof classify>,
    query: URLSearchParams,
    readJson: () => Promise<unknown>,
    at: number,
  ): Promise<{ status: number; body?: unknown }> => {
    switch (classified.operation) {
      case 'getCallRecord':
        return { status: 200, body: serveCallRecord(tenantId, classified.callId!, query, at) };
      case 'getSessionsPage':
        return { status: 200, body: serveSessionsPage(tenantId, classified.callId!, query, at) };
      case 'getParticipantsPage':
        return { status: 200, body: serveParticipantsPage(tenantId, classified.callId!, query, at) };
      case 'listCallRecords':
        return { status: 200, body: listCallRecords(tenantId, query, at) };
      case 'createSubscription':
        return { status: 201, body: await createSubscription(tenantId, await readJson(), at) };
      case 'getSubscription':
        return { status: 200, body: subscriptionJson(liveSubscription(tenantId, classified.subscriptionId!, at), false) };
      case 'renewSubscription': {
        const subscription = liveSubscription(tenantId, classified.subscriptionId!, at);
        const body = (await readJson()) as { expirationDateTime?: unknown } | undefined;
        subscription.expirationDateTime = checkedExpiry(body?.expirationDateTime, at);
        subscription.renewals += 1;
        return { status: 200, body: subscriptionJson(subscription, false) };
      }
      case 'reauthorizeSubscription':
        liveSubscription(tenantId, classified.subscriptionId!, at).reauthorizations += 1;
        return { status: 204 };
      case 'deleteSubscription':
        liveSubscription(tenantId, classified.subscriptionId!, at);
        subscriptionTable.delete(classified.subscriptionId!);
        return { status: 204 };
      case 'listSubscriptions': {
        const owned = [...subscriptionTable.values()].filter((subscription) => subscription.tenantId === tenantId && Date.parse(subscription.expirationDateTime) > at);
        const offset = query.has('$skiptoken') ? Number(decodeSkipToken(query.get('$skiptoken'))?.o) : 0;
        if (!Number.isInteger(offset) || offset < 0) throw new GraphHttpError(400, 'BadRequest', 'The $skiptoken is not valid.');
        const body: Record<string, unknown> = {
          '@odata.context': `${origin}${basePath}/$metadata#subscriptions`,
          value: owned.slice(offset, offset + subscriptionPageSize).map((subscription) => subscriptionJson(subscription, false)),
        };
        if (owned.length > offset + subscriptionPageSize) {
          body['@odata.nextLink'] = `${origin}${basePath}/subscriptions?$skiptoken=${encodeSkipToken({ o: offset + subscriptionPageSize })}`;
        }
        return { status: 200, body };
      }
      case 'installAppForUser': {
        const body = (await readJson()) as Record<string, unknown> | undefined;
        const bind = typeof body?.['teamsApp@odata.bind'] === 'string' ? (body['teamsApp@odata.bind'] as string) : '';
        const appId = /\/appCatalogs\/teamsApps\/([^/?#]+)$/.exec(bind)?.[1];
        if (!appId) throw new GraphHttpError(400, 'BadRequest', 'teamsApp@odata.bind must name an app in /appCatalogs/teamsApps.');
        const apps = installations.get(classified.userId!) ?? new Set<string>();
        if (apps.has(appId)) throw new GraphHttpError(409, 'Conflict', 'The app is already installed for this user.');
        installations.set(classified.userId!, apps.add(appId));
        return { status: 201, body: { id: `${classified.userId}-${appId}` } };
      }
      case 'listTeamMembers': {
        const members = teamMembers.get(classified.teamId!);
        if (!members) throw new GraphHttpError(404, 'NotFound', `No team with id '${classified.teamId}'.`);
        const wanted = /userId eq '([^']+)'/.exec(query.get('$filter') ?? '')?.[1];
        return {
          status: 200,
          body: {
            value: members
              .filter((member) => wanted === undefined || member.userId === wanted)
              .map((member) => ({ '@odata.type': '#microsoft.graph.aadUserConversationMember', userId: member.userId, roles: member.roles })),
          },
        };
      }
      default:
        throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${method}'.`);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = now();
    const url = new URL(request.url ?? '/', origin);
    const method = request.method ?? 'GET';
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : undefined;
    const classified = path === undefined ? { operation: 'unknown' as const } : classify(method, path);
    const entry: LoopbackGraphRequest = {
      at,
      method,
      path: `${url.pathname}${url.search}`,
      operation: classified.operation,
      tenantId: undefined,
      ...(classified.callId ? { callId: classified.callId } : {}),
      status: 0,
      prefer: typeof request.headers.prefer === 'string' ? request.headers.prefer : undefined,
    };
    stats.requests += 1;
    stats.byOperation[classified.operation] = (stats.byOperation[classified.operation] ?? 0) + 1;
    if (requests.length < requestLogLimit) requests.push(entry);
    let bodyText: string | undefined;
    const readJson = async (): Promise<unknown> => {
      bodyText ??= await readBody(request);
      if (bodyText.trim() === '') return undefined;
      try {
        return JSON.parse(bodyText) as unknown;
      } catch {
        throw new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload.');
      }
    };
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const delay = delays.shift();
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
      if (path === undefined) throw new GraphHttpError(400, 'BadRequest', `Invalid version: ${url.pathname}`);
      const tenantId = tenantOf(request);
      entry.tenantId = tenantId;
      const failureIndex = failures.findIndex((failure) => !failure.operations || failure.operations.includes(classified.operation));
      let failure: InjectedFailure | undefined = failureIndex >= 0 ? failures.splice(failureIndex, 1)[0] : undefined;
      if (!failure && faultPlan) {
        const planned = faultPlan({ operation: classified.operation, method, ...(classified.callId ? { callId: classified.callId } : {}) });
        if (planned?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, planned.ms));
        else if (planned) failure = plannedFailure(planned);
      }
      if (failure?.kind === 'reset') {
        entry.status = -1;
        stats.resets += 1;
        request.socket.destroy();
        return;
      }
      if (failure?.kind === 'invalid-json') {
        entry.status = 200;
        stats.corrupted += 1;
        const text = '{"@odata.context":"cut short';
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
        return;
      }
      if (failure) {
        const retryAfter: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
        throw new GraphHttpError(failure.status, failure.code, failure.message, retryAfter);
      }
      admit(tenantId, classified.operation, classified.callId, at);
      ({ status, body } = await route(tenantId, method, classified, url.searchParams, readJson, at));
    } catch (error) {
      if (!(error instanceof GraphHttpError)) throw error;
      status = error.status;
      headers = error.headers;
      body = {
        error: {
          code: error.code,
          message: error.message,
          innerError: { date: new Date(at).toISOString().replace(/\.\d+Z$/, ''), 'request-id': randomUUID(), 'client-request-id': String(request.headers['client-request-id'] ?? '') },
        },
      };
    }
    if (bodyText === undefined) await readBody(request);
    entry.status = status;
    if (status === 429) stats.throttled += 1;
    if (status === 404) stats.notFound += 1;
    if (status === 401) stats.unauthorized += 1;
    const text = body === undefined ? '' : JSON.stringify(body);
    response.writeHead(status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8' }),
      'content-length': Buffer.byteLength(text),
      'request-id': randomUUID(),
      'client-request-id': String(request.headers['client-request-id'] ?? ''),
      ...headers,
    });
    response.end(text);
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'InternalServerError', message: `Loopback Graph failed: ${(error as Error).message}` } }));
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const postJson = async (url: string, payload: unknown): Promise<number> => {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  };

  return {
    url: `${origin}${basePath}`,
    origin,
    stats,
    requests,
    putRecord(record, recordOptions = {}) {
      if (typeof record?.id !== 'string' || record.id === '') throw new TypeError('putRecord needs a call record with a string "id".');
      if (record.sessions !== undefined && !Array.isArray(record.sessions)) throw new TypeError('putRecord needs "sessions" to be an array when present.');
      if (record.participants_v2 !== undefined && !Array.isArray(record.participants_v2)) throw new TypeError('putRecord needs "participants_v2" to be an array when present.');
      const copy = structuredClone(record) as LoopbackCallRecord;
      records.set(recordKey(recordOptions.tenantId ?? '*', copy.id), { record: copy, options: { ...recordOptions } });
    },
    removeRecord(callId, tenantId) {
      records.delete(recordKey(tenantId ?? '*', callId));
    },
    setNotFoundUntil(callId, until, tenantId) {
      notFoundUntil.set(recordKey(tenantId ?? '*', callId), until instanceof Date ? until.getTime() : until);
    },
    throttleNext(count, throttle = {}) {
      for (let index = 0; index < count; index += 1) {
        failures.push({ kind: 'status', status: 429, code: 'TooManyRequests', message: 'Too many requests.', retryAfter: throttle.retryAfter, operations: throttle.operations });
      }
    },
    failNext(count, failure = {}) {
      for (let index = 0; index < count; index += 1) {
        failures.push({
          kind: 'status',
          status: failure.status ?? 503,
          code: failure.code ?? 'ServiceUnavailable',
          message: failure.message ?? 'The service is temporarily unavailable (injected by the test).',
          retryAfter: failure.retryAfter,
          operations: failure.operations,
        });
      }
    },
    resetNext(count, reset = {}) {
      for (let index = 0; index < count; index += 1) failures.push({ kind: 'reset', status: 0, code: '', message: '', retryAfter: undefined, operations: reset.operations });
    },
    corruptNext(count, corrupt = {}) {
      for (let index = 0; index < count; index += 1) failures.push({ kind: 'invalid-json', status: 200, code: '', message: '', retryAfter: undefined, operations: corrupt.operations });
    },
    setFaultPlan(plan) {
      faultPlan = plan;
    },
    delayNext(count, ms) {
      for (let index = 0; index < count; index += 1) delays.push(ms);
    },
    setForeignListNextLink(url) {
      foreignListNextLink = url;
    },
    subscriptions(tenantId) {
      return [...subscriptionTable.values()].filter((subscription) => tenantId === undefined || subscription.tenantId === tenantId).map((subscription) => ({ ...subscription }));
    },
    removeSubscription(subscriptionId) {
      subscriptionTable.delete(subscriptionId);
    },
    setTeamMembers(teamId, members) {
      teamMembers.set(teamId, members.map((member) => ({ userId: member.userId, roles: [...member.roles] })));
    },
    installedApps(userId) {
      return [...(installations.get(userId) ?? [])];
    },
    async sendNotifications(tenantId, callIds, notify = {}) {
      const targets = [...subscriptionTable.values()].filter(
        (subscription) => subscription.tenantId === tenantId && (notify.subscriptionId === undefined || subscription.id === notify.subscriptionId),
      );
      const statuses: number[] = [];
      const batchSize = notify.batchSize ?? 100;
      for (const subscription of targets) {
        for (let start = 0; start < callIds.length; start += batchSize) {
          const value = callIds.slice(start, start + batchSize).map((callId) => ({
            subscriptionId: subscription.id,
            clientState: notify.clientState ?? subscription.clientState,
            changeType: notify.changeType ?? 'created',
            resource: `communications/callRecords/${callId}`,
            subscriptionExpirationDateTime: subscription.expirationDateTime,
            resourceData: { '@odata.type': '#Microsoft.Graph.callRecord', '@odata.id': `communications/callRecords/${callId}`, id: callId },
            tenantId,
          }));
          statuses.push(await postJson(subscription.notificationUrl, { value }));
        }
      }
      return statuses;
    },
    async sendLifecycleNotification(subscriptionId, lifecycleEvent) {
      const subscription = subscriptionTable.get(subscriptionId);
      if (!subscription?.lifecycleNotificationUrl) throw new Error(`Subscription ${subscriptionId} does not exist or has no lifecycle notification URL.`);
      if (lifecycleEvent === 'subscriptionRemoved') subscriptionTable.delete(subscriptionId);
      return postJson(subscription.lifecycleNotificationUrl, {
        value: [
          {
            subscriptionId,
            subscriptionExpirationDateTime: subscription.expirationDateTime,
            tenantId: subscription.tenantId,
            clientState: subscription.clientState,
            lifecycleEvent,
          },
        ],
      });
    },
    resetStats() {
      Object.assign(stats, emptyStats());
      requests.length = 0;
      windows = {
        perTenant: new SlidingWindows(limits.perTenant),
        perCallRecord: new SlidingWindows(limits.perCallRecord),
        listCallRecords: new SlidingWindows(limits.listCallRecords),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function plannedFailure(fault: Exclude<LoopbackFault, { kind: 'delay' }>): InjectedFailure {
  if (fault.kind !== 'status') return { kind: fault.kind, status: fault.kind === 'reset' ? 0 : 200, code: '', message: '', retryAfter: undefined, operations: undefined };
  return {
    kind: 'status',
    status: fault.status,
    code: fault.code ?? (fault.status === 429 ? 'TooManyRequests' : fault.status >= 500 ? 'ServiceUnavailable' : 'BadRequest'),
    message: fault.message ?? 'Injected by the test.',
    retryAfter: fault.retryAfter,
    operations: undefined,
  };
}

function encodeSkipToken(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeSkipToken(token: string | null): { o?: unknown; v?: unknown } | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; v?: unknown };
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
