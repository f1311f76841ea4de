import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { Telemetry } from '../telemetry';
import { fetchCallRecord, type FetchedCallRecord } from './call-record-fetch';
import { fetchCallRecordPages, type CallRecordPart } from './call-record-pages';
import { listCallRecordsSince, type CallRecordSummary } from './call-record-list';
import { createGraphSubscriptions, type GraphSubscriptions } from './graph-subscriptions';
import { createGraphTeams, type GraphTeams } from './teams-apps';
import { GraphTokenProvider, assertTenantId, type GraphCredential } from './graph-token-provider';
import { GraphTransport } from './graph-transport';
import { GRAPH_RATE_LIMITS, RequestRateLimiter, type GraphRateLimits } from './request-rate-limiter';

/** Options of {@link createGraphClient}. */
export interface GraphClientOptions {
  /** e.g. `https://graph.microsoft.com/v1.0` (`GRAPH_BASE_URL`). Next links are followed only on its origin. */
  baseUrl: string;
  /** e.g. `https://login.microsoftonline.com` (`AUTHORITY_HOST`); the tenant id is appended. */
  authorityHost: string;
  /** The app (client) id (`GRAPH_CLIENT_ID`). */
  clientId: string;
  /** `{ clientSecret }` (`GRAPH_CLIENT_SECRET`) or `{ certificatePath }` (`GRAPH_CLIENT_CERTIFICATE_PATH`, PEM with key and certificate). */
  credential: GraphCredential;
  logger: Logger;
  /** Overrides of {@link GRAPH_RATE_LIMITS} (smaller windows for tests and benchmarks). */
  limits?: Partial<GraphRateLimits>;
  /** Per-request timeout, default 30 s. */
  requestTimeoutMs?: number;
  /** Most pages of one call record (record + session pages; its participant pages apart), default 200. */
  maxSessionPages?: number;
  /** Most pages of one listing (call records or subscriptions), default 5,000. */
  maxListPages?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Defaults to `Date.now`. */
  now?: () => number;
  /** Defaults to a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
  /** Spans of Graph requests and the 429 counter; none by default. */
  telemetry?: Telemetry;
}

/** The Graph client the rest of the bot uses. Every method throws `GraphRequestError` on failure and never retries. */
export interface GraphClient {
  /**
   * The call record with all its sessions and segments (every page, sessions de-duplicated) and
   * every participant (`participants_v2`, every page). A 404 (`error.notFound`) means not there
   * yet (or older than 30 days).
   */
  getCallRecord(tenantId: string, callId: string): Promise<FetchedCallRecord>;
  /**
   * The same record part by part as it arrives (its own fields, each page of sessions as Graph
   * sent it, repeats included, then the participants), for the inbox worker to score a large
   * meeting without holding it whole (its scorer passes over the repeats). Same requests and
   * errors as {@link getCallRecord}; an error ends the iteration.
   */
  getCallRecordPages(tenantId: string, callId: string): AsyncIterable<CallRecordPart>;
  /** The call records that started at or after `since`, page by page (for the reconciliation sweep and backfill). */
  listCallRecordsSince(tenantId: string, since: Date | string | number): AsyncIterable<CallRecordSummary>;
  subscriptions: GraphSubscriptions;
  /** Installing the app for a user, and team ownership (for admin checks). */
  teams: GraphTeams;
  /** The effective rate limits. */
  readonly limits: Readonly<GraphRateLimits>;
  /** The Graph origin next links must stay on. */
  readonly origin: string;
  /** Requests waiting for rate-limit capacity right now (for `/healthz` and benchmarks). */
  readonly waitingForCapacity: number;
}

/**
 * Creates the Graph client: msal-node tokens (one cached client per tenant), rate limiting per
 * tenant, per call record and for listing, call-record fetching with paging, listing, and
 * subscriptions.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.hostname))) {
    throw new TypeError(`The Graph base URL ${options.baseUrl} must be https (http only for a loopback test server): check GRAPH_BASE_URL.`);
  }
  if (base.search || base.hash) throw new TypeError(`The Graph base URL ${options.baseUrl} must not have a query or a fragment: check GRAPH_BASE_URL.`);
  const baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  if (!options.clientId) throw new TypeError('The Graph client needs the app (client) id: set GRAPH_CLIENT_ID.');
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const limits: GraphRateLimits = { ...GRAPH_RATE_LIMITS, ...options.limits };
  for (const [name, rule] of Object.entries(limits)) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !(rule.windowMs > 0)) {
      throw new RangeError(`The Graph rate limit ${name} must allow a positive whole number of requests in a window longer than 0 ms (got ${rule.limit} / ${rule.windowMs} ms).`);
    }
  }
  const maxSessionPages = positiveInteger(options.maxSessionPages ?? 200, 'maxSessionPages');
  const maxListPages = positiveInteger(options.maxListPages ?? 5000, 'maxListPages');
  const tokens = new GraphTokenProvider({
    authorityHost: options.authorityHost,
    clientId: options.clientId,
    credential: options.credential,
    scope: `${base.origin}/.default`,
    logger: options.logger,
  });
  const limiter = new RequestRateLimiter({ now, sleep });
  const transport = new GraphTransport({
    baseUrl,
    tokens,
    limiter,
    tenantLimit: limits.perTenant,
    logger: options.logger,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now,
    timeoutMs: positiveInteger(options.requestTimeoutMs ?? 30_000, 'requestTimeoutMs'),
    telemetry: options.telemetry,
  });
  return {
    async getCallRecord(tenantId, callId) {
      assertTenantId(tenantId);
      return fetchCallRecord(transport, tenantId, callId, { perCallRecord: limits.perCallRecord, maxPages: maxSessionPages, logger: options.logger });
    },
    getCallRecordPages(tenantId, callId) {
      // Not a generator around `yield*`: that holds the part it passed on while the next page is read.
      // fetchCallRecordPages checks the tenant id itself, when the iteration starts.
      return fetchCallRecordPages(transport, tenantId, callId, { perCallRecord: limits.perCallRecord, maxPages: maxSessionPages, logger: options.logger });
    },
    async *listCallRecordsSince(tenantId, since) {
      assertTenantId(tenantId);
      yield* listCallRecordsSince(transport, tenantId, since, { listLimit: limits.listCallRecords, maxPages: maxListPages, logger: options.logger });
    },
    subscriptions: createGraphSubscriptions(transport, now, maxListPages),
    teams: createGraphTeams(transport),
    limits,
    origin: transport.origin,
    get waitingForCapacity() {
      return limiter.waiting;
    },
  };
}

/**
 * The client options from the validated configuration. Throws naming the variable when the
 * app id or the credential is missing.
 */
export function graphClientOptionsFromConfig(graph: AppConfig['graph'], logger: Logger): GraphClientOptions {
  if (!graph.clientId) throw new TypeError('GRAPH_CLIENT_ID is required to call Microsoft Graph.');
  const credential: GraphCredential | undefined = graph.clientCertificatePath
    ? { certificatePath: graph.clientCertificatePath }
    : graph.clientSecret
      ? { clientSecret: graph.clientSecret }
      : undefined;
  if (!credential) throw new TypeError('GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH is required to call Microsoft Graph.');
  return { baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, clientId: graph.clientId, credential, logger };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`The Graph client option ${name} must be a positive integer (got ${value}).`);
  return value;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
