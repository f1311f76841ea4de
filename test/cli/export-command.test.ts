import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseExportArguments } from '../../src/cli/export-command';
import { EXPORT_COLUMNS } from '../../src/insights';
import { openSqliteStore } from '../../src/store';
import { keepCall, KEPT_TENANT, olgaCallsRay } from '../support/kept-calls';
import { runAsProcess, runInProcess } from './cli-harness';

const OTHER_TENANT = 'ffffffff-0000-4000-8000-000000000001';
const DAY_ONE = Date.UTC(2026, 2, 2);
const HOUR = 3_600_000;

describe('cli export', function () {
  this.timeout(30_000);
  let dataDir: string;
  const saved = { ...process.env };

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-cli-export-'));
    process.env.DATA_DIR = dataDir;
    const store = openSqliteStore({ dataDir });
    try {
      for (let i = 0; i < 6; i += 1) await keepCall(store, olgaCallsRay(`call-${i}`, DAY_ONE + i * 12 * HOUR));
      await keepCall(store, olgaCallsRay('other-tenant', DAY_ONE + HOUR, { tenantId: OTHER_TENANT }));
    } finally {
      await store.close();
    }
  });
  after(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the CSV of a range to stdout, every tenant unless told, and counts on stderr', async () => {
    // call-0 .. call-5 start every 12 hours from 2026-03-02 00:00; until 2026-03-03 12:00 takes call-0..call-2.
    const outcome = await runInProcess(['export', '--since', '2026-03-02', '--until', '2026-03-03T12:00:00Z']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const [header, ...rows] = parse(outcome.stdout) as string[][];
    assert.deepEqual(header, [...EXPORT_COLUMNS]);
    const callIds = rows.map((row) => row[EXPORT_COLUMNS.indexOf('Conference ID')]);
    assert.deepEqual(callIds.sort(), ['call-0', 'call-0', 'call-1', 'call-1', 'call-2', 'call-2', 'other-tenant', 'other-tenant']);
    assert.equal(outcome.stderr, 'Exported 8 streams.\n');
  });

  it('exports one tenant as JSON lines', async () => {
    const outcome = await runInProcess(['export', '--since', '2026-03-02T00:00:00Z', '--until', '2026-03-02T02:00:00+00:00', '--tenant', OTHER_TENANT, '--format', 'jsonl']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const rows = outcome.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(
      rows.map((row) => [row['Tenant Id'], row['Conference ID'], row['Media Type']]),
      [
        [OTHER_TENANT, 'other-tenant', 'Audio'],
        [OTHER_TENANT, 'other-tenant', 'Audio'],
      ],
    );
  });

  it('streams to a real standard output (a pipe), as a process', async () => {
    const outcome = await runAsProcess(['export', '--since', '2026-03-04', '--tenant', KEPT_TENANT]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const [, ...rows] = parse(outcome.stdout) as string[][];
    // call-4 and call-5 start on 2026-03-04; --until is now.
    assert.deepEqual([...new Set(rows.map((row) => row[EXPORT_COLUMNS.indexOf('Conference ID')]))], ['call-4', 'call-5']);
  });

  it('refuses bad arguments with one line and exit code 2, writing nothing to stdout', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['export'], /^Usage: export --since <ISO>/],
      [['export', '--since', '2026-02-30'], /^--since "2026-02-30" is not an ISO 8601 date/],
      [['export', '--since', '2026-03-01T09:00'], /^--since "2026-03-01T09:00" is not an ISO 8601 date \(2026-03-01\) or date-time with a zone/],
      [['export', '--since', 'last week'], /^--since "last week" is not/],
      [['export', '--since', '2026-03-02', '--until', '2026-03-01'], /^--until \(2026-03-01T00:00:00\.000Z\) must be after --since \(2026-03-02T00:00:00\.000Z\)\./],
      [['export', '--since', '2026-03-02', '--format', 'xlsx'], /^--format "xlsx" is not csv or jsonl\./],
      [['export', '--since', '2026-03-02', '--tenant', 'contoso'], /^--tenant "contoso" is not a tenant id \(a GUID\)\./],
      [['export', '--since', '2026-03-02', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [argv, says] of cases) {
      const outcome = await runInProcess(argv);
      assert.equal(outcome.code, 2, argv.join(' '));
      assert.equal(outcome.stdout, '', argv.join(' '));
      assert.match(outcome.stderr, /^[^\n]+\n$/, `one line for ${argv.join(' ')}`);
      assert.match(outcome.stderr, says);
    }
  });

  it('ends the range now unless --until is given', () => {
    const now = Date.UTC(2026, 2, 10, 12);
    assert.deepEqual(parseExportArguments(['--since', '2026-03-09'], now), { since: Date.UTC(2026, 2, 9), until: now, tenant: null, format: 'csv' });
  });
});
