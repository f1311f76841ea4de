import type { Application } from '@microsoft/teams-ai';
import { buildWeeklyReportCard } from '../alerts';
import { DEFAULT_REPORT_SCHEDULE, ReportSchedule, type AppConfig } from '../config';
import type { Logger } from '../logger';
import type { ScoringSettings } from '../quality';
import path from 'node:path';
import type restify from 'restify';
import { HistoryReader } from '../history';
import type { DataFlowSources } from '../ingest';
import type { Store } from '../store';
import type { Telemetry } from '../telemetry';
import type { TeamOwnerCheck } from './admin-check';
import type { BotServices, FetchAndScore } from './bot-services';
import { BackgroundTasks } from './background-tasks';
import { AlertDelivery, type AlertDeliveryOptions } from './delivery/alert-delivery';
import type { DeliveryRound } from './delivery/delivery-round';
import type { InstallForUser } from './delivery/organizer-chat';
import { DocumentStorage } from './document-storage';
import { ProactiveMessenger } from './proactive-messenger';
import { registerCardActions } from './routes/card-actions';
import { registerChatCommands } from './routes/chat-commands';
import { registerFileConsent } from './routes/file-consent';
import { registerInstallationTracking } from './routes/install';
import { messagesRoute } from './routes/messages';
import { DEFAULT_SEND_RETRY, type SendRetryOptions } from './send-retry';
import { createTeamsAdapter, type BotAdapter, type BotFrameworkEndpoints } from './teams-adapter';
import { WeeklyReportPoster, type ReportRound, type WeeklyReportCard, type WeeklyReportPosterOptions } from './weekly-report-poster';

/** Everything {@link createBot} needs; only `config`, `store` and `logger` are required. */
export interface CreateBotOptions {
  config: Pick<AppConfig, 'bot' | 'qualitySettings'> & {
    alerts: Pick<AppConfig['alerts'], 'channelPolicy'> & Partial<AppConfig['alerts']>;
    graph?: Pick<AppConfig['graph'], 'tenantIds'>;
    recordsDir?: string;
    /** When the weekly report is posted (Monday 09:00 UTC when absent). */
    report?: AppConfig['report'];
    /** The building file's map, so `check` cards name buildings as alert cards do. */
    buildings?: Pick<AppConfig['buildings'], 'map'>;
  };
  store: Store;
  logger: Logger;
  /** `check <callRecordId>`: fetch from Graph and score with the tenant's options. Without it, `check` says Graph is not configured. */
  fetchAndScore?: FetchAndScore;
  /** The base quality settings (default `config.qualitySettings`); admins' changes in Teams go on top. */
  scoring?: ScoringSettings;
  /** What `status` reads beyond the store: the running webhook's state and the tenants expected to have a subscription. */
  dataFlow?: DataFlowSources;
  /** `PROACTIVE_INSTALL`: installs the app for an organizer through Graph before opening a chat with them. */
  installForUser?: InstallForUser;
  /** Team ownership through Graph, so team owners count as admins. */
  isTeamOwner?: TeamOwnerCheck;
  /** The admins' channel (a conversation key: the channel's id) for tenants that did not choose one with `alert here`. */
  defaultAlertChannelKey?: string;
  /** Whether `check file:` may read local call record files (default: only when no BOT_ID, i.e. local use). */
  allowLocalFileChecks?: boolean;
  /** The only folder `check file:` reads `.json` files from (default: `./records` under the working directory). */
  recordsDirectory?: string;
  /** Bot Framework endpoints for sovereign clouds or tests (public cloud by default). */
  botFrameworkEndpoints?: BotFrameworkEndpoints;
  /** Tuning of the alert delivery (limits, batch size, timings). */
  delivery?: Partial<Omit<AlertDeliveryOptions, 'store' | 'messenger' | 'logger'>>;
  /** Spans and metrics of the alert delivery (nothing when absent). */
  telemetry?: Telemetry;
  /** Tuning of the in-process retries of Bot Connector calls. */
  sendRetry?: Partial<SendRetryOptions>;
  /** The weekly report's card (default: the week's figures from the history, `buildWeeklyReportCard`). */
  weeklyReportCard?: WeeklyReportCard;
  /** Tuning of the weekly report's loop (lease, catch-up, who this instance is). */
  weeklyReport?: Partial<Pick<WeeklyReportPosterOptions, 'holder' | 'leaseMs' | 'catchUpMs' | 'checkMs'>>;
  clock?: () => number;
}

/** The running Teams bot. */
export interface Bot {
  /** Adds `POST /api/messages` to a server (for `createServer(logger, routes)`). */
  routes: (server: restify.Server) => void;
  /** The Teams AI application (built when first asked for: at the first turn) and its adapter (for tests and advanced wiring). */
  app: Application;
  adapter: BotAdapter;
  delivery: AlertDelivery;
  /** Delivers every alert due now, in the caller's turn (CLI, tests). */
  deliverAlerts(): Promise<DeliveryRound>;
  /** Starts delivering alerts in the background. */
  startDelivery(): void;
  /** Wakes the background delivery (an alert job was queued): pass as the ingest worker's `onAlertQueued`. */
  wakeDelivery(): void;
  /** Posts the weekly reports due now, in the caller's turn (tests). */
  postDueReports(): Promise<ReportRound>;
  /** Starts posting the weekly report at its schedule in the background. */
  startReports(): void;
  /** Stops the background delivery and the weekly report, waiting for the rounds (and uploads) in progress. */
  stop(): Promise<void>;
}

