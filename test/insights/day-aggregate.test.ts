import assert from 'node:assert/strict';
import {
  aggregateDay,
  DayAggregateEncodingError,
  decodeDayAggregate,
  encodeDayAggregate,
  OUTSIDE_CORP,
  poorPercent,
  sumAggregates,
  UNKNOWN_SUBNET,
  type DayAggregate,
  type Dimension,
  type ValueCounts,
} from '../../src/insights';
import { OLGA, RAVI, SAM, sampleDay } from '../support/history-calls';

/** A dimension's values as a plain object, for comparing with what was worked out by hand. */
function valuesOf(aggregate: DayAggregate, dimension: Dimension): Record<string, ValueCounts> {
  return Object.fromEntries(aggregate.values[dimension]);
}

describe('day aggregates', () => {
  // Worked out from the three calls of sampleDay() (test/support/history-calls.ts), one stream at a time.
  const day = aggregateDay('2026-03-02', sampleDay());

  it('counts each call once, as its newest version: calls, alerts, sweep recoveries', () => {
    assert.equal(day.day, '2026-03-02');
    assert.equal(day.calls, 3, 'A, B (version 2 only) and C');
    assert.equal(day.alertCalls, 2, 'A and C; B version 2 raised none');
    assert.equal(day.sweepCalls, 1, 'B');
  });

  it('counts failed calls once each, and those that could not be set up or dropped', () => {
    assert.equal(day.failedCalls, 2, 'B (version 2) and C; B version 1 does not count');
    assert.equal(day.setupFailedCalls, 1, 'B');
    assert.equal(day.droppedCalls, 1, 'C, whose two dropped sessions are one call');
  });

  it('counts ratings given (notRated is no answer) and bad ones (bad or poor)', () => {
    assert.equal(day.ratings, 3, 'Olga bad, Ravi good, Sam poor');
    assert.equal(day.badRatings, 2, 'Olga bad, Sam poor');
  });

  it('counts poor, classified and unclassified streams per kind', () => {
    assert.deepEqual(day.kinds, {
      audio: { poor: 3, classified: 6, unclassified: 0 }, // A 1 poor 1 good, B 2 good, C 2 poor
      video: { poor: 1, classified: 2, unclassified: 1 }, // A 1 poor 1 unclassified, C 1 good
      vbss: { poor: 1, classified: 1, unclassified: 0 }, // B
    });
  });

  it('counts a stream once for each distinct building on its ends, and the server for none', () => {
    assert.deepEqual(valuesOf(day, 'sites'), {
      HQ: { poor: 4, classified: 6, calls: 2 },
      Branch: { poor: 2, classified: 5, calls: 2 },
      [OUTSIDE_CORP]: { poor: 1, classified: 1, calls: 1 },
    });
  });

  it('names networks by subnet, with the building file\'s network name when there is one', () => {
    assert.deepEqual(valuesOf(day, 'networks'), {
      '10.1.0.0 (HQ Floor 1)': { poor: 4, classified: 6, calls: 2 },
      '10.2.0.0': { poor: 2, classified: 5, calls: 2 },
      [UNKNOWN_SUBNET]: { poor: 1, classified: 1, calls: 1 },
    });
  });

  it('counts connection types and devices (product / platform)', () => {
    assert.deepEqual(valuesOf(day, 'connections'), {
      'wifi-5GHz': { poor: 4, classified: 6, calls: 2 },
      wired: { poor: 4, classified: 8, calls: 3 },
      wifi: { poor: 1, classified: 1, calls: 1 },
    });
    assert.deepEqual(valuesOf(day, 'devices'), {
      'teams / windows': { poor: 5, classified: 9, calls: 3 }, // Olga→Sam counts once although both ends run it
      'teams / macOS': { poor: 2, classified: 3, calls: 1 },
      'teams / web': { poor: 1, classified: 1, calls: 1 },
    });
  });

  it('counts people by Entra id (guests without one are nobody) and keeps their names', () => {
    assert.deepEqual(valuesOf(day, 'people'), {
      [OLGA.userId!]: { poor: 4, classified: 6, calls: 2 },
      [RAVI.userId!]: { poor: 2, classified: 3, calls: 1 },
      [SAM.userId!]: { poor: 2, classified: 5, calls: 2 },
    });
    assert.deepEqual(Object.fromEntries(day.names), { [OLGA.userId!]: 'Olga Ahlgren', [RAVI.userId!]: 'Ravi Bose', [SAM.userId!]: 'Sam Chen' });
  });

  it('does not care in which order the versions of a call come', () => {
    const [a, bOld, b, c] = sampleDay();
    assert.deepEqual(aggregateDay('2026-03-02', [c!, b!, a!, bOld!]), day);
  });

  it('is empty for a day without calls', () => {
    const empty = aggregateDay('2026-03-03', []);
    assert.equal(empty.calls, 0);
    assert.deepEqual(empty.kinds.audio, { poor: 0, classified: 0, unclassified: 0 });
    assert.equal(empty.values.sites.size, 0);
  });

  it('adds days up: the same day twice is twice the counts', () => {
    const twice = sumAggregates([day, day]);
    assert.equal(twice.calls, 6);
    assert.equal(twice.badRatings, 4);
    assert.deepEqual([twice.failedCalls, twice.setupFailedCalls, twice.droppedCalls], [4, 2, 2]);
    assert.deepEqual(twice.kinds.audio, { poor: 6, classified: 12, unclassified: 0 });
    assert.deepEqual(twice.values.sites.get('HQ'), { poor: 8, classified: 12, calls: 4 });
  });

  it('computes CQD\'s poor % as poor ÷ classified, null when nothing was classified', () => {
    assert.equal(poorPercent({ poor: 3, classified: 6 }), 50);
    assert.equal(poorPercent({ poor: 0, classified: 0 }), null);
  });

  it('encodes to compact text and decodes exactly', () => {
    const text = encodeDayAggregate(day);
    assert.deepEqual(decodeDayAggregate(text), day);
    assert.ok(!text.includes('"poor"'), 'no property names');
  });

  it('reads only the dimensions asked for: a trend reads the counts alone', () => {
    const text = encodeDayAggregate(day);
    const counts = decodeDayAggregate(text, []);
    assert.deepEqual({ ...counts, values: undefined, names: undefined }, { ...day, values: undefined, names: undefined }, 'every count');
    assert.equal(counts.values.sites.size + counts.values.people.size + counts.names.size, 0, 'no dimension');
    const sites = decodeDayAggregate(text, ['sites']);
    assert.deepEqual(sites.values.sites, day.values.sites);
    assert.equal(sites.values.people.size, 0);
    const people = decodeDayAggregate(text, ['people']);
    assert.deepEqual(people.values.people, day.values.people);
    assert.deepEqual(people.names, day.names, 'the names come with the people');
  });

  it('refuses text that is not an aggregate, saying so', () => {
    assert.throws(() => decodeDayAggregate('nope'), DayAggregateEncodingError);
    assert.throws(() => decodeDayAggregate('[4,"2026-03-02"]'), /could not be read: it is not encoding 3/);
    assert.throws(() => decodeDayAggregate(['[3,"2026-03-02"', '[]', '[]', '[]', '[]', '[]', '[]'].join('\n')), /could not be read: it is not JSON/);
  });

  it('refuses an aggregate cached before failed calls were counted as outdated, so the day is recomputed', () => {
    // Encoding 2 as it was: the counts line without the failed calls.
    const old = ['[2,"2026-03-02",3,2,1,3,2,[[3,6,0],[1,2,1],[1,1,0]]]', '[]', '[]', '[]', '[]', '[]', '[]'].join('\n');
    assert.throws(
      () => decodeDayAggregate(old),
      (error: unknown) => error instanceof DayAggregateEncodingError && error.outdated && /it is encoding 2, older than 3/.test(error.message),
    );
    assert.throws(() => decodeDayAggregate('[4,"2026-03-02"]'), (error: unknown) => error instanceof DayAggregateEncodingError && !error.outdated);
  });
});
