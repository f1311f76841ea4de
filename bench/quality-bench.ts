/**
 * The quality engine: scores generated call records of 1, 60, 600 and 6,000 sessions and compares
 * the scoring time with the `JSON.parse` time of the same bytes (the cost the engine adds to work
 * the service does anyway). Targets (issue 13): scoring at most 0.3 of parsing at every size, and
 * a cost per stream within 1.5 × from 60 to 6,000 sessions. Then a 6,000-session meeting processed
 * end to end in a process of its own: its peak RSS over idle and its stored report row's size,
 * three times with the heap as Node sizes it for this machine and three as shipped (`npm start`'s flags: as on B1), alternating.
 * Beside the one-shot figures, the worker's path: the same records as Graph pages them (60 sessions
 * a page), each page parsed then scored through `CallScorer` (compacted after each page, as the
 * worker does), parse and scoring per stream apart.
 */
import { asArray, asObject, CallScorer, resolveScoringOptions, scoreCallRecord, streamCountsOf } from '../src/quality';
import type { BenchResult, BenchSection } from './bench-section';
import { HEAP_SIZINGS, measureBySizing } from './heap-sizing';
import { measureLargeMeeting } from './large-meeting-memory';
import { generateCallRecord } from './records';
import { median, spread, timerOverheadNs } from './timing';

const SIZES = [1, 60, 600, 6_000];
const RATIO_TARGET = 0.3;
/** The meeting processed end to end, and its targets (issue 13). */
const MEETING_SESSIONS = 6_000;
const MEETING_RSS_TARGET_MB = 64;
/** Runs of the large meeting with each heap sizing. */
const MEETING_RUNS = 3;
const MEETING_ROW_TARGET_BYTES = 2 ** 20;
/** The cost per stream of the largest record may be at most this many times that of 60 sessions. */
const FLATNESS_TARGET = 1.5;
/** Each timed round lasts about this long, so that timer resolution and one-off pauses stay small. */
const BATCH_MS = 100;
const ROUNDS = 15;
const WARM_UP_MS = 400;

/**
 * A control for the largest size: as many sessions as the largest record, split into records of 60.
 * The work per stream is the same; only the size of each record differs, which separates the cost
 * of the engine's own work from the cost of walking one very large object graph.
 */
const CONTROL = { records: 100, sessionsEach: 60 };

interface CaseFigures {
  label: string;
  records: number;
  streams: number;
  bytes: number;
  /** Nanoseconds to parse every record of the case once. */
  parseNs: number;
  /** Nanoseconds to score every record of the case once, right after parsing it. */
  scoreNs: number;
  ratio: number;
  /** Nanoseconds to score every record once more, the objects already scored (hot in the caches). */
  hotScoreNs: number;
}

/**
 * Measures a set of records the way the service handles them: each text is parsed and the fresh
 * object is scored at once, both timed. Re-scoring one object again and again would flatter small
 * records, which then sit in the CPU caches; a record that was just parsed is what the engine gets.
 * Rounds of about BATCH_MS, medians of the rounds, the cost of reading the timer taken off.
 * Each round also re-scores objects parsed beforehand ("hot"): the engine's own CPU cost, without
 * cache misses on a new object graph or the collection of the parser's garbage.
 */
function measureCase(label: string, texts: readonly string[]): CaseFigures {
  const options = resolveScoringOptions();
  const timerNs = timerOverheadNs();
  let streams = 0;
  for (const text of texts) streams += scoreCallRecord(JSON.parse(text), options).streams.length;
  const pipeline = (): { parseNs: number; scoreNs: number } => {
    let parseNs = 0n;
    let scoreNs = 0n;
    for (const text of texts) {
      const start = process.hrtime.bigint();
      const record: unknown = JSON.parse(text);
      const parsed = process.hrtime.bigint();
      const report = scoreCallRecord(record, options);
      const scored = process.hrtime.bigint();
      if (report.streams.length < 0) throw new Error('Unreachable: keeps the report observable.');
      parseNs += parsed - start;
      scoreNs += scored - parsed;
    }
    return { parseNs: Number(parseNs) - timerNs * texts.length, scoreNs: Number(scoreNs) - timerNs * texts.length };
  };

  const parsedRecords: unknown[] = texts.map((text) => JSON.parse(text));
  const rescore = (): number => {
    const start = process.hrtime.bigint();
    for (const record of parsedRecords) scoreCallRecord(record, options);
    return Number(process.hrtime.bigint() - start);
  };

  const warmUntil = process.hrtime.bigint() + BigInt(WARM_UP_MS * 1e6);
  while (process.hrtime.bigint() < warmUntil) {
    pipeline();
    rescore();
  }
  const once = pipeline();
  const iterations = Math.max(1, Math.round((BATCH_MS * 1e6) / (once.parseNs + once.scoreNs)));
  const hotIterations = Math.max(1, Math.round((BATCH_MS * 1e6) / (2 * rescore())));
  const parseSamples: number[] = [];
  const scoreSamples: number[] = [];
  const hotSamples: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let hotNs = 0;
    for (let iteration = 0; iteration < hotIterations; iteration += 1) hotNs += rescore();
    hotSamples.push(hotNs / hotIterations);
    let parseNs = 0;
    let scoreNs = 0;
    for (let iteration = 0; iteration < iterations; iteration += 1) {
      const run = pipeline();
      parseNs += run.parseNs;
      scoreNs += run.scoreNs;
    }
    parseSamples.push(parseNs / iterations);
    scoreSamples.push(scoreNs / iterations);
    ratios.push(scoreNs / parseNs);
  }
  return {
    label,
    records: texts.length,
    streams,
    bytes: texts.reduce((total, text) => total + Buffer.byteLength(text), 0),
    parseNs: median(parseSamples),
    scoreNs: median(scoreSamples),
    ratio: median(ratios),
    hotScoreNs: median(hotSamples),
  };
}

