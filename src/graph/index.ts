/**
 * The Microsoft Graph client: msal-node tokens, rate-limited requests, call records with every
 * session page and every participant (`participants_v2`, paged), the reconciliation listing, and
 * change-notification subscriptions.
 */
export { createGraphClient, graphClientOptionsFromConfig, type GraphClient, type GraphClientOptions } from './graph-client';
export { GraphRequestError, isGraphRequestError, isRetryableStatus, type GraphFailureKind, type GraphRequestErrorDetails } from './graph-request-error';
export type { FetchedCallRecord } from './call-record-fetch';
export type { CallRecordPart } from './call-record-pages';
export type { CallRecordSummary } from './call-record-list';
export {
  MAX_SUBSCRIPTION_LIFETIME_MINUTES,
  SUBSCRIPTION_LIFETIME_MINUTES,
  type CallRecordSubscriptionRequest,
  type GraphSubscription,
  type GraphSubscriptions,
} from './graph-subscriptions';
export { GraphTokenProvider, type GraphCredential, type GraphTokenProviderOptions } from './graph-token-provider';
export { readClientCertificate, parseClientCertificate, ClientCertificateError, type ClientCertificate } from './client-certificate';
export { GRAPH_RATE_LIMITS, RequestRateLimiter, type GraphRateLimits, type RateLimit, type RateLimitPermit, type LimiterClock } from './request-rate-limiter';
export { parseRetryAfterMs } from './retry-after';
export { createGraphTeams, type GraphTeams } from './teams-apps';
