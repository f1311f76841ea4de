import type { Classification, PoorStreamReason, ProfileName, StreamKind } from '../quality';

/**
 * How an endpoint was connected, as CQD's "Connection Type" dimension names it: Graph's
 * `networkConnectionType`, with the Wi-Fi band when Graph gives it (`wifi-2.4GHz`, `wifi-5GHz`,
 * `wifi-6GHz`, or `wifi` when the band is unknown).
 */
export type ConnectionType = 'wired' | 'wifi' | 'wifi-2.4GHz' | 'wifi-5GHz' | 'wifi-6GHz' | 'mobile' | 'tunnel' | 'unknown';

/** One end of the call's streams: a person's client (or a service), where it was and what it ran. */
export interface HistoryEndpoint {
  /** Entra object id of the user, null for services and anonymous guests. */
  userId: string | null;
  /** The user's UPN when the record gives it. */
  upn: string | null;
  /** Display name as the record gives it. */
  name: string | null;
  /** `subnet` of the endpoint's network (the address CQD's building file is matched against). */
  subnet: string | null;
  /** `ipAddress` of the endpoint's network. */
  ip: string | null;
  connection: ConnectionType;
  /** True when media went through a relay (`relayIPAddress` set). */
  relayed: boolean;
  /** `userAgent.platform` (windows, macOS, iOS, android, web, ...), null when absent. */
  platform: string | null;
  /** `userAgent.productFamily` (teams, teamsRoomsAndroid, skypeForBusiness, ...), null when absent. */
  product: string | null;
  /** The building the endpoint's subnet or address falls in (BUILDINGS_FILE), null when outside corp or unknown. */
  building: string | null;
  /** `NetworkName` of the matching building file line, null when none matched. */
  network: string | null;
}

/** One scored media stream (streams that are not scored, such as data, are not kept). */
export interface HistoryStream {
  kind: StreamKind;
  /** `callerToCallee` or `calleeToCaller`; null when Graph gave none. */
  direction: string | null;
  classification: Classification;
  /** The thresholds a poor stream crossed, with their values (empty unless poor). */
  reasons: PoorStreamReason[];
  /** Index in {@link CallHistory.endpoints} of the sender, -1 when unknown. */
  from: number;
  /** Index in {@link CallHistory.endpoints} of the receiver, -1 when unknown. */
  to: number;
}

/** One "rate my call" answer. */
export interface HistoryRating {
  /** Entra object id, null when unknown. */
  userId: string | null;
  name: string | null;
  /** Graph's rating (`bad`, `poor`, `fair`, `good`, `excellent`, `notRated`, ...). */
  rating: string | null;
  /** The feedback tokens that were true. */
  tokens: string[];
}

/** A session of the call that failed (Graph's `failureInfo`). */
export interface HistoryFailure {
  /** Graph's stage: `callSetup`, `midcall`, `unknown`, `unknownFutureValue` (or a later member). */
  stage: string;
  /** Graph's reason, bounded; null when absent. */
  reason: string | null;
}

/** The compact summary of one scored version of a call: what the history and every aggregate need. */
export interface CallHistory {
  tenantId: string;
  callId: string;
  version: number;
  /** Epoch ms; null when Graph gave none. */
  startedAt: number | null;
  endedAt: number | null;
  /** `groupCall`, `peerToPeer`, ... as Graph gave it. */
  type: string | null;
  organizer: { userId: string | null; upn: string | null; name: string | null };
  participantCount: number;
  quality: Classification;
  alert: boolean;
  profile: ProfileName;
  /** How the bot learnt of the call: a notification, the reconciliation sweep (a notification Graph missed), a backfill, ... */
  source: string;
  /** Every distinct endpoint the streams name. */
  endpoints: HistoryEndpoint[];
  streams: HistoryStream[];
  ratings: HistoryRating[];
  /**
   * The failed sessions. Optional so that summaries built before failures were kept still type;
   * {@link decodeCallHistory} always sets it (a summary written without it reads as none).
   */
  failures?: HistoryFailure[];
}

/** The version of the encoding, first in every encoded summary. */
const ENCODING = 1;

type EncodedEndpoint = [string | null, string | null, string | null, string | null, string | null, ConnectionType, 0 | 1, string | null, string | null, string | null, string | null];
type EncodedReason = [string, number, number, '>' | '<'];
type EncodedStream = [StreamKind, string | null, Classification, EncodedReason[], number, number];
type EncodedRating = [string | null, string | null, string | null, string[]];
type EncodedFailure = [string, string | null];
type Encoded = [
  typeof ENCODING,
  string,
  string,
  number,
  number | null,
  number | null,
  string | null,
  [string | null, string | null, string | null],
  number,
  Classification,
  0 | 1,
  ProfileName,
  string,
  EncodedEndpoint[],
  EncodedStream[],
  EncodedRating[],
  // Only when a session failed: a summary without failures is the 16 elements older readers know.
  EncodedFailure[]?,
];

/**
 * The summary as compact text (positional JSON arrays, no property names): about 1 KB for a call
 * of a few people. {@link decodeCallHistory} reads it back exactly (no failures and an empty list
 * of failures read back alike, as an empty list).
 */
