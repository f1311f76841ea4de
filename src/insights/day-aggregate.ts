import type { StreamKind } from '../quality';
import type { CallHistory } from './call-history';
import { DIMENSIONS, dimensionValue, type Dimension } from './dimensions';

/** Streams of one kind: CQD's "poor %" is `poor / classified`; unclassified streams lacked the metrics. */
export interface KindCounts {
  poor: number;
  /** Poor plus good streams. */
  classified: number;
  unclassified: number;
}

/** What one value of a dimension (a building, a subnet, a person, …) saw. */
export interface ValueCounts {
  poor: number;
  classified: number;
  /** Calls with at least one scored stream on that value. */
  calls: number;
}

/** The stream kinds the aggregates count, in the order cards show them. */
export const STREAM_KINDS: readonly StreamKind[] = ['audio', 'video', 'vbss'];

/** Graph's ratings that count as bad, as CQD's "poor call rating" does (1 or 2 stars). */
export const BAD_RATINGS: readonly string[] = ['bad', 'poor'];

/** Graph's ratings that are an answer (`notRated` and unknown values are not). */
export const GIVEN_RATINGS: readonly string[] = ['bad', 'poor', 'fair', 'good', 'excellent'];

/** The `source` of a call the reconciliation sweep found: a notification Graph never sent. */
export const SWEEP_SOURCE = 'sweep';

/** What a day or a period counts of its calls, ratings and streams. */
export interface CallCounts {
  calls: number;
  /** Calls that raised an alert. */
  alertCalls: number;
  /** Calls the reconciliation sweep recovered (their notification never came). */
  sweepCalls: number;
  /** Calls with at least one failed session (Graph's `failureInfo`, any stage). */
  failedCalls: number;
  /** Calls with a session that could not be set up (stage `callSetup`). */
  setupFailedCalls: number;
  /** Calls with a session that dropped (stage `midcall`). */
  droppedCalls: number;
  /** "Rate my call" answers given. */
  ratings: number;
  /** Answers of 1 or 2 stars ({@link BAD_RATINGS}). */
  badRatings: number;
  kinds: Record<StreamKind, KindCounts>;
}

/** Everything the trends, top lists and the weekly report need of one tenant's day. */
export interface DayAggregate extends CallCounts {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Per dimension, per value. */
  values: Record<Dimension, Map<string, ValueCounts>>;
  /** Entra id (lower case) → the newest display name seen, for the `people` dimension. */
  names: Map<string, string>;
}

/** An aggregate with nothing counted, for a day without calls. */
export function emptyDayAggregate(day: string): DayAggregate {
  return {
    day,
    calls: 0,
    alertCalls: 0,
    sweepCalls: 0,
    failedCalls: 0,
    setupFailedCalls: 0,
    droppedCalls: 0,
    ratings: 0,
    badRatings: 0,
    kinds: { audio: emptyKind(), video: emptyKind(), vbss: emptyKind() },
    values: { sites: new Map(), networks: new Map(), connections: new Map(), devices: new Map(), people: new Map() },
    names: new Map(),
  };
}

/**
 * The aggregate of a day's calls. A call given twice (two versions) counts once, as its highest
 * version. A stream counts once for each distinct value on its two ends: a stream between two
 * people in one building counts once for that building, once for each of the two people.
 */
export function aggregateDay(day: string, calls: Iterable<CallHistory>): DayAggregate {
  const newest = new Map<string, CallHistory>();
  for (const call of calls) {
    const known = newest.get(call.callId);
    if (!known || call.version > known.version) newest.set(call.callId, call);
  }
  const aggregate = emptyDayAggregate(day);
  for (const call of newest.values()) addCall(aggregate, call);
  return aggregate;
}

