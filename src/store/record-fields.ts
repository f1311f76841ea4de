import type { AlertJob, CallHistoryRecord, ConversationRecord, ScheduledRun, SentCard, StoredReport, SubscriptionState, WorkItem } from './types';

/**
 * How one field of a stored record is kept. Both engines read and write every record through
 * these lists, so a field is named once (here) and not again in a SQLite column mapper and an
 * Azure property mapper: `text`/`number` must be there, `?` ones may be null, `flag` is a boolean,
 * `json` any JSON value.
 */
export type FieldKind = 'text' | 'text?' | 'number' | 'number?' | 'flag' | 'json';

/** Every field of a record with how it is kept; the compiler checks that none is left out. */
export type RecordFields<T> = { readonly [K in keyof T]-?: FieldKind };

/** What the inbox keeps for a work item besides the public {@link WorkItem}. */
export interface WorkRow extends WorkItem {
  /** A notification arrived while leased: the call is processed again after this lease. */
  requeue: boolean;
}

/** The fields of a work item, as the inbox hands it out. */
export const WORK_ITEM_FIELDS: RecordFields<WorkItem> = {
  tenantId: 'text',
  callId: 'text',
  state: 'text',
  source: 'text',
  attempts: 'number',
  nextAttemptAt: 'number',
  leaseToken: 'text?',
  leaseUntil: 'number?',
  enqueuedAt: 'number',
  updatedAt: 'number',
  lastError: 'text?',
  callEndedAt: 'number?',
};

/** The fields of an inbox row (both engines). */
export const WORK_ROW_FIELDS: RecordFields<WorkRow> = { ...WORK_ITEM_FIELDS, requeue: 'flag' };

/** The fields of an alert job. */
export const ALERT_JOB_FIELDS: RecordFields<AlertJob> = {
  tenantId: 'text',
  callId: 'text',
  version: 'number',
  state: 'text',
  attempts: 'number',
  nextAttemptAt: 'number',
  leaseToken: 'text?',
  leaseUntil: 'number?',
  createdAt: 'number',
  lastError: 'text?',
};

/** A report without its (possibly large) body. */
export type ReportMeta = Omit<StoredReport, 'report' | 'summary'>;

/** The fields of a report besides its body (Azure keeps the body gzipped apart). */
export const REPORT_META_FIELDS: RecordFields<ReportMeta> = {
  tenantId: 'text',
  callId: 'text',
  version: 'number',
  quality: 'text',
  alert: 'flag',
  startedAt: 'number?',
  endedAt: 'number?',
  processedAt: 'number',
};

/** What is kept of the newest earlier report to decide on a new one (see `recordDecision`). */
export type PreviousReport = Pick<ReportMeta, 'version' | 'alert'>;

/** The fields read of the newest earlier report when recording one. */
export const PREVIOUS_REPORT_FIELDS: RecordFields<PreviousReport> = { version: 'number', alert: 'flag' };


/** The fields of a Graph subscription's state. */
export const SUBSCRIPTION_FIELDS: RecordFields<SubscriptionState> = {
  tenantId: 'text',
  subscriptionId: 'text',
  resource: 'text',
  expiresAt: 'number',
  notificationUrl: 'text',
  updatedAt: 'number',
};

/** The fields of a conversation reference. */
export const CONVERSATION_FIELDS: RecordFields<ConversationRecord> = {
  key: 'text',
  kind: 'text',
  tenantId: 'text?',
  userAadId: 'text?',
  teamId: 'text?',
  channelId: 'text?',
  serviceUrl: 'text',
  reference: 'json',
  installedAt: 'number',
  deadReason: 'text?',
};

/** The fields of a sent card. */
export const SENT_CARD_FIELDS: RecordFields<SentCard> = {
  tenantId: 'text',
  callId: 'text',
  conversationKey: 'text',
  activityId: 'text',
  version: 'number',
  cardType: 'text',
  sentAt: 'number',
  updatedAt: 'number',
  acknowledgedBy: 'text?',
};

/** The fields of a call's history record (the summary is opaque text; the people a JSON list). */
export const CALL_HISTORY_FIELDS: RecordFields<CallHistoryRecord> = {
  tenantId: 'text',
  callId: 'text',
  version: 'number',
  day: 'text',
  startedAt: 'number?',
  people: 'json',
  summary: 'text',
};

/** The fields of a run that must happen once. */
export const SCHEDULED_RUN_FIELDS: RecordFields<ScheduledRun> = {
  key: 'text',
  state: 'text',
  holder: 'text',
  leaseUntil: 'number',
  finishedAt: 'number?',
};

/**
 * Builds a record field by field from what an engine stored; `read` turns one stored value into
 * the field's value (the engine knows how it keeps numbers, flags and JSON).
 */
export function readRecord<T>(fields: RecordFields<T>, read: (name: string, kind: FieldKind) => unknown): T {
  const record: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(fields) as [string, FieldKind][]) record[name] = read(name, kind);
  return record as T;
}

/** Only the listed fields of a record (e.g. the public work item of an inbox row). */
export function pickFields<T>(fields: RecordFields<T>, source: T): T {
  return readRecord(fields, (name) => (source as Record<string, unknown>)[name]);
}

/** Reads a stored number that may be missing (SQLite gives numbers or bigints, Azure numbers or strings). */
export function storedNumber(value: unknown): number | null {
  return value === undefined || value === null ? null : Number(value);
}
