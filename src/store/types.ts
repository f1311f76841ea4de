import type { CallHistoryRecord, HistoryStore, RunStore } from './history-types';
export type { CallHistoryRecord, DayRollup, HistoryStore, RunStore, ScheduledRun } from './history-types';
import type { SentCardStore } from './sent-card-types';
export type { PutSentCardOptions, SentCard, SentCardStore } from './sent-card-types';

/**
 * The one storage interface every piece of state goes through. Two engines implement it: SQLite
 * (`node:sqlite`, the default) and Azure Storage (queues, tables, blobs). Times are epoch
 * milliseconds, always passed in (no engine reads the clock for decisions), so tests can drive
 * time. Every method is async so both engines fit.
 */

/** The life of a work item in the inbox. */
export type WorkState = 'pending' | 'leased' | 'done' | 'dead';

/** Where a work item came from. */
export type WorkSource = 'notification' | 'sweep' | 'backfill' | 'lifecycle' | 'manual';

/** A call record to fetch and score. One item per tenant and call id. */
export interface WorkItem {
  tenantId: string;
  callId: string;
  state: WorkState;
  source: WorkSource;
  /** How many times the item has been claimed. */
  attempts: number;
  /** Not claimed before this time. */
  nextAttemptAt: number;
  /** Set while leased: who holds it, and until when. A lease past its time can be claimed again. */
  leaseToken: string | null;
  leaseUntil: number | null;
  /** When the first notification for it arrived. */
  enqueuedAt: number;
  updatedAt: number;
  /** The last failure, or for a dead item why it was given up. */
  lastError: string | null;
  /** When Graph said the call ended, once known (decides how long a 404 is retried). */
  callEndedAt: number | null;
}

/**
 * A leased item as a claim hands it out. `report`: what the claim saw of the call's report, when
 * the engine looks at it with the claim (SQLite reads the row in the claim's statement; Azure
 * knows a call never completed has none), so the worker need not ask
 * {@link ReportStore.processedReport}. It is as of the claim: the report write after it is guarded
 * (a version or an ETag), so a row written since is noticed then.
 */
export interface ClaimedItem extends WorkItem {
  readonly report?: ProcessedReport;
}

/** A request to (re)process a call record. */
export interface EnqueueRequest {
  tenantId: string;
  callId: string;
  source: WorkSource;
}

/** Counts for `/healthz` and the `inbox` command. */
export interface InboxStats {
  byState: Record<WorkState, number>;
  /** Age of the oldest item that is due or leased, null when none. */
  oldestPendingAgeMs: number | null;
}

/** The durable inbox of call records to process. */
export interface Inbox {
  /**
   * Adds work. A call already pending is left as it is; one being processed is processed again
   * afterwards (a newer version may have arrived); a done or dead one is revived. With `onlyIfUnseen`,
   * calls the inbox has ever seen are left alone (the reconciliation sweep). With `journal` (the
   * webhook) an engine may keep them durably in an append-only journal, applied at the next claim,
   * read or count as of `now`. Resolves to the items that became due (or journaled).
   */
  enqueue(requests: readonly EnqueueRequest[], now: number, options?: { onlyIfUnseen?: boolean; journal?: boolean }): Promise<number>;
  /** Leases up to `limit` due items (pending and due, or leased with an expired lease). */
  claim(now: number, limit: number, leaseMs: number): Promise<ClaimedItem[]>;
  /** Ends a leased item as done (or pending again when more work arrived meanwhile). False when the lease was lost. */
  complete(item: WorkItem, now: number): Promise<boolean>;
  /** Gives a leased item back to be tried again at `nextAttemptAt`. */
  retry(item: WorkItem, now: number, nextAttemptAt: number, error: string, callEndedAt?: number | null): Promise<boolean>;
  /** As `retry`, without counting this attempt: the failure was its tenant's (no token), not its call's. */
  postpone(item: WorkItem, now: number, nextAttemptAt: number, reason: string): Promise<boolean>;
  /** Ends a leased item as dead, with the reason. */
  kill(item: WorkItem, now: number, reason: string): Promise<boolean>;
  stats(now: number): Promise<InboxStats>;
  /** Dead items, newest first. */
  listDead(limit: number): Promise<WorkItem[]>;
  /** One item, or undefined. */
  get(tenantId: string, callId: string): Promise<WorkItem | undefined>;
  /**
   * Removes the done items that finished before `before` (the inbox retention), never pending, leased
   * or dead ones; a removed call notified again is new work. Resolves to how many were removed.
   */
  prune(before: number): Promise<number>;
}