function addCall(aggregate: DayAggregate, call: CallHistory): void {
  aggregate.calls += 1;
  if (call.alert) aggregate.alertCalls += 1;
  if (call.source === SWEEP_SOURCE) aggregate.sweepCalls += 1;
  const failures = call.failures ?? [];
  if (failures.length > 0) aggregate.failedCalls += 1;
  if (failures.some((failure) => failure.stage === 'callSetup')) aggregate.setupFailedCalls += 1;
  if (failures.some((failure) => failure.stage === 'midcall')) aggregate.droppedCalls += 1;
  for (const rating of call.ratings) {
    if (rating.rating !== null && GIVEN_RATINGS.includes(rating.rating)) aggregate.ratings += 1;
    if (rating.rating !== null && BAD_RATINGS.includes(rating.rating)) aggregate.badRatings += 1;
  }
  for (const endpoint of call.endpoints) {
    if (endpoint.userId && endpoint.name) aggregate.names.set(endpoint.userId.toLowerCase(), endpoint.name);
  }
  const valuesOfEndpoint = call.endpoints.map((endpoint) => DIMENSIONS.map((dimension) => dimensionValue(endpoint, dimension)));
  const seenInCall = DIMENSIONS.map(() => new Set<string>());
  for (const stream of call.streams) {
    const kind = aggregate.kinds[stream.kind];
    if (stream.classification === 'unclassified') kind.unclassified += 1;
    else kind.classified += 1;
    if (stream.classification === 'poor') kind.poor += 1;
    // Plain loops and no per-stream sets: a busy day is thousands of calls, recomputed when it changes.
    const from = valuesOfEndpoint[stream.from];
    const to = valuesOfEndpoint[stream.to];
    for (let index = 0; index < DIMENSIONS.length; index += 1) {
      const sent = from?.[index] ?? null;
      const received = to?.[index] ?? null;
      if (sent !== null) countStream(aggregate.values[DIMENSIONS[index]!], sent, stream.classification, seenInCall[index]!);
      if (received !== null && received !== sent) countStream(aggregate.values[DIMENSIONS[index]!], received, stream.classification, seenInCall[index]!);
    }
  }
}

/** Counts a stream for one value of a dimension, and the call once per value. */
function countStream(values: Map<string, ValueCounts>, value: string, classification: CallHistory['streams'][number]['classification'], seenInCall: Set<string>): void {
  const counts = countsOf(values, value);
  if (classification !== 'unclassified') counts.classified += 1;
  if (classification === 'poor') counts.poor += 1;
  if (!seenInCall.has(value)) {
    seenInCall.add(value);
    counts.calls += 1;
  }
}

/** Adds several days into one total: the period's aggregate (its `day` is the first day's). */
export function sumAggregates(days: readonly DayAggregate[]): DayAggregate {
  const total = emptyDayAggregate(days[0]?.day ?? '');
  for (const day of days) {
    total.calls += day.calls;
    total.alertCalls += day.alertCalls;
    total.sweepCalls += day.sweepCalls;
    total.failedCalls += day.failedCalls;
    total.setupFailedCalls += day.setupFailedCalls;
    total.droppedCalls += day.droppedCalls;
    total.ratings += day.ratings;
    total.badRatings += day.badRatings;
    for (const kind of STREAM_KINDS) {
      total.kinds[kind].poor += day.kinds[kind].poor;
      total.kinds[kind].classified += day.kinds[kind].classified;
      total.kinds[kind].unclassified += day.kinds[kind].unclassified;
    }
    for (const dimension of DIMENSIONS) {
      for (const [value, counts] of day.values[dimension]) {
        const sum = countsOf(total.values[dimension], value);
        sum.poor += counts.poor;
        sum.classified += counts.classified;
        // A call belongs to one day, so the days' call counts add up.
        sum.calls += counts.calls;
      }
    }
    // Later days win: the newest name a person had.
    for (const [id, name] of day.names) total.names.set(id, name);
  }
  return total;
}

/** CQD's poor %: poor ÷ classified × 100, null when nothing was classified. */
export function poorPercent(counts: { poor: number; classified: number }): number | null {
  return counts.classified === 0 ? null : (counts.poor / counts.classified) * 100;
}

function emptyKind(): KindCounts {
  return { poor: 0, classified: 0, unclassified: 0 };
}

function countsOf(map: Map<string, ValueCounts>, value: string): ValueCounts {
  let counts = map.get(value);
  if (!counts) {
    counts = { poor: 0, classified: 0, calls: 0 };
    map.set(value, counts);
  }
  return counts;
}