/** Sessions per page, as Graph pages a record's sessions. */
const PAGE_SESSIONS = 60;

/** A record as Graph sends it page by page: the record with its first sessions, then pages of `{ value }`. */
function pageTexts(record: Record<string, unknown>): string[] {
  const sessions = asArray(record.sessions);
  const pages = [JSON.stringify({ ...record, sessions: sessions.slice(0, PAGE_SESSIONS) })];
  for (let start = PAGE_SESSIONS; start < sessions.length; start += PAGE_SESSIONS) pages.push(JSON.stringify({ value: sessions.slice(start, start + PAGE_SESSIONS) }));
  return pages;
}

/**
 * The path the inbox worker takes: each page parsed, then its sessions scored through
 * {@link CallScorer} and the page dropped; parse and scoring timed apart. Medians of rounds of
 * about BATCH_MS over the whole record, the cost of reading the timer taken off.
 */
function measurePagedCase(label: string, pages: readonly string[]): CaseFigures {
  const options = resolveScoringOptions();
  const timerNs = timerOverheadNs();
  const run = (): { parseNs: number; scoreNs: number; streams: number } => {
    let parseNs = 0n;
    let scoreNs = 0n;
    let scorer: CallScorer | undefined;
    for (const text of pages) {
      const start = process.hrtime.bigint();
      const page = asObject(JSON.parse(text)) ?? {};
      const parsed = process.hrtime.bigint();
      scorer ??= new CallScorer(page, options);
      scorer.addSessions(asArray(page.sessions ?? page.value));
      // As the worker does: only what the stored row keeps stays (every stream counted).
      scorer.compact();
      scoreNs += process.hrtime.bigint() - parsed;
      parseNs += parsed - start;
    }
    const start = process.hrtime.bigint();
    const counts = scorer ? streamCountsOf(scorer.report()) : undefined;
    const streams = counts ? Object.values(counts).reduce((total, count) => total + count.poor + count.good + count.unclassified, 0) : 0;
    scoreNs += process.hrtime.bigint() - start;
    return { parseNs: Number(parseNs) - timerNs * pages.length, scoreNs: Number(scoreNs) - timerNs * (pages.length + 1), streams };
  };
  const warmUntil = process.hrtime.bigint() + BigInt(WARM_UP_MS * 1e6);
  while (process.hrtime.bigint() < warmUntil) run();
  const once = run();
  const iterations = Math.max(1, Math.round((BATCH_MS * 1e6) / (once.parseNs + once.scoreNs)));
  const parseSamples: number[] = [];
  const scoreSamples: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let parseNs = 0;
    let scoreNs = 0;
    for (let iteration = 0; iteration < iterations; iteration += 1) {
      const figures = run();
      parseNs += figures.parseNs;
      scoreNs += figures.scoreNs;
    }
    parseSamples.push(parseNs / iterations);
    scoreSamples.push(scoreNs / iterations);
  }
  const parseNs = median(parseSamples);
  const scoreNs = median(scoreSamples);
  const bytes = pages.reduce((total, text) => total + Buffer.byteLength(text), 0);
  return { label, records: pages.length, streams: once.streams, bytes, parseNs, scoreNs, ratio: scoreNs / parseNs, hotScoreNs: Number.NaN };
}

