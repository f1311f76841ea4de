import type { CommandDescription } from './help-card';

/** A chat command, parsed. */
export type ChatCommand =
  | { name: 'help' }
  | { name: 'status' }
  | { name: 'recent'; count: number }
  | { name: 'check'; callId: string }
  /** `check 3`: the call shown as number 3 in the last `recent`, `my calls` or `last call` list. */
  | { name: 'check-number'; number: number }
  | { name: 'check-file'; path: string }
  | { name: 'thresholds' }
  | { name: 'set-threshold'; key: string; value: string }
  | { name: 'profile'; profile: string | null }
  | { name: 'alert-here' }
  | { name: 'alert-off' }
  | { name: 'mute'; hours: number }
  | { name: 'unmute' }
  | { name: 'trends'; days: InsightPeriod }
  | { name: 'top'; list: TopList; days: TopPeriod }
  | { name: 'user'; who: string; days: TopPeriod }
  | { name: 'my-calls'; days: TopPeriod }
  | { name: 'last-call' }
  | { name: 'report'; action: 'now' | 'on' | 'off' }
  | { name: 'export'; days: TopPeriod }
  /** A known command with wrong arguments; `message` says what is expected. */
  | { name: 'usage'; message: string }
  | { name: 'unknown'; text: string };

/** The periods `trends` looks back over, in days. */
export type InsightPeriod = 7 | 30 | 90;
/** The periods `top`, `user`, `my calls` and `export` look back over, in days. */
export type TopPeriod = 7 | 30;
/** What `top` ranks: buildings, subnets and connection types, clients and platforms, people. */
export type TopList = 'sites' | 'networks' | 'devices' | 'people';
export const TOP_LISTS: readonly TopList[] = ['sites', 'networks', 'devices', 'people'];

/** Every command, as the help card and the app manifest list them. */
export const CHAT_COMMANDS: readonly CommandDescription[] = [
  { name: 'help', description: 'Shows this list.' },
  { name: 'status', description: 'Is data flowing: subscription expiry, last notification, inbox, alerts sent in the last 24 hours.' },
  { name: 'recent N', description: 'The last N calls that raised an alert (10 unless you say).' },
  { name: 'check N|CALL-ID', description: 'Scores a call now and shows its card: call N of your last recent or my calls list, or a call record id. Admins see any call; others, in our 1:1 chat, their own calls.' },
  { name: 'check file:NAME.json', description: 'Scores a call record saved as JSON in the records folder where the bot runs (local use, e.g. the Agents Playground).' },
  { name: 'thresholds', description: 'Shows the quality profile and every threshold in force.' },
  { name: 'set threshold KIND.METRIC VALUE', description: 'Changes one threshold, e.g. set threshold audio.averageJitter 40.', adminOnly: true },
  { name: 'profile NAME', description: 'Switches the quality profile (cqd or cqd-classic).', adminOnly: true },
  { name: 'alert here', description: 'Sends the admins\' alerts to this channel (in a team channel).', adminOnly: true },
  { name: 'alert off', description: 'Stops the admins\' alerts in this channel.', adminOnly: true },
  { name: 'mute HOURS', description: 'Mutes your own alerts for HOURS hours (24 unless you say).' },
  { name: 'unmute', description: 'Turns your alerts back on.' },
  { name: 'trends 7d|30d|90d', description: 'The daily share of poor audio, video and screen sharing streams, calls and bad ratings, against the period before (30d unless you say).' },
  { name: 'top LIST 7d|30d', description: 'The buildings, networks, devices or people with the most poor streams: LIST is sites, networks, devices or people (people: admins only); 7d unless you say.' },
  { name: 'my calls 7d|30d', description: 'Your own recent calls, with your poor streams and ratings (7d unless you say).' },
  { name: 'last call', description: 'Your newest call, and how your own side of it went.' },
  { name: 'user NAME|UPN|ID 7d|30d', description: 'One person\'s recent calls, with their poor streams and ratings (30d unless you say).', adminOnly: true },
  { name: 'report now|on|off', description: 'Posts the weekly quality report now, or turns the weekly report on or off in this channel.', adminOnly: true },
  { name: 'export 7d|30d', description: 'Sends one row per stream as a CSV file, in this personal chat (7d unless you say).', adminOnly: true },
];

