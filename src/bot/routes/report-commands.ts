import type { TurnContext } from 'botbuilder';
import type { ChatCommand } from '../../alerts';
import { adminsChannelOf, setWeeklyReport } from '../../settings';
import type { BotServices } from '../bot-services';
import { cardActivity } from '../card-activity';
import { channelRecordOf, conversationKindOf, tenantOf } from '../conversation-records';
import { exportConsentContext, exportFileName, fileConsentActivity, measureExport } from '../teams-export';
import { requireAdmin } from './command-replies';

type Handler<C extends ChatCommand> = (context: TurnContext, command: C, services: BotServices) => Promise<void>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The weekly report and export commands: `report now|on|off`, `export 7d|30d`. */
export const REPORT_COMMANDS: {
  report: Handler<Extract<ChatCommand, { name: 'report' }>>;
  export: Handler<Extract<ChatCommand, { name: 'export' }>>;
} = {
  /**
   * In a team channel, for admins: `report now` posts the report of the last seven days here at
   * once (no claim: it is asked for); `report off` and `report on` stop and resume the weekly post
   * in this channel.
   */
  async report(context, command, services) {
    if (conversationKindOf(context.activity) !== 'channel') {
      await context.sendActivity(`Say "report ${command.action}" in the team channel that gets the admins' alerts.`);
      return;
    }
    const what = command.action === 'now' ? 'post the weekly report' : `turn the weekly report ${command.action}`;
    if (!(await requireAdmin(context, services, what))) return;
    const tenantId = tenantOf(context.activity);
    const now = services.clock();
    if (command.action === 'now') {
      if (!tenantId) {
        await context.sendActivity('Teams did not say which tenant this channel belongs to, so I cannot build its report.');
        return;
      }
      await context.sendActivity(cardActivity(await services.weeklyReportCard(tenantId, now), 'Call quality, the last seven days'));
      return;
    }
    const here = channelRecordOf(context.activity, now).key;
    await setWeeklyReport(services.store.settings, here, command.action === 'on', context.activity.from?.aadObjectId ?? null, now);
    if (command.action === 'off') {
      await context.sendActivity('Done: the weekly report will no longer be posted in this channel. Say "report on" to have it again.');
      return;
    }
    const adminsChannel = tenantId ? await adminsChannelOf(services.store, tenantId, null) : undefined;
    const next = `the next one is due ${scheduledTime(services.reportSchedule.nextAfter(now), services.reportSchedule.timeZone)}`;
    await context.sendActivity(
      adminsChannel?.key === here
        ? `Done: the weekly report will be posted in this channel; ${next}.`
        : `Done, but this channel does not get the admins' alerts, and the weekly report goes where they go: say "alert here" to choose this channel (${next}).`,
    );
  },

  /**
   * In a personal chat, for admins: the tenant's streams of the last 7 or 30 days as a CSV file,
   * through Teams' file consent (the user accepts it into their OneDrive; see file-consent.ts).
   */
  async export(context, command, services) {
    if (conversationKindOf(context.activity) !== 'personal') {
      await context.sendActivity('Say "export" in your personal chat with me: Teams lets a bot send files only there.');
      return;
    }
    if (!(await requireAdmin(context, services, 'export the call history'))) return;
    const tenantId = tenantOf(context.activity);
    if (!tenantId) {
      await context.sendActivity('Teams did not say which tenant you are in, so I cannot tell which calls to export.');
      return;
    }
    const until = services.clock();
    const since = until - command.days * DAY_MS;
    const offer = exportConsentContext(tenantId, since, until);
    const { rows, bytes } = await measureExport(services.store.history, offer);
    if (rows === 0) {
      await context.sendActivity(`No call was kept in the last ${command.days} days, so there is nothing to export.`);
      return;
    }
    const description = `One row per media stream of the calls of the last ${command.days} days (${rows} stream${rows === 1 ? '' : 's'}), with the call, the people, buildings, networks, devices, verdicts and ratings. It contains personal data: keep it safe.`;
    await context.sendActivity(fileConsentActivity(exportFileName(since, until), description, bytes, offer));
  },
};

/** "Monday 2026-03-30 09:00 (Europe/Paris)". */
function scheduledTime(epochMs: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(epochMs))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timeZone})`;
}
