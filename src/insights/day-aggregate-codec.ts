import { DIMENSIONS, type Dimension } from './dimensions';
import { emptyDayAggregate, STREAM_KINDS, type DayAggregate } from './day-aggregate';

/**
 * The version of the encoding, first in every encoded aggregate. 3 added the failed calls to the
 * counts line: an aggregate cached under an older number is recomputed from the day's calls.
 */
const ENCODING = 3;

type EncodedValue = [string, number, number, number];
type EncodedHeader = [typeof ENCODING, string, number, number, number, number, number, [number, number, number][], [number, number, number]];

/**
 * A day's aggregate as compact text for `HistoryStore.writeRollup`: a first line with the day's
 * counts, then one line per dimension (in {@link DIMENSIONS} order), then the people's names, each
 * a positional JSON array (no property names; JSON never holds a raw line break). A busy day's
 * dimensions weigh hundreds of KB (a value per person), its counts under 100 bytes: the lines let
 * {@link decodeDayAggregate} read only what an answer needs (a trend reads the first line alone).
 */
export function encodeDayAggregate(aggregate: DayAggregate): string {
  const header: EncodedHeader = [
    ENCODING,
    aggregate.day,
    aggregate.calls,
    aggregate.alertCalls,
    aggregate.sweepCalls,
    aggregate.ratings,
    aggregate.badRatings,
    STREAM_KINDS.map((kind) => [aggregate.kinds[kind].poor, aggregate.kinds[kind].classified, aggregate.kinds[kind].unclassified]),
    [aggregate.failedCalls, aggregate.setupFailedCalls, aggregate.droppedCalls],
  ];
  const lines = [JSON.stringify(header)];
  for (const dimension of DIMENSIONS) {
    const values: EncodedValue[] = [...aggregate.values[dimension]].map(([value, counts]) => [value, counts.poor, counts.classified, counts.calls]);
    lines.push(JSON.stringify(values));
  }
  lines.push(JSON.stringify([...aggregate.names]));
  return lines.join('\n');
}

/**
 * Thrown when a cached aggregate cannot be read (another encoding, damaged text): recompute the day.
 * `outdated` when it was written under an older encoding: expected once after an upgrade, not damage.
 */
export class DayAggregateEncodingError extends Error {
  constructor(
    reason: string,
    readonly outdated = false,
  ) {
    super(`A cached day aggregate could not be read: ${reason}.`);
    this.name = 'DayAggregateEncodingError';
  }
}

/**
 * Reads what {@link encodeDayAggregate} wrote: every dimension, or only those in `dimensions` (the
 * others come back empty; the names come with `people`). Throws {@link DayAggregateEncodingError}
 * for anything else.
 */
export function decodeDayAggregate(text: string, dimensions: readonly Dimension[] = DIMENSIONS): DayAggregate {
  const lines = text.split('\n');
  const header = parse(lines[0]!);
  if (Array.isArray(header) && typeof header[0] === 'number' && header[0] < ENCODING) {
    throw new DayAggregateEncodingError(`it is encoding ${header[0]}, older than ${ENCODING}`, true);
  }
  if (lines.length !== DIMENSIONS.length + 2) throw new DayAggregateEncodingError(`it is not encoding ${ENCODING}`);
  if (!Array.isArray(header) || header[0] !== ENCODING || header.length !== 9) throw new DayAggregateEncodingError(`it is not encoding ${ENCODING}`);
  const [, day, calls, alertCalls, sweepCalls, ratings, badRatings, kinds, [failedCalls, setupFailedCalls, droppedCalls]] = header as EncodedHeader;
  const aggregate = emptyDayAggregate(day);
  Object.assign(aggregate, { calls, alertCalls, sweepCalls, ratings, badRatings, failedCalls, setupFailedCalls, droppedCalls });
  STREAM_KINDS.forEach((kind, index) => {
    const [poor, classified, unclassified] = kinds[index] ?? [0, 0, 0];
    aggregate.kinds[kind] = { poor, classified, unclassified };
  });
  DIMENSIONS.forEach((dimension, index) => {
    if (!dimensions.includes(dimension)) return;
    for (const [name, poor, classified, callCount] of parse(lines[index + 1]!) as EncodedValue[]) {
      aggregate.values[dimension].set(name, { poor, classified, calls: callCount });
    }
  });
  if (dimensions.includes('people')) {
    for (const [id, name] of parse(lines.at(-1)!) as [string, string][]) aggregate.names.set(id, name);
  }
  return aggregate;
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new DayAggregateEncodingError('it is not JSON');
  }
}
