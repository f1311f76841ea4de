import assert from 'node:assert/strict';
import { CallScorer, resolveScoringOptions, scoreCallRecord, type JsonObject } from '../../src/quality';
import { loadFixture } from '../support/graph-fixtures';
import { callRecord, endpointWithFeedback, media, session } from './records';

const options = resolveScoringOptions();
const poor = { packetUtilization: 900, averageJitter: 'PT0.090S' };
const good = { packetUtilization: 900, averageJitter: 'PT0.010S' };

/**
 * Splits sessions into pages of `size`, each page after the first starting with the last session
 * of the page before when it has an id (Graph sometimes repeats one; a session without an id cannot
 * be told from a new one, so it is not repeated).
 */
function pagesOf(sessions: readonly unknown[], size: number): unknown[][] {
  const pages: unknown[][] = [];
  for (let start = 0; start < sessions.length; start += size) {
    const previous = sessions[start - 1] as JsonObject | undefined;
    pages.push([...(previous?.id ? [previous] : []), ...sessions.slice(start, start + size)]);
  }
  return pages;
}

function scoredByPages(record: JsonObject, size: number) {
  const scorer = new CallScorer(record, options);
  for (const page of pagesOf(record.sessions as unknown[], size)) scorer.addSessions(page);
  return scorer.report();
}

describe('CallScorer (page by page)', () => {
  it('gives what one-shot scoring gives, sessions repeated across pages judged once', () => {
    const sessions = [
      session('s1', [media('main-audio', [good, poor])], { caller: endpointWithFeedback('u1', 'Ann', { rating: 'poor', tokens: { Echo: true } }) }),
      session('s2', [media('main-audio', [good])], { failureInfo: { stage: 'midcall', reason: 'network dropped' } }),
      // No id: never taken for a repeat; its rating is keyed by its place among the sessions.
      { modalities: ['audio'], callee: endpointWithFeedback('u2', 'Ben', { rating: 'bad' }), segments: [{ id: 'x', media: [media('main-audio', [poor])] }] },
      session('s3', [media('main-video', [{ averageVideoFrameLossPercentage: 90 }])], { modalities: ['video'] }),
      session('s4', [media('main-audio', [good, good])]),
    ];
    const record = callRecord(sessions, { version: 4 });
    const oneShot = scoreCallRecord(record, options);
    for (const size of [1, 2, 3, 5]) assert.deepEqual(scoredByPages(record, size), oneShot, `pages of ${size}`);
    // By hand: s1 good+poor, s2 good, the id-less session poor, s3 poor video, s4 two good: 7 streams, 3 poor.
    const paged = scoredByPages(record, 2);
    assert.equal(paged.streams.length, 7);
    assert.equal(paged.streams.filter((stream) => stream.classification === 'poor').length, 3);
    assert.deepEqual(paged.feedback.map((entry) => entry.rating), ['poor', 'bad']);
    assert.deepEqual(paged.failures?.map((failure) => failure.sessionId), ['s2']);
  });

  it('agrees with one-shot scoring on Graph-shaped records', () => {
    for (const name of ['callrecord-v1-expanded-2024.json', 'callrecord-beta-expanded.json']) {
      const record = loadFixture(name);
      assert.ok(Array.isArray(record.sessions) && record.sessions.length > 0, `${name} has sessions`);
      assert.deepEqual(scoredByPages(record, 1), scoreCallRecord(record, options), name);
    }
  });

  it('scores nothing before the first page', () => {
    const report = new CallScorer({ id: 'c', version: 1 }, options).report();
    assert.deepEqual([report.callId, report.version, report.quality, report.alert, report.streams.length], ['c', 1, 'unclassified', false, 0]);
  });

  it('compacted after each page, keeps every poor stream and the first 40 of a kind, and counts the rest', () => {
    // 50 sessions of one audio stream: every tenth poor (sessions 0, 10, ... 40), then 10 sessions whose only stream is good video.
    const sessions = [
      ...Array.from({ length: 50 }, (_, index) => session(`a${index}`, [media('main-audio', [index % 10 === 0 ? poor : good])])),
      ...Array.from({ length: 10 }, (_, index) => session(`v${index}`, [media('main-video', [{ averageVideoFrameLossPercentage: 1 }])], { modalities: ['video'] })),
    ];
    const scorer = new CallScorer(callRecord(sessions, { version: 2 }), options);
    const kept: boolean[] = [];
    for (const page of pagesOf(sessions, 7)) {
      scorer.addSessions(page);
      kept.push(...scorer.compact());
    }
    const report = scorer.report();
    // By hand: streams 0-39 kept (the first 40 of a kind), then poor ones at 40; good audio 41-49 and all video dropped.
    assert.equal(kept.length, 60);
    assert.deepEqual(kept.flatMap((keep, index) => (keep ? [index] : [])), Array.from({ length: 41 }, (_, index) => index));
    assert.equal(report.streams.length, 41);
    assert.equal(report.quality, 'poor');
    assert.deepEqual(report.streamCounts?.audio, { poor: 5, good: 45, unclassified: 0 });
    assert.deepEqual(report.streamCounts?.video, { poor: 0, good: 10, unclassified: 0 });
  });

  it('compacted, calls a call good whose only good stream came after the first 40 (and was not kept)', () => {
    // 45 audio streams with no metrics (unclassified), then one good one: the 46th, not kept.
    const sessions = Array.from({ length: 45 }, (_, index) => session(`u${index}`, [media('main-audio', [{}])]));
    sessions.push(session('late', [media('main-audio', [good])]));
    const scorer = new CallScorer(callRecord(sessions), options);
    scorer.addSessions(sessions);
    scorer.compact();
    const report = scorer.report();
    assert.equal(report.streams.filter((stream) => stream.classification === 'good').length, 0);
    assert.equal(report.quality, 'good');
    assert.deepEqual(report.streamCounts?.audio, { poor: 0, good: 1, unclassified: 45 });
  });
});