/** The most calls `recent` lists. */
export const RECENT_MAX = 50;
/** How many calls `recent` lists when not told. */
export const RECENT_DEFAULT = 10;
/** The longest mute, in hours (30 days). */
export const MUTE_MAX_HOURS = 24 * 30;

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The command in a message's text: mentions (`<at>Bot</at>`) and markup removed, entities
 * decoded, white space collapsed. Teams keeps the mention in a channel message's text; the
 * Teams AI `removeRecipientMention` option removes the bot's, this removes any left.
 */
export function commandTextOf(text: string | undefined | null): string {
  return (text ?? '')
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/[\s\u200b]+/g, ' ')
    .trim();
}

/** Parses a message into a command. Never throws: unknown text is `unknown`, bad arguments `usage`. */
export function parseCommand(text: string | undefined | null): ChatCommand {
  const line = commandTextOf(text);
  const words = line.split(' ').filter(Boolean);
  const first = (words[0] ?? '').toLowerCase().replace(/^\//, '');
  const rest = words.slice(1);
  switch (first) {
    case 'help':
    case '?':
      return { name: 'help' };
    case 'status':
      return { name: 'status' };
    case 'recent': {
      if (rest.length === 0) return { name: 'recent', count: RECENT_DEFAULT };
      const count = Number(rest[0]);
      if (rest.length > 1 || !Number.isInteger(count) || count < 1) {
        return { name: 'usage', message: `"recent" takes a number of calls from 1 to ${RECENT_MAX}, e.g. "recent 5".` };
      }
      return { name: 'recent', count: Math.min(count, RECENT_MAX) };
    }
    case 'check': {
      const argument = line.slice(line.toLowerCase().indexOf('check') + 'check'.length).trim();
      if (/^file:/i.test(argument)) {
        const path = argument.slice('file:'.length).trim().replace(/^["']|["']$/g, '');
        if (!path) return { name: 'usage', message: '"check file:" needs the path of a call record JSON file, e.g. "check file:call.json" for records/call.json.' };
        return { name: 'check-file', path };
      }
      if (rest.length === 1 && /^#?\d{1,4}$/.test(rest[0]!)) return { name: 'check-number', number: Number(rest[0]!.replace('#', '')) };
      if (rest.length !== 1 || !/^[0-9a-z][0-9a-z-]{7,127}$/i.test(rest[0]!)) {
        return {
          name: 'usage',
          message: '"check" takes the number of a call in your last recent or my calls list, e.g. "check 3", or one call record id (a GUID), e.g. "check 2f1a1100-b174-40a0-aba7-0b405e01ed92", or "check file:NAME.json".',
        };
      }
      return { name: 'check', callId: rest[0]! };
    }
    case 'thresholds':
      return { name: 'thresholds' };
    case 'set': {
      if ((rest[0] ?? '').toLowerCase() !== 'threshold') break;
      const args = rest.slice(1).join(' ').replace(/\s*=\s*/, ' ').split(' ').filter(Boolean);
      if (args.length !== 2) {
        return { name: 'usage', message: '"set threshold" takes KIND.METRIC and a VALUE, e.g. "set threshold audio.averageJitter 40".' };
      }
      return { name: 'set-threshold', key: args[0]!, value: args[1]! };
    }
    case 'profile':
      if (rest.length > 1) return { name: 'usage', message: '"profile" takes one profile name, e.g. "profile cqd-classic".' };
      return { name: 'profile', profile: rest[0]?.toLowerCase() ?? null };
    case 'alert': {
      const what = rest.join(' ').toLowerCase();
      if (what === 'here') return { name: 'alert-here' };
      if (what === 'off') return { name: 'alert-off' };
      return { name: 'usage', message: 'Say "alert here" in a team channel to send the admins\' alerts there, or "alert off" to stop them.' };
    }
    case 'mute': {
      if (rest.length === 0) return { name: 'mute', hours: 24 };
      const hours = Number(rest[0]!.replace(/h(ours?)?$/i, ''));
      if (rest.length > 2 || !Number.isFinite(hours) || hours <= 0 || hours > MUTE_MAX_HOURS) {
        return { name: 'usage', message: `"mute" takes a number of hours from 1 to ${MUTE_MAX_HOURS}, e.g. "mute 8".` };
      }
      return { name: 'mute', hours };
    }
    case 'unmute':
      return { name: 'unmute' };
    case 'trends': {
      const days = periodOf(rest, [7, 30, 90], 30);
      return days === undefined ? { name: 'usage', message: '"trends" takes a period of 7d, 30d or 90d, e.g. "trends 7d".' } : { name: 'trends', days };
    }
    case 'top': {
      const list = TOP_LISTS.find((candidate) => candidate === (rest[0] ?? '').toLowerCase());
      const days = periodOf(rest.slice(1), [7, 30], 7);
      if (!list || days === undefined) return { name: 'usage', message: `"top" takes a list (${TOP_LISTS.join(', ')}) and a period of 7d or 30d, e.g. "top sites 30d".` };
      return { name: 'top', list, days };
    }
    case 'my': {
      if ((rest[0] ?? '').toLowerCase() !== 'calls') break;
      const days = periodOf(rest.slice(1), [7, 30], 7);
      return days === undefined ? { name: 'usage', message: '"my calls" takes a period of 7d or 30d, e.g. "my calls 30d".' } : { name: 'my-calls', days };
    }
    case 'last': {
      if ((rest[0] ?? '').toLowerCase() !== 'call') break;
      return rest.length === 1 ? { name: 'last-call' } : { name: 'usage', message: '"last call" takes nothing more: it shows your newest call.' };
    }
    case 'user': {
      const last = rest.at(-1) ?? '';
      const hasPeriod = rest.length > 1 && /^\d+\s*d?$/i.test(last);
      const days = periodOf(hasPeriod ? [last] : [], [7, 30], 30);
      const who = (hasPeriod ? rest.slice(0, -1) : rest).join(' ');
      if (!who || days === undefined) return { name: 'usage', message: '"user" takes a name, UPN or Entra id, and a period of 7d or 30d, e.g. "user adele@contoso.com 30d".' };
      return { name: 'user', who, days };
    }
    case 'report': {
      const action = (rest[0] ?? '').toLowerCase();
      if (rest.length !== 1 || (action !== 'now' && action !== 'on' && action !== 'off')) {
        return { name: 'usage', message: '"report" takes now, on or off: "report now" posts the weekly report now, "report off" stops it in this channel.' };
      }
      return { name: 'report', action };
    }
    case 'export': {
      const days = periodOf(rest, [7, 30], 7);
      return days === undefined ? { name: 'usage', message: '"export" takes a period of 7d or 30d, e.g. "export 30d".' } : { name: 'export', days };
    }
  }
  return { name: 'unknown', text: line };
}

/**
 * The period in `words` ("30d", "30", "30 days"), one of `allowed`; `fallback` when there are no
 * words; undefined when the words are something else.
 */
function periodOf<P extends number>(words: readonly string[], allowed: readonly P[], fallback: P): P | undefined {
  if (words.length === 0) return fallback;
  const match = /^(\d+)\s*(d|days?)?$/i.exec(words.join(' ').trim());
  const days = match ? Number(match[1]) : NaN;
  return allowed.find((candidate) => candidate === days);
}
