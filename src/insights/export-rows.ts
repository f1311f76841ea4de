import { formatMetricValue, isStreamMetric, type PoorStreamReason, type StreamKind } from '../quality';
import { utcDay, type CallHistory, type ConnectionType, type HistoryEndpoint, type HistoryStream } from './call-history';

/**
 * The columns of one end of a stream, after CQD's "First …" and "Second …" dimensions where one
 * matches (docs/configuration.md lists which do). First is the caller's end, Second the callee's.
 */
const END_COLUMNS = [
  'User ObjectId',
  'UPN',
  'User Name',
  'Building Name',
  'Network Name',
  'Subnet',
  'IP Address',
  'Network Connection Detail',
  'WiFi Band',
  'Relayed',
  'Platform',
  'Endpoint Product Name',
  'Feedback Rating',
  'Feedback Tokens',
] as const;

type EndColumn = (typeof END_COLUMNS)[number];

/** Every column of an export, in order: the call, the stream, then its first and second end. */
export const EXPORT_COLUMNS = [
  'Tenant Id',
  'Conference ID',
  'Call Version',
  'Date',
  'Start Time',
  'End Time',
  'Call Type',
  'Call Quality',
  'Call Alert',
  'Quality Profile',
  'Media Type',
  'Stream Direction',
  'Poor',
  'Good',
  'Unclassified',
  'Poor Reasons',
  ...END_COLUMNS.map((column) => `First ${column}` as const),
  ...END_COLUMNS.map((column) => `Second ${column}` as const),
] as const;

/** A column of an export. */
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** A cell: text, a number, a yes/no, or nothing. */
export type ExportValue = string | number | boolean | null;

/** One exported stream. */
export type ExportRow = Record<ExportColumn, ExportValue>;

const MEDIA_TYPES: Record<StreamKind, string> = { audio: 'Audio', video: 'Video', vbss: 'VBSS' };

/** CQD's "Network Connection Detail" values. */
const CONNECTION_DETAILS: Record<ConnectionType, string | null> = {
  wired: 'Wired',
  wifi: 'WiFi',
  'wifi-2.4GHz': 'WiFi',
  'wifi-5GHz': 'WiFi',
  'wifi-6GHz': 'WiFi',
  mobile: 'MobileBB',
  tunnel: 'Tunnel',
  unknown: null,
};

const WIFI_BANDS: Partial<Record<ConnectionType, string>> = { 'wifi-2.4GHz': '2.4 GHz', 'wifi-5GHz': '5 GHz', 'wifi-6GHz': '6 GHz' };

/** Graph's rating words on CQD's "Feedback Rating" scale: 1 (bad) to 5 (excellent), 0 when shown but not rated. */
const RATING_SCALE: Record<string, number> = { notRated: 0, bad: 1, poor: 2, fair: 3, good: 4, excellent: 5 };

/** One row per scored stream of a call, in the order the summary keeps them. */
export function exportRowsOf(call: CallHistory): ExportRow[] {
  return call.streams.map((stream) => {
    const { first, second, direction } = endsOf(stream);
    return {
      'Tenant Id': call.tenantId,
      'Conference ID': call.callId,
      'Call Version': call.version,
      Date: call.endedAt !== null ? utcDay(call.endedAt) : call.startedAt !== null ? utcDay(call.startedAt) : null,
      'Start Time': isoTime(call.startedAt),
      'End Time': isoTime(call.endedAt),
      'Call Type': call.type,
      'Call Quality': call.quality,
      'Call Alert': call.alert,
      'Quality Profile': call.profile,
      'Media Type': MEDIA_TYPES[stream.kind],
      'Stream Direction': direction,
      Poor: stream.classification === 'poor',
      Good: stream.classification === 'good',
      Unclassified: stream.classification === 'unclassified',
      'Poor Reasons': stream.reasons.length > 0 ? stream.reasons.map(reasonText).join('; ') : null,
      ...endColumns('First', call, call.endpoints[first]),
      ...endColumns('Second', call, call.endpoints[second]),
    } as ExportRow;
  });
}

/**
 * Which endpoint is first (the caller's) and which second, and CQD's direction between them. Without
 * a direction the sender is put first and the direction left empty.
 */
function endsOf(stream: HistoryStream): { first: number; second: number; direction: string | null } {
  if (stream.direction === 'calleeToCaller') return { first: stream.to, second: stream.from, direction: 'Second-to-First' };
  if (stream.direction === 'callerToCallee') return { first: stream.from, second: stream.to, direction: 'First-to-Second' };
  return { first: stream.from, second: stream.to, direction: null };
}

function endColumns(side: 'First' | 'Second', call: CallHistory, endpoint: HistoryEndpoint | undefined): Record<`${typeof side} ${EndColumn}`, ExportValue> {
  const rating = endpoint ? ratingOf(call, endpoint.userId) : { score: null, tokens: null };
  const values: Record<EndColumn, ExportValue> = {
    'User ObjectId': endpoint?.userId ?? null,
    UPN: endpoint?.upn ?? null,
    'User Name': endpoint?.name ?? null,
    'Building Name': endpoint?.building ?? null,
    'Network Name': endpoint?.network ?? null,
    Subnet: endpoint?.subnet ?? null,
    'IP Address': endpoint?.ip ?? null,
    'Network Connection Detail': endpoint ? CONNECTION_DETAILS[endpoint.connection] : null,
    'WiFi Band': endpoint ? (WIFI_BANDS[endpoint.connection] ?? null) : null,
    Relayed: endpoint ? endpoint.relayed : null,
    Platform: endpoint?.platform ?? null,
    'Endpoint Product Name': endpoint?.product ?? null,
    'Feedback Rating': rating.score,
    'Feedback Tokens': rating.tokens,
  };
  return Object.fromEntries(END_COLUMNS.map((column) => [`${side} ${column}`, values[column]])) as Record<`${typeof side} ${EndColumn}`, ExportValue>;
}

/**
 * The rating the endpoint's user gave: the worst of theirs when they rated more than once (one per
 * session), with every token they chose; nothing when they gave none.
 */
function ratingOf(call: CallHistory, userId: string | null): { score: number | null; tokens: string | null } {
  if (!userId) return { score: null, tokens: null };
  const theirs = call.ratings.filter((rating) => rating.userId?.toLowerCase() === userId.toLowerCase());
  const scores = theirs.map((rating) => (rating.rating === null ? undefined : RATING_SCALE[rating.rating])).filter((score): score is number => score !== undefined);
  const given = scores.filter((score) => score > 0);
  const score = given.length > 0 ? Math.min(...given) : scores.length > 0 ? 0 : null;
  const tokens = [...new Set(theirs.flatMap((rating) => rating.tokens))];
  return { score, tokens: tokens.length > 0 ? tokens.join(', ') : null };
}

/** `averageJitter 45.5 ms > 30 ms`. */
function reasonText(reason: PoorStreamReason): string {
  const shown = (value: number) => (isStreamMetric(reason.metric) ? formatMetricValue(reason.metric, value) : String(value));
  return `${reason.metric} ${shown(reason.value)} ${reason.comparison} ${shown(reason.threshold)}`;
}

function isoTime(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}
