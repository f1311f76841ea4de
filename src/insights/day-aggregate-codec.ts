import { DIMENSIONS } from './dimensions';
import { emptyDayAggregate, STREAM_KINDS, type DayAggregate } from './day-aggregate';

/** The version of the encoding, first in every encoded aggregate. */
const ENCODING = 1;

type EncodedValue = [string, number, number, number];
type Encoded = [
  typeof ENCODING,
  string,
  number,
  number,
  number,
  number,
  number,
  [number, number, number][],
  EncodedValue[][],
  [string, string][],
];

/**
 * A day's aggregate as compact text for `HistoryStore.writeRollup` (positional JSON arrays, no
 * property names). {@link decodeDayAggregate} reads it back exactly.
 */
export function encodeDayAggregate(aggregate: DayAggregate): string {
  const encoded: Encoded = [
    ENCODING,
    aggregate.day,
    aggregate.calls,
    aggregate.alertCalls,
    aggregate.sweepCalls,
    aggregate.ratings,
    aggregate.badRatings,
    STREAM_KINDS.map((kind) => [aggregate.kinds[kind].poor, aggregate.kinds[kind].classified, aggregate.kinds[kind].unclassified]),
    DIMENSIONS.map((dimension) => [...aggregate.values[dimension]].map(([value, counts]) => [value, counts.poor, counts.classified, counts.calls])),
    [...aggregate.names],
  ];
  return JSON.stringify(encoded);
}

/** Thrown when a cached aggregate cannot be read (another encoding, damaged text): recompute the day. */
export class DayAggregateEncodingError extends Error {
  constructor(reason: string) {
    super(`A cached day aggregate could not be read: ${reason}.`);
    this.name = 'DayAggregateEncodingError';
  }
}

/** Reads what {@link encodeDayAggregate} wrote. Throws {@link DayAggregateEncodingError} for anything else. */
export function decodeDayAggregate(text: string): DayAggregate {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DayAggregateEncodingError('it is not JSON');
  }
  if (!Array.isArray(value) || value[0] !== ENCODING || value.length !== 10) {
    throw new DayAggregateEncodingError(`it is not encoding ${ENCODING}`);
  }
  const [, day, calls, alertCalls, sweepCalls, ratings, badRatings, kinds, values, names] = value as Encoded;
  const aggregate = emptyDayAggregate(day);
  Object.assign(aggregate, { calls, alertCalls, sweepCalls, ratings, badRatings });
  STREAM_KINDS.forEach((kind, index) => {
    const [poor, classified, unclassified] = kinds[index] ?? [0, 0, 0];
    aggregate.kinds[kind] = { poor, classified, unclassified };
  });
  DIMENSIONS.forEach((dimension, index) => {
    for (const [name, poor, classified, callCount] of values[index] ?? []) {
      aggregate.values[dimension].set(name, { poor, classified, calls: callCount });
    }
  });
  for (const [id, name] of names) aggregate.names.set(id, name);
  return aggregate;
}