/** The scored report of one version of a call record, with what the cards need. */
export interface StoredReport {
  tenantId: string;
  callId: string;
  version: number;
  /** The engine's `CallQualityReport` (kept as JSON: the store imports nothing of ours). */
  report: unknown;
  /** The call's summary for cards and commands (type, times, organizer, participants, hints). */
  summary: unknown;
  quality: string;
  alert: boolean;
  startedAt: number | null;
  endedAt: number | null;
  processedAt: number;
}

/** The outcome of recording a report. */
export interface RecordReportResult {
  /** False when this version (or a newer one) was already processed: nothing changed. */
  accepted: boolean;
  previousVersion: number | null;
  /** True when an alert job was created for this version. */
  alertQueued: boolean;
}

/**
 * What a look at a call's report found: the newest version processed, and the engine's note of
 * the row as read, handed back to {@link ReportStore.recordReport} so it need not read it again.
 */
export interface ProcessedReport {
  /** The newest version processed, or null. */
  version: number | null;
  /** Opaque to callers: what the engine read (the row's guard: its ETag, or its version). */
  readonly seen?: unknown;
}

/** A decision to alert (or to update an alert already sent) for one version of a call. */
export interface AlertJob {
  tenantId: string;
  callId: string;
  version: number;
  state: 'pending' | 'leased' | 'done' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  leaseToken: string | null;
  leaseUntil: number | null;
  createdAt: number;
  lastError: string | null;
}

/** Processed versions, reports, and the alert decisions taken from them. */
export interface ReportStore {
  /**
   * Keeps a report when its version is newer than any processed one. In the same transaction,
   * queues an alert job for this version when `queueAlert` is true OR when the newest earlier
   * report had `alert` set (a card was due for it, so the delivery must update what it sent).
   * So each version's alert decision is made once, whatever crashes, and two instances recording
   * the same version produce one job. `processed` (from {@link ReportStore.processedReport} of the
   * same call) saves reading the report row again; a row changed since is noticed and read again.
   */
  recordReport(entry: StoredReport, queueAlert: boolean, processed?: ProcessedReport): Promise<RecordReportResult>;
  /** The newest report of a call. */
  getReport(tenantId: string, callId: string): Promise<StoredReport | undefined>;
  /** The newest version processed, or null. */
  processedVersion(tenantId: string, callId: string): Promise<number | null>;
  /** The newest version processed, with what `recordReport` needs to write after it without reading again. */
  processedReport(tenantId: string, callId: string): Promise<ProcessedReport>;
  /** Recent reports, newest call first; `quality` filters (e.g. 'poor'). */
  recentReports(options: { tenantId?: string; quality?: string; alertOnly?: boolean; limit: number }): Promise<StoredReport[]>;
  /** Leases due alert jobs, oldest first. */
  claimAlertJobs(now: number, limit: number, leaseMs: number): Promise<AlertJob[]>;
  completeAlertJob(job: AlertJob, now: number): Promise<boolean>;
  retryAlertJob(job: AlertJob, now: number, nextAttemptAt: number, error: string): Promise<boolean>;
  killAlertJob(job: AlertJob, now: number, reason: string): Promise<boolean>;
  alertJobStats(): Promise<Record<AlertJob['state'], number>>;
  /** Every alert job of a call, in any state, oldest version first (for audits and tests). */
  listAlertJobs(tenantId: string, callId: string): Promise<AlertJob[]>;
}

/** A Graph change-notification subscription, per tenant. */
export interface SubscriptionState {
  tenantId: string;
  subscriptionId: string;
  resource: string;
  expiresAt: number;
  notificationUrl: string;
  updatedAt: number;
}

export interface SubscriptionStore {
  getSubscription(tenantId: string): Promise<SubscriptionState | undefined>;
  putSubscription(state: SubscriptionState): Promise<void>;
  deleteSubscription(tenantId: string): Promise<void>;
  listSubscriptions(): Promise<SubscriptionState[]>;
}

