/**
 * Ingest: the Graph webhook, the durable inbox worker, the reconciliation sweep and the
 * subscriptions, built together by {@link createIngestRuntime}; what `status` and `/healthz` report
 * about the data flow; and call records read from local files (`check file:`).
 */
export * from './call-record-source';
export * from './change-notifications';
export * from './retry-policy';
export { IngestStatus, INBOX_FAILURE_WINDOW_MS, MAX_TRACKED_INBOX_FAILURES, type InboxWriteRecord, type SweepReport } from './ingest-status';
export { notificationRoutes, MAX_NOTIFICATION_BODY_BYTES, MAX_VALIDATION_TOKEN_LENGTH, type NotificationRoutesOptions } from './notification-routes';
export { InboxWorker, type InboxWorkerOptions, type ItemOutcome } from './inbox-worker';
export { ReconciliationSweep, SWEEP_OVERLAP_MS, FIRST_SWEEP_LOOKBACK_MS, type ReconciliationSweepOptions } from './reconciliation-sweep';
export { SubscriptionKeeper, SUBSCRIPTION_LIFETIME_MS, RENEW_BEFORE_MS, CALL_RECORDS_RESOURCE, type SubscriptionApi } from './subscription-keeper';
export {
  gatherHealthInputs,
  healthReport,
  healthRoute,
  publicHealthReport,
  type HealthCounts,
  type HealthReport,
  type HealthRouteOptions,
  type PublicHealthReport,
} from './health-route';
export {
  decideHealth,
  INBOX_BACKLOG_LIMIT_MS,
  INBOX_UNWRITABLE_WINDOW_MS,
  RECENT_DEAD_WINDOW_MS,
  type HealthInputs,
  type HealthReason,
  type HealthReasonCode,
  type HealthStatus,
  type HealthVerdict,
} from './health-verdict';
export { BodyTooLargeError, readRawBody } from './raw-body';
export { createIngestRuntime, type IngestRuntime, type IngestRuntimeOptions } from './ingest-runtime';
export { collectDataFlowStatus, type DataFlowSources } from './data-flow-status';
export { LocalRecordError, LOCAL_RECORD_MAX_BYTES, readLocalCallRecord } from './local-call-records';
export { storedReportOf, recordVersionOf } from './stored-report';
export { assessRecordParts } from './record-read';
