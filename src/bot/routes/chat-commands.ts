import type { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import {
  assessCall,
  buildAlertCard,
  buildParticipantCard,
  checkViewFor,
  participantSummaryLine,
  buildHelpCard,
  buildRecentCallsCard,
  buildStatusCard,
  buildThresholdsCard,
  CHAT_COMMANDS,
  digestItemOfStored,
  failuresOf,
  failureTitle,
  parseCommand,
  RECENT_ROWS_SHOWN,
  type CallAssessment,
  type ChatCommand,
} from '../../alerts';
import { collectDataFlowStatus, LocalRecordError, readLocalCallRecord } from '../../ingest';
import { formatMetricValue, InvalidScoringSettingError, isStreamMetric } from '../../quality';
import { alertChannelOf, currentScoringOptions, muteUser, setAlertChannel, setProfileOverride, setThresholdOverride, unmuteUser } from '../../settings';
import { isAdmin } from '../admin-check';
import { readableTime, requireAdmin } from './command-replies';
import type { BotServices } from '../bot-services';
import { cardActivity } from '../card-activity';
import { channelDataOf, channelRecordOf, conversationKindOf, tenantOf } from '../conversation-records';
import { callOfNumber, rememberShownCalls } from './call-numbers';
import { INSIGHT_COMMANDS } from './insight-commands';
import { REPORT_COMMANDS } from './report-commands';

type Handler<C extends ChatCommand> = (context: TurnContext, command: C, services: BotServices) => Promise<void>;
type HandlerTable = { [N in ChatCommand['name']]: Handler<Extract<ChatCommand, { name: N }>> };

/**
 * Registers every chat command on the Teams AI application (`app.message` with a selector per
 * command), and the help card for anything else. Commands work with or without the @mention.
 */
export function registerChatCommands(app: Application, services: BotServices): void {
  for (const name of Object.keys(HANDLERS) as ChatCommand['name'][]) {
    if (name === 'unknown') continue;
    app.message(
      async (context) => context.activity.type === 'message' && parseCommand(context.activity.text).name === name,
      async (context) => {
        const command = parseCommand(context.activity.text);
        await (HANDLERS[name] as Handler<ChatCommand>)(context, command, services);
      },
    );
  }
  // Anything else, including a message with no text: the help card.
  app.activity('message', async (context) => HANDLERS.unknown(context, { name: 'unknown', text: context.activity.text ?? '' }, services));
}

const HANDLERS: HandlerTable = {
  ...INSIGHT_COMMANDS,
  ...REPORT_COMMANDS,

  async help(context) {
    await context.sendActivity(cardActivity(buildHelpCard(CHAT_COMMANDS), 'What I can do'));
  },

  async unknown(context, command) {
    const intro = command.text ? `I don't know "${command.text.slice(0, 60)}". ` : '';
    await context.sendActivity(`${intro}Here is what I understand:`);
    await context.sendActivity(cardActivity(buildHelpCard(CHAT_COMMANDS), 'What I can do'));
  },

  async usage(context, command) {
    await context.sendActivity(command.message);
  },

  async status(context, _command, services) {
    const status = await collectDataFlowStatus(services.store, tenantOf(context.activity), services.clock(), services.dataFlow);
    await context.sendActivity(cardActivity(buildStatusCard(status), 'Data flow status'));
  },

  async recent(context, command, services) {
    const tenantId = tenantOf(context.activity);
    const reports = await services.store.reports.recentReports({ tenantId: tenantId ?? undefined, alertOnly: true, limit: command.count });
    await rememberShownCalls(context, services, 'recent', tenantId, reports.slice(0, RECENT_ROWS_SHOWN).map((report) => report.callId));
    await context.sendActivity(cardActivity(buildRecentCallsCard(reports.map(digestItemOfStored)), `The last ${reports.length} calls with alerts`));
  },

  async check(context, command, services) {
    await checkCall(context, tenantOf(context.activity) ?? services.defaultTenantId, command.callId, services);
  },

  async 'check-number'(context, command, services) {
    const found = await callOfNumber(context, services, command.number);
    if (found) await checkCall(context, found.tenantId ?? tenantOf(context.activity) ?? services.defaultTenantId, found.callId, services);
  },

  async 'check-file'(context, command, services) {
    if (!services.allowLocalFileChecks) {
      await context.sendActivity('"check file:" reads files where the bot runs, so it only works when the bot runs locally (without BOT_ID).');
      return;
    }
    const tenantId = tenantOf(context.activity);
    let scored: CallAssessment;
    try {
      const record = await readLocalCallRecord(command.path, services.recordsDirectory);
      scored = assessCall(record, await currentScoringOptions(services.store, tenantId, services.scoring), { place: services.place });
    } catch (error) {
      if (!(error instanceof LocalRecordError)) throw error;
      await context.sendActivity(error.message);
      return;
    }
    // A local file is the developer's own: the full card, whoever asks (only admins are sent to Teams admin center).
    await sendCallAssessment(context, scored, tenantId, 'admins', await isAdmin(context, services.admins));
  },

  async thresholds(context, _command, services) {
    const options = await currentScoringOptions(services.store, tenantOf(context.activity), services.scoring);
    await context.sendActivity(cardActivity(buildThresholdsCard(options), `Quality profile ${options.profile}`));
  },

  async 'set-threshold'(context, command, services) {
    if (!(await requireAdmin(context, services, 'change thresholds'))) return;
    try {
      const options = await setThresholdOverride(
        services.store,
        tenantOf(context.activity),
        services.scoring,
        command.key,
        command.value,
        context.activity.from?.aadObjectId ?? null,
        services.clock(),
      );
      const [kind, metric] = command.key.split('.') as [keyof typeof options.thresholds, string];
      const value = options.thresholds[kind][metric as keyof (typeof options.thresholds)[typeof kind]]!;
      const shown = isStreamMetric(metric) ? formatMetricValue(metric, value) : String(value);
      await context.sendActivity(`Done: the ${kind} threshold for ${metric} is now ${shown} (profile ${options.profile}). It applies to calls scored from now on.`);
    } catch (error) {
      if (!(error instanceof InvalidScoringSettingError)) throw error;
      await context.sendActivity(error.message);
    }
  },

  async profile(context, command, services) {
    const tenantId = tenantOf(context.activity);
    if (command.profile === null) {
      const options = await currentScoringOptions(services.store, tenantId, services.scoring);
      await context.sendActivity(`The quality profile is ${options.profile}. Say "profile cqd" or "profile cqd-classic" to switch (admins only).`);
      return;
    }
    if (!(await requireAdmin(context, services, 'switch the quality profile'))) return;
    try {
      const options = await setProfileOverride(services.store, tenantId, services.scoring, command.profile, context.activity.from?.aadObjectId ?? null, services.clock());
      await context.sendActivity(`Done: the quality profile is now ${options.profile}. It applies to calls scored from now on.`);
    } catch (error) {
      if (!(error instanceof InvalidScoringSettingError)) throw error;
      await context.sendActivity(error.message);
    }
  },

  async 'alert-here'(context, _command, services) {
    if (conversationKindOf(context.activity) !== 'channel') {
      await context.sendActivity('Say "alert here" in the team channel where the admins\' alerts should go.');
      return;
    }
    if (!(await requireAdmin(context, services, 'choose the admins\' channel'))) return;
    const now = services.clock();
    const record = channelRecordOf(context.activity, now);
    const existing = await services.store.conversations.getConversation(record.key);
    await services.store.conversations.putConversation({ ...record, installedAt: existing && !existing.deadReason ? existing.installedAt : now });
    await setAlertChannel(services.store.settings, record.tenantId, { conversationKey: record.key, setBy: context.activity.from?.aadObjectId ?? null, setAt: now });
    const name = channelDataOf(context.activity).channel?.name;
    const policy = services.channelPolicy === 'all' ? 'every alert' : 'alerts about calls with poor quality';
    await context.sendActivity(`Done: ${policy} will be posted in ${name ? `the ${name} channel` : 'this channel'}, each as a new thread.`);
  },

  async 'alert-off'(context, _command, services) {
    if (conversationKindOf(context.activity) !== 'channel') {
      await context.sendActivity('Say "alert off" in the team channel that gets the admins\' alerts.');
      return;
    }
    if (!(await requireAdmin(context, services, 'stop the admins\' alerts'))) return;
    const tenantId = tenantOf(context.activity);
    const here = channelRecordOf(context.activity, services.clock()).key;
    const chosen = await alertChannelOf(services.store.settings, tenantId);
    if (chosen?.conversationKey !== here) {
      await context.sendActivity('This channel does not get the admins\' alerts, so there is nothing to stop here.');
      return;
    }
    await setAlertChannel(services.store.settings, tenantId, null);
    await context.sendActivity('Done: the admins\' alerts will no longer be posted here. Say "alert here" in a channel to choose one again.');
  },

  async mute(context, command, services) {
    const userAadId = context.activity.from?.aadObjectId;
    if (!userAadId) {
      await context.sendActivity('Teams did not tell me who you are, so I cannot mute your alerts.');
      return;
    }
    const until = await muteUser(services.store.settings, userAadId, command.hours, services.clock());
    await context.sendActivity(`Your alerts are muted until ${readableTime(until)}. Say "unmute" to turn them back on.`);
  },

  async unmute(context, _command, services) {
    const userAadId = context.activity.from?.aadObjectId;
    if (!userAadId) {
      await context.sendActivity('Teams did not tell me who you are, so I cannot unmute your alerts.');
      return;
    }
    await unmuteUser(services.store.settings, userAadId);
    await context.sendActivity('Your alerts are on again.');
  },
};

/**
 * `check`: fetches a call record from Graph, scores it with the tenant's options and answers with
 * the view the sender may see ({@link checkViewFor}): admins the admins' card of any call, anyone
 * else, in our 1:1 chat only, the organizer's card of a call they organized or their own side of
 * a call they took part in.
 */
async function checkCall(context: TurnContext, tenantId: string | null, callId: string, services: BotServices): Promise<void> {
  if (!services.fetchAndScore) {
    await context.sendActivity('I cannot fetch call records: Graph is not configured (GRAPH_TENANT_IDS, GRAPH_CLIENT_ID and a secret or certificate). "check file:NAME.json" works without it.');
    return;
  }
  if (!tenantId) {
    await context.sendActivity('I cannot tell which tenant to fetch the call record from; set GRAPH_TENANT_IDS.');
    return;
  }
  const admin = await isAdmin(context, services.admins);
  if (!admin && conversationKindOf(context.activity) !== 'personal') {
    await context.sendActivity("Here I check calls only for the bot's admins, since everyone here would read the card. Ask me in our 1:1 chat: there I show the calls you organized or took part in.");
    return;
  }
  let scored: CallAssessment;
  try {
    scored = await services.fetchAndScore(tenantId, callId);
  } catch (error) {
    services.logger.info({ callId, err: (error as Error).message }, 'check: could not fetch the call record');
    await context.sendActivity(`I could not fetch call record ${callId}: ${(error as Error).message}`);
    return;
  }
  const view = checkViewFor(scored, { isAdmin: admin, userAadId: context.activity.from?.aadObjectId ?? null });
  if (view.kind === 'refused') {
    await context.sendActivity(
      `Call ${callId} is not one you organized or took part in, so only the bot's admins can check it (the people in ADMIN_USER_IDS, or the owners of the team where they ask).`,
    );
    return;
  }
  if (view.kind === 'participant') {
    await context.sendActivity(cardActivity(buildParticipantCard({ assessment: scored, side: view.side }), participantSummaryLine(view.side)));
    return;
  }
  await sendCallAssessment(context, scored, tenantId, view.kind, admin);
}

/** Answers with the card of a scored call for `audience`; Teams admin center is linked only for an admin. */
async function sendCallAssessment(context: TurnContext, scored: CallAssessment, tenantId: string | null, audience: 'admins' | 'organizer', adminCenterLink: boolean): Promise<void> {
  const card = buildAlertCard({ report: scored.report, summary: scored.summary, audience, tenantId, viewOnly: true, adminCenterLink });
  const failures = failuresOf(scored.report);
  const verdict = failures.length > 0 ? failureTitle(failures).toLowerCase() : scored.report.quality === 'poor' ? 'poor quality' : scored.report.alert ? 'an alert' : 'no alert';
  await context.sendActivity(cardActivity(card, `Call ${scored.report.callId ?? ''}: ${verdict}`));
}