/** Where a conversation lives. */
export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/** A stored Bot Framework conversation reference, to send proactive messages. */
export interface ConversationRecord {
  /** Stable key: the conversation id (for a team: the team's channel conversation id). */
  key: string;
  kind: ConversationKind;
  tenantId: string | null;
  /** For personal chats: the user's Entra object id. */
  userAadId: string | null;
  teamId: string | null;
  channelId: string | null;
  serviceUrl: string;
  /** The Bot Framework `ConversationReference` as JSON. */
  reference: unknown;
  installedAt: number;
  /** Set when Teams refused a send for good (403 MessageWritesBlocked, 404 ConversationNotFound). */
  deadReason: string | null;
}

export interface ConversationStore {
  putConversation(record: ConversationRecord): Promise<void>;
  getConversation(key: string): Promise<ConversationRecord | undefined>;
  removeConversation(key: string): Promise<void>;
  markConversationDead(key: string, reason: string): Promise<void>;
  /** The live personal chat with a user, if the app is installed for them. */
  findPersonalConversation(tenantId: string | null, userAadId: string): Promise<ConversationRecord | undefined>;
  listConversations(filter?: { kind?: ConversationKind; tenantId?: string; includeDead?: boolean }): Promise<ConversationRecord[]>;
}

/** Small JSON settings by scope (a tenant id, 'global', a user id) and key. */
export interface SettingsStore {
  /** A setting; with `maxAgeMs`, an answer read up to that long ago will do (changes made through this store are seen at once). */
  getSetting<T = unknown>(scope: string, key: string, options?: { maxAgeMs?: number }): Promise<T | undefined>;
  setSetting(scope: string, key: string, value: unknown): Promise<void>;
  /**
   * Writes a setting only if it has none: true when written, false when one was there (it is left
   * as it was). One request where a read then a write would take two, when the setting is usually absent.
   */
  addSetting(scope: string, key: string, value: unknown): Promise<boolean>;
  deleteSetting(scope: string, key: string): Promise<void>;
}

/** JSON documents with ETags, for the bot's turn state (the shape of botbuilder's `Storage`). */
export interface DocumentStore {
  readDocuments(keys: readonly string[]): Promise<Record<string, { value: unknown; eTag: string }>>;
  /** Writes documents; with `expectedETag`, fails with {@link ETagMismatchError} when it changed. */
  writeDocuments(changes: Record<string, { value: unknown; expectedETag?: string }>): Promise<void>;
  deleteDocuments(keys: readonly string[]): Promise<void>;
}

/** Thrown when a conditional write lost to another writer. */
export class ETagMismatchError extends Error {
  constructor(readonly key: string) {
    super(`The document "${key}" was changed by another writer; read it again and retry.`);
    this.name = 'ETagMismatchError';
  }
}

/**
 * What the inbox worker keeps for one scored version, in one store call: SQLite writes it in ONE
 * transaction; Azure Storage in steps (history, report with its alert job, item), so a crash
 * between them leaves the version unprocessed or the item leased, done again, never lost.
 */
export interface ScoredCall {
  history: CallHistoryRecord;
  report: StoredReport;
  /** Whether this version's alert decision queues a job (see {@link ReportStore.recordReport}). */
  queueAlert: boolean;
  /** The worker's look at the report row, so it is not read again. */
  processed?: ProcessedReport;
  /** The leased inbox item, completed with the rest. */
  item: WorkItem;
  now: number;
  /** Lease the next due items too ("settle and take the next"): in the same commit on SQLite; Azure takes none. */
  claimNext?: { limit: number; leaseMs: number };
}

/** What keeping a scored call did; `completed` is false when the item's lease was lost meanwhile. */
export interface KeptCall extends RecordReportResult {
  completed: boolean;
  /** The items taken with `claimNext` (leased to the caller); none when not asked or not supported. */
  next?: ClaimedItem[];
}

/** Every piece of state. */
export interface Store {
  readonly engine: 'sqlite' | 'azure';
  readonly inbox: Inbox;
  readonly reports: ReportStore;
  readonly subscriptions: SubscriptionStore;
  readonly conversations: ConversationStore;
  readonly sentCards: SentCardStore;
  readonly settings: SettingsStore;
  readonly documents: DocumentStore;
  readonly history: HistoryStore;
  readonly runs: RunStore;
  /** Keeps a scored version whole: its history, its report (and alert job), and its inbox item completed (see {@link ScoredCall}). */
  keepScoredCall(call: ScoredCall): Promise<KeptCall>;
  close(): Promise<void>;
}
