import type { CallAssessment } from '../alerts';
import type { HistoryReader } from '../history';
import type { DataFlowSources } from '../ingest';
import type { PlaceEndpoint } from '../insights';
import type { Logger } from '../logger';
import type { ScoringSettings } from '../quality';
import type { Store } from '../store';
import type { ReportSchedule } from '../config';
import type { AdminPolicy } from './admin-check';
import type { BackgroundTasks } from './background-tasks';
import type { ProactiveMessenger } from './proactive-messenger';
import type { WeeklyReportCard } from './weekly-report-poster';

/**
 * Fetches a call record from Graph and scores it with the options in force for the tenant (the
 * `check <callRecordId>` command). Wired by the application; it rejects with an error whose
 * message says what went wrong (not found yet, no permission, …).
 */
export type FetchAndScore = (tenantId: string, callId: string) => Promise<CallAssessment>;

/** What the bot's handlers (commands, card actions, installation tracking) work with. */
export interface BotServices {
  store: Store;
  /** The insight answers (`trends`, `top`, `my calls`, `user`, the weekly report) from the store's history. */
  history: HistoryReader;
  logger: Logger;
  messenger: ProactiveMessenger;
  admins: AdminPolicy;
  /** The configuration's quality settings; admins' changes in Teams go on top. */
  scoring: ScoringSettings;
  /** `ALERT_CHANNEL_POLICY`, shown when an admin picks a channel. */
  channelPolicy: 'all' | 'poor';
  /** Graph tenants, for `check` when Teams did not say which tenant. */
  defaultTenantId: string | null;
  fetchAndScore?: FetchAndScore;
  /** What `status` reads beyond the store (the running webhook's state, the tenants expected to have a subscription). */
  dataFlow?: DataFlowSources;
  /** Whether `check file:` may read call record files where the bot runs (local use only). */
  allowLocalFileChecks: boolean;
  /** The only folder `check file:` reads from (`RECORDS_DIR`). */
  recordsDirectory: string;
  /** `REPORT_SCHEDULE` in `REPORT_TIME_ZONE`: when the weekly report is posted (told after `report on`). */
  reportSchedule: ReportSchedule;
  /** The weekly report's card (`report now`, and the scheduled posts). */
  weeklyReportCard: WeeklyReportCard;
  /** Work started by a handler that outlives its turn (an export's upload). */
  tasks: BackgroundTasks;
  /** Places endpoints in the building file (`BUILDINGS_FILE`), so `check` cards name buildings; none without it. */
  place?: PlaceEndpoint;
  clock: () => number;
}
