/**
 * Computes the golden values of test/ingest/paged-golden.test.ts from an older build, the one
 * before the worker scored a record page by page (5477af2): the whole record scored
 * (`scoreCallRecord`), summarized (`summarizeCall`), its history built and encoded
 * (`callHistoryOf`, `encodeCallHistory`, `peopleOf`) and stored compact (`storedReportOf`), as that
 * build's inbox worker did. Nothing of this checkout's src/ is loaded; the inputs (the shared
 * fixtures, bench/records.ts of the base checkout) are seeded and listed in paged-golden-cases.ts.
 *
 *   git worktree add /tmp/base-5477af2 5477af2 && ln -s <repo>/node_modules /tmp/base-5477af2/node_modules
 *   npx tsx test/support/golden/make-paged-golden.ts /tmp/base-5477af2 test/fixtures/paged-golden/paged-golden.json.gz
 *
 * The base's modules are loaded from its sources by tsx (run this script with tsx).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import {
  GOLDEN_CALL_ID,
  GOLDEN_CASES,
  GOLDEN_NOW,
  GOLDEN_PAGE_SIZE,
  GOLDEN_SOURCE,
  GOLDEN_TENANT,
  goldenEntryOf,
  goldenPlace,
  recordOfCase,
  type GoldenFile,
  type GoldenParts,
} from './paged-golden-cases';

type Json = Record<string, unknown>;
type Report = { alert: boolean; packedStreams?: unknown };

/** What the script uses of the base build, as its modules export it. */
interface BaseBuild {
  scoreCallRecord: (record: unknown, options: unknown) => Report;
  resolveScoringOptions: () => unknown;
  alertDue: (report: Report, policy: { failures: boolean }) => boolean;
  summarizeCall: (record: unknown, options: { place: typeof goldenPlace }) => unknown;
  callHistoryOf: (input: { record: unknown; report: Report; tenantId: string; source: string; place: typeof goldenPlace; alert: boolean }) => Json;
  encodeCallHistory: (call: Json) => string;
  peopleOf: (call: Json) => unknown;
  storedReportOf: (call: { tenantId: string; callId: string }, record: unknown, report: Report, summary: unknown, processedAt: number, alert: boolean) => Json;
  generateCallRecord: (sessions: number, seed: number) => Json;
}

async function loadBase(root: string): Promise<BaseBuild> {
  const load = async (file: string) => (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
  const [quality, alerts, insights, stored, records] = await Promise.all([
    load('src/quality/index.ts'),
    load('src/alerts/index.ts'),
    load('src/insights/index.ts'),
    load('src/ingest/stored-report.ts'),
    load('bench/records.ts'),
  ]);
  return { ...quality, ...alerts, ...insights, ...stored, ...records } as unknown as BaseBuild;
}

/** The base's worker on one merged record (5477af2, ingest/inbox-worker.ts `processInSpan` and `historyOf`). */
function baseParts(base: BaseBuild, record: Json): GoldenParts {
  const report = base.scoreCallRecord(record, base.resolveScoringOptions());
  const alert = base.alertDue(report, { failures: true });
  const call: Json = { ...base.callHistoryOf({ record, report, tenantId: GOLDEN_TENANT, source: GOLDEN_SOURCE, place: goldenPlace, alert }), callId: GOLDEN_CALL_ID };
  const stored = base.storedReportOf({ tenantId: GOLDEN_TENANT, callId: GOLDEN_CALL_ID }, record, report, base.summarizeCall(record, { place: goldenPlace }), GOLDEN_NOW, alert);
  if ((stored.report as Report).packedStreams !== undefined) throw new Error('The base build packed a stored report: this script expects the build before packing (5477af2).');
  const { summary, ...rest } = stored;
  return { stored: rest, summary, history: { summary: base.encodeCallHistory(call), people: base.peopleOf(call), startedAt: call.startedAt } };
}

async function main(): Promise<void> {
  const [baseArg, outArg] = process.argv.slice(2);
  if (!baseArg || !outArg) throw new Error('Usage: tsx test/support/golden/make-paged-golden.ts <base checkout> <out .json.gz>');
  const root = resolve(baseArg);
  const baseCommit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const base = await loadBase(root);
  const fixtures = resolve(__dirname, '../../../../shared/fixtures/graph');
  const entries = GOLDEN_CASES.map((goldenCase) => {
    const record = recordOfCase(goldenCase, fixtures, base.generateCallRecord);
    return goldenEntryOf(goldenCase, record, baseParts(base, record));
  });
  const file: GoldenFile = {
    about: 'Golden values of the page-by-page assessment, computed by test/support/golden/make-paged-golden.ts from the build before it existed (whole record scored, summarized, recorded, stored compact). Do not edit by hand.',
    baseCommit,
    generator: 'bench/records.ts generateCallRecord(sessions, seed) of the base commit; seeds per case',
    pageSize: GOLDEN_PAGE_SIZE,
    now: GOLDEN_NOW,
    tenantId: GOLDEN_TENANT,
    callId: GOLDEN_CALL_ID,
    entries,
  };
  const json = `${JSON.stringify(file, null, 1)}\n`;
  writeFileSync(outArg, outArg.endsWith('.gz') ? gzipSync(json, { level: 9 }) : json);
  console.log(`${outArg}: ${entries.length} cases, ${json.length} bytes of JSON`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