export function encodeCallHistory(call: CallHistory): string {
  return encodeCallHistoryWith(call, call.endpoints.map(encodeHistoryEndpoint).join(','), call.streams.map(encodeHistoryStream).join(','));
}

/** One endpoint as {@link encodeCallHistory} writes it. */
export function encodeHistoryEndpoint(e: HistoryEndpoint): string {
  const encoded: EncodedEndpoint = [e.userId, e.upn, e.name, e.subnet, e.ip, e.connection, e.relayed ? 1 : 0, e.platform, e.product, e.building, e.network];
  return JSON.stringify(encoded);
}

/** One stream as {@link encodeCallHistory} writes it. */
export function encodeHistoryStream(s: HistoryStream): string {
  const encoded: EncodedStream = [s.kind, s.direction, s.classification, s.reasons.map((r) => [r.metric, r.value, r.threshold, r.comparison]), s.from, s.to];
  return JSON.stringify(encoded);
}

/**
 * {@link encodeCallHistory} with the endpoints and streams given already encoded (each by
 * {@link encodeHistoryEndpoint} and {@link encodeHistoryStream}, joined by commas), so that a
 * large meeting's history is kept as text page by page rather than as an object per stream.
 */
export function encodeCallHistoryWith(call: Omit<CallHistory, 'endpoints' | 'streams'>, endpoints: string, streams: string): string {
  const head: Encoded extends [...infer H, EncodedEndpoint[], EncodedStream[], EncodedRating[], EncodedFailure[]?] ? H : never = [
    ENCODING,
    call.tenantId,
    call.callId,
    call.version,
    call.startedAt,
    call.endedAt,
    call.type,
    [call.organizer.userId, call.organizer.upn, call.organizer.name],
    call.participantCount,
    call.quality,
    call.alert ? 1 : 0,
    call.profile,
    call.source,
  ];
  const tail: [EncodedRating[], EncodedFailure[]?] = [call.ratings.map((r) => [r.userId, r.name, r.rating, r.tokens])];
  if (call.failures && call.failures.length > 0) tail.push(call.failures.map((f): EncodedFailure => [f.stage, f.reason]));
  const headText = JSON.stringify(head);
  const tailText = JSON.stringify(tail);
  // The head's closing bracket and the tail's opening one give way to the two lists between them.
  return [headText.slice(0, -1), ',[', endpoints, '],[', streams, '],', tailText.slice(1)].join('');
}

/** Thrown when a stored summary cannot be read (another encoding, or damaged text). */
export class CallHistoryEncodingError extends Error {
  constructor(reason: string) {
    super(`A stored call summary could not be read: ${reason}.`);
    this.name = 'CallHistoryEncodingError';
  }
}

/** Reads a summary {@link encodeCallHistory} wrote. Throws {@link CallHistoryEncodingError} for anything else. */
export function decodeCallHistory(text: string): CallHistory {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CallHistoryEncodingError('it is not JSON');
  }
  if (!Array.isArray(value) || value[0] !== ENCODING || (value.length !== 16 && value.length !== 17)) {
    throw new CallHistoryEncodingError(`it is not encoding ${ENCODING}`);
  }
  const [, tenantId, callId, version, startedAt, endedAt, type, organizer, participantCount, quality, alert, profile, source, endpoints, streams, ratings, failures = []] = value as Encoded;
  return {
    tenantId,
    callId,
    version,
    startedAt,
    endedAt,
    type,
    organizer: { userId: organizer[0], upn: organizer[1], name: organizer[2] },
    participantCount,
    quality,
    alert: alert === 1,
    profile,
    source,
    endpoints: endpoints.map(([userId, upn, name, subnet, ip, connection, relayed, platform, product, building, network]) => ({
      userId,
      upn,
      name,
      subnet,
      ip,
      connection,
      relayed: relayed === 1,
      platform,
      product,
      building,
      network,
    })),
    streams: streams.map(([kind, direction, classification, reasons, from, to]) => ({
      kind,
      direction,
      classification,
      reasons: reasons.map(([metric, value, threshold, comparison]) => ({ metric, value, threshold, comparison })),
      from,
      to,
    })),
    ratings: ratings.map(([userId, name, rating, tokens]) => ({ userId, name, rating, tokens })),
    failures: failures.map(([stage, reason]) => ({ stage, reason })),
  };
}

/** The UTC day (`YYYY-MM-DD`) of an epoch-ms time. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The people of a call as the store indexes them: lower-cased Entra ids and UPNs of every endpoint, the organizer and every rater. */
export function peopleOf(call: CallHistory): string[] {
  return peopleOfParts(call.organizer, call.endpoints, call.ratings);
}

/** {@link peopleOf} from the call's parts, in the same order (organizer, endpoints, raters). */
export function peopleOfParts(
  organizer: CallHistory['organizer'],
  endpoints: Iterable<Pick<HistoryEndpoint, 'userId' | 'upn'>>,
  ratings: ReadonlyArray<Pick<HistoryRating, 'userId'>>,
): string[] {
  const people = new Set<string>();
  const add = (value: string | null) => {
    if (value) people.add(value.toLowerCase());
  };
  add(organizer.userId);
  add(organizer.upn);
  for (const endpoint of endpoints) {
    add(endpoint.userId);
    add(endpoint.upn);
  }
  for (const rating of ratings) add(rating.userId);
  return [...people];
}