/**
 * Creates the Teams bot: the Teams AI `Application` behind `POST /api/messages` (turn state kept
 * in the store's documents), its chat commands, card actions and installation tracking, and the
 * alert delivery that drains the store's alert jobs. Nothing starts until `startDelivery()` and
 * until `routes` is added to a server.
 */
export function createBot(options: CreateBotOptions): Bot {
  const { config, store, logger } = options;
  const clock = options.clock ?? Date.now;
  // Built at the first turn or the first card: botbuilder stays unloaded until then (`bot-framework.ts`).
  let adapter: BotAdapter | undefined;
  const botAdapter = (): BotAdapter => (adapter ??= createTeamsAdapter(config.bot, options.botFrameworkEndpoints));
  const botAppId = config.bot.id ?? '';
  const messenger = new ProactiveMessenger(botAdapter, botAppId, { ...DEFAULT_SEND_RETRY, ...options.sendRetry });
  const botLogger = logger.child({ component: 'bot' });
  const history = new HistoryReader({ history: store.history, logger: botLogger });
  const services: BotServices = {
    store,
    history,
    logger: botLogger,
    messenger,
    admins: { adminUserIds: config.bot.adminUserIds, isTeamOwner: options.isTeamOwner, logger: botLogger },
    scoring: options.scoring ?? config.qualitySettings,
    channelPolicy: config.alerts.channelPolicy,
    defaultTenantId: config.graph?.tenantIds[0] ?? null,
    fetchAndScore: options.fetchAndScore,
    dataFlow: options.dataFlow,
    allowLocalFileChecks: options.allowLocalFileChecks ?? !config.bot.id,
    recordsDirectory: options.recordsDirectory ?? config.recordsDir ?? path.resolve('records'),
    reportSchedule: config.report?.schedule ?? ReportSchedule.parse(DEFAULT_REPORT_SCHEDULE, 'UTC'),
    weeklyReportCard: options.weeklyReportCard ?? weeklyReportFromHistory(history),
    tasks: new BackgroundTasks(botLogger),
    place: config.buildings?.map.place,
    clock,
  };
  let app: Application | undefined;
  const application = (): Application => (app ??= createApplication(botAdapter(), botAppId, store, services));

  const delivery = new AlertDelivery({
    clock,
    ...(config.alerts.leaseSeconds ? { leaseMs: config.alerts.leaseSeconds * 1000 } : {}),
    ...options.delivery,
    store,
    messenger,
    logger: logger.child({ component: 'alert-delivery' }),
    channelPolicy: options.delivery?.channelPolicy ?? config.alerts.channelPolicy,
    participantAlerts: options.delivery?.participantAlerts ?? config.alerts.participants ?? 'off',
    defaultAlertChannelKey: options.delivery?.defaultAlertChannelKey ?? options.defaultAlertChannelKey ?? null,
    proactiveInstall: options.delivery?.proactiveInstall ?? config.bot.proactiveInstall,
    installForUser: options.delivery?.installForUser ?? options.installForUser,
    telemetry: options.telemetry,
  });

  const reports = new WeeklyReportPoster({
    clock,
    ...options.weeklyReport,
    store,
    messenger,
    logger: logger.child({ component: 'weekly-report' }),
    schedule: services.reportSchedule,
    reportCard: services.weeklyReportCard,
    defaultAlertChannelKey: options.defaultAlertChannelKey ?? null,
  });

  return {
    routes: messagesRoute(botAdapter, application, botLogger),
    get app() {
      return application();
    },
    get adapter() {
      return botAdapter();
    },
    delivery,
    deliverAlerts: () => delivery.drainOnce(),
    startDelivery: () => delivery.start(),
    wakeDelivery: () => delivery.wake(),
    postDueReports: () => reports.postDue(),
    startReports: () => reports.start(),
    async stop() {
      await Promise.all([delivery.stop(), reports.stop()]);
      await services.tasks.settle();
    },
  };
}

/**
 * The Teams AI `Application` with its routes (chat commands, card actions, installation tracking),
 * turn state kept in the store's documents. Teams AI's index loads its AI planners, models, dialogs
 * and tokenizer too (about 55 MB of RSS): a bot that only sends cards never needs them, so the
 * package is loaded here, at the first turn, and not when the bot starts.
 */
function createApplication(adapter: BotAdapter, botAppId: string, store: Store, services: BotServices): Application {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const teamsAi = require('@microsoft/teams-ai') as typeof import('@microsoft/teams-ai');
  const app = new teamsAi.Application({
    adapter,
    botAppId: botAppId || undefined,
    storage: new DocumentStorage(store.documents),
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
    adaptiveCards: { actionExecuteResponseType: teamsAi.AdaptiveCardActionExecuteResponseType.REPLACE_FOR_ALL },
  });
  // Order matters: Teams AI runs the first route that matches.
  registerInstallationTracking(app, services);
  registerCardActions(app, services);
  registerFileConsent(app, services);
  registerChatCommands(app, services);
  return app;
}

/** The weekly report as the history tells it: the week's figures against the week before, as a card. */
function weeklyReportFromHistory(reader: HistoryReader): WeeklyReportCard {
  return async (tenantId, weekEnd) => buildWeeklyReportCard(await reader.weeklyReport(tenantId, weekEnd));
}