/** The `quality` benchmark section. */
export const qualityBench: BenchSection = {
  name: 'quality',
  description:
    'scoreCallRecord on generated records (audio/video/VBSS, two streams per media, every Graph property), ' +
    `each record parsed then scored at once, both timed; medians of ${ROUNDS} rounds of ~${BATCH_MS} ms after a ${WARM_UP_MS} ms warm-up; ` +
    `then a ${MEETING_SESSIONS.toLocaleString('en-US')}-session meeting fetched (loopback Graph, 60 sessions a page), scored and stored (SQLite) by the real client and worker in a fresh process: ` +
    'peak RSS (the kernel\'s maxRSS, read before the row is read back) over the RSS after a small call, and the stored row\'s bytes in the SQLite file (its report and summary columns as the engine encodes them); ' +
    `${MEETING_RUNS} runs with the heap as Node sizes it for this machine and ${MEETING_RUNS} as shipped (npm start's flags: as on B1), alternating`,
  async run(): Promise<BenchResult[]> {
    const sized = SIZES.map((sessions) =>
      measureCase(`${sessions.toLocaleString('en-US')} session${sessions === 1 ? '' : 's'}`, [JSON.stringify(generateCallRecord(sessions))]),
    );
    const control = measureCase(
      `control: ${CONTROL.records} records × ${CONTROL.sessionsEach} sessions`,
      Array.from({ length: CONTROL.records }, (_, index) => JSON.stringify(generateCallRecord(CONTROL.sessionsEach, index + 1))),
    );
    const perStream = (figures: CaseFigures) => figures.scoreNs / figures.streams / 1000;
    const reference = sized[1]!;
    const scoring = [...sized, control].map((figures, index) => ({
      case: figures.label,
      figures: {
        streams: figures.streams,
        'JSON KB': figures.bytes / 1024,
        'parse ms': figures.parseNs / 1e6,
        'score ms': figures.scoreNs / 1e6,
        'records/s': (figures.records * 1e9) / figures.scoreNs,
        'µs/stream': perStream(figures),
        'score/parse': figures.ratio,
        'hot µs/stream': figures.hotScoreNs / figures.streams / 1000,
      },
      targets: [
        { description: `score/parse ≤ ${RATIO_TARGET}`, met: figures.ratio <= RATIO_TARGET },
        ...(index > 1 && index < sized.length
          ? [
              {
                description: `µs/stream ≤ ${FLATNESS_TARGET}× that of ${reference.label}`,
                met: perStream(figures) <= FLATNESS_TARGET * perStream(reference),
              },
            ]
          : []),
      ],
    }));
    // The worker's path: pages of 60 parsed and scored one after the other (CallScorer), for 60, 600 and 6,000 sessions.
    const paged = SIZES.filter((sessions) => sessions >= PAGE_SESSIONS).map((sessions) =>
      measurePagedCase(`page by page: ${sessions.toLocaleString('en-US')} sessions`, pageTexts(generateCallRecord(sessions))),
    );
    const pagedReference = paged[0]!;
    const pagedScoring = paged.map((figures, index) => ({
      case: figures.label,
      figures: {
        streams: figures.streams,
        pages: figures.records,
        'parse µs/stream': figures.parseNs / figures.streams / 1000,
        'score µs/stream': perStream(figures),
        'score/parse': figures.ratio,
      },
      targets: [
        { description: `score/parse ≤ ${RATIO_TARGET}`, met: figures.ratio <= RATIO_TARGET },
        ...(index > 0 ? [{ description: `score µs/stream ≤ ${FLATNESS_TARGET}× that of 60 sessions page by page`, met: perStream(figures) <= FLATNESS_TARGET * perStream(pagedReference) }] : []),
      ],
    }));
    // The meeting three times with each heap sizing (`heap-sizing.ts`), side by side, in alternating order.
    const meetings = await measureBySizing(MEETING_RUNS, (nodeArgs) => measureLargeMeeting(MEETING_SESSIONS, nodeArgs));
    const meetingCases = HEAP_SIZINGS.map((sizing, which): BenchResult => {
      const runs = meetings[which]!;
      const overIdle = runs.map((meeting) => meeting.maxRssMb - meeting.idleRssMb);
      for (const meeting of runs) {
        const space = (name: string) => (meeting.atPeak[`${name}SizeMb`] ?? Number.NaN).toFixed(1);
        process.stdout.write(
          `  the meeting, ${sizing.label}, at its highest RSS sample (${(meeting.atPeak.atSecond ?? Number.NaN).toFixed(1)} s): V8 new space ${space('new_space')} MB, old space ${space('old_space')}, ` +
            `large objects ${space('large_object_space')} + ${space('new_large_object_space')} young, outside the heap ${(meeting.atPeak.externalMb ?? Number.NaN).toFixed(1)} MB; ` +
            `heap in use after a full collection ${meeting.liveHeapAfterMb.toFixed(1)} MB (idle ${meeting.idleHeapMb.toFixed(1)})\n`,
        );
      }
      const rowBytes = Math.max(...runs.map((meeting) => meeting.rowBytes));
      return {
        case: `${MEETING_SESSIONS.toLocaleString('en-US')}-session meeting, end to end, ${sizing.label}`,
        figures: {
          ...spread('idle RSS MB', runs.map((meeting) => meeting.idleRssMb)),
          ...spread('peak − idle MB', overIdle),
          'heap in use MB, idle (median)': median(runs.map((meeting) => meeting.idleHeapMb)),
          'heap in use MB after, full GC (median)': median(runs.map((meeting) => meeting.liveHeapAfterMb)),
          'row KB': rowBytes / 1024,
          'poor streams': runs[0]!.poorStreams,
          'judged streams': runs[0]!.judgedStreams,
          ...spread('process s', runs.map((meeting) => meeting.seconds)),
        },
        targets: [
          { description: `peak RSS ≤ idle + ${MEETING_RSS_TARGET_MB} MB (median)`, met: median(overIdle) <= MEETING_RSS_TARGET_MB },
          { description: 'stored row < 1 MB', met: rowBytes < MEETING_ROW_TARGET_BYTES },
        ],
      };
    });
    return [
      ...scoring,
      ...pagedScoring,
      ...meetingCases,
    ];
  },
};
