import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { exportRows, writeExport } from '../../src/history';
import { encodeCallHistory, EXPORT_COLUMNS, type ExportRow } from '../../src/insights';
import { openSqliteStore, type CallHistoryRecord, type HistoryStore, type Store } from '../../src/store';
import { keepCall, KEPT_TENANT, olgaCallsRay, OLGA, RAY } from '../support/kept-calls';

const HOUR = 3_600_000;
const DAY_ONE = Date.UTC(2026, 2, 2);

/** A writable that keeps what it is given. */
function collector(): { output: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    output: new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

/** The history, counting the calls its readers have taken from `listCalls` so far. */
function countingReads(history: HistoryStore): { history: HistoryStore; read: () => number } {
  let read = 0;
  const counted = new Proxy(history, {
    get(target, property, receiver) {
      if (property !== 'listCalls') return Reflect.get(target, property, receiver);
      return (tenantId: string, fromDay: string, toDay: string) => ({
        async *[Symbol.asyncIterator]() {
          for await (const record of target.listCalls(tenantId, fromDay, toDay)) {
            read += 1;
            yield record;
          }
        },
      });
    },
  });
  return { history: counted, read: () => read };
}

describe('history export', () => {
  let store: Store;

  beforeEach(() => {
    // Pages of 4 calls, so that a handful of calls crosses pages.
    store = openSqliteStore({ path: ':memory:' }, { historyPageSize: 4 });
  });
  afterEach(() => store.close());

  it('exports every stream of calls over several pages and days, in order, and only those that started in the range', async () => {
    // Eleven calls, one every 5 hours from 2026-03-02 00:00 UTC: three days, three pages.
    const starts = Array.from({ length: 11 }, (_, i) => DAY_ONE + i * 5 * HOUR);
    for (const [i, startedAt] of starts.entries()) await keepCall(store, olgaCallsRay(`call-${i}`, startedAt, { poor: i % 2 === 0 }));
    // Another tenant's call in the same hours is not exported when one tenant is asked for.
    await keepCall(store, olgaCallsRay('elsewhere', DAY_ONE + HOUR, { tenantId: 'ffffffff-0000-4000-8000-000000000001' }));

    // From 05:00 on the first day (call-1) to the start of call-10, excluded.
    const since = DAY_ONE + 5 * HOUR;
    const until = starts[10]!;
    const sink = collector();
    const rows = await writeExport(exportRows(store.history, { tenants: [KEPT_TENANT], since, until }), 'jsonl', sink.output);
    const lines = sink.text().trimEnd().split('\n').map((line) => JSON.parse(line) as ExportRow);

    const expectedCalls = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert.equal(rows, expectedCalls.length * 2);
    assert.deepEqual(
      lines.map((row) => [row['Conference ID'], row['Start Time'], row['Stream Direction'], row.Poor, row['First UPN'], row['Second UPN']]),
      expectedCalls.flatMap((i) => {
        const start = new Date(DAY_ONE + i * 5 * HOUR).toISOString();
        // Olga calls Ray: she is First (the caller) in both rows; her stream to Ray is poor on even calls.
        return [
          [`call-${i}`, start, 'First-to-Second', i % 2 === 0, OLGA.upn, RAY.upn],
          [`call-${i}`, start, 'Second-to-First', false, OLGA.upn, RAY.upn],
        ];
      }),
    );
    // One whole row, worked out from olgaCallsRay: call-2 starts at 10:00 and lasts 30 minutes.
    assert.deepEqual(lines[2], {
      'Tenant Id': KEPT_TENANT,
      'Conference ID': 'call-2',
      'Call Version': 1,
      Date: '2026-03-02',
      'Start Time': '2026-03-02T10:00:00.000Z',
      'End Time': '2026-03-02T10:30:00.000Z',
      'Call Type': 'peerToPeer',
      'Call Quality': 'poor',
      'Call Alert': true,
      'Quality Profile': 'cqd',
      'Media Type': 'Audio',
      'Stream Direction': 'First-to-Second',
      Poor: true,
      Good: false,
      Unclassified: false,
      'Poor Reasons': 'averageJitter 45 ms > 30 ms',
      'First User ObjectId': OLGA.id,
      'First UPN': OLGA.upn,
      'First User Name': OLGA.name,
      'First Building Name': 'HQ',
      'First Network Name': 'HQ Floor 2',
      'First Subnet': '10.1.2.0',
      'First IP Address': '10.1.2.3',
      'First Network Connection Detail': 'Wired',
      'First WiFi Band': null,
      'First Relayed': false,
      'First Platform': 'windows',
      'First Endpoint Product Name': 'teams',
      'First Feedback Rating': null,
      'First Feedback Tokens': null,
      'Second User ObjectId': RAY.id,
      'Second UPN': RAY.upn,
      'Second User Name': RAY.name,
      'Second Building Name': null,
      'Second Network Name': null,
      'Second Subnet': '192.168.1.0',
      'Second IP Address': '192.168.1.20',
      'Second Network Connection Detail': 'WiFi',
      'Second WiFi Band': '5 GHz',
      'Second Relayed': false,
      'Second Platform': 'macOS',
      'Second Endpoint Product Name': 'teams',
      'Second Feedback Rating': null,
      'Second Feedback Tokens': null,
    });
  });

  it('writes CSV with CQD-named columns, TRUE/FALSE, quoted commas and formulas made harmless', async () => {
    const call = olgaCallsRay('call-csv', DAY_ONE, { rating: 'bad' });
    call.endpoints[1]!.name = '=HYPERLINK("http://evil.example","Ray")';
    call.ratings[0]!.tokens = ['Echo', 'Noise'];
    await keepCall(store, call);
    const sink = collector();
    await writeExport(exportRows(store.history, { tenants: [KEPT_TENANT], since: DAY_ONE, until: DAY_ONE + HOUR }), 'csv', sink.output);
    const [header, first, second, ...rest] = parse(sink.text()) as string[][];
    assert.deepEqual(header, [...EXPORT_COLUMNS]);
    assert.equal(rest.length, 0);
    const cell = (row: string[], column: string) => row[EXPORT_COLUMNS.indexOf(column as (typeof EXPORT_COLUMNS)[number])];
    assert.equal(cell(first!, 'Poor'), 'TRUE');
    assert.equal(cell(second!, 'Poor'), 'FALSE');
    assert.equal(cell(first!, 'Second User Name'), `'=HYPERLINK("http://evil.example","Ray")`, 'a spreadsheet shows it, does not run it');
    assert.equal(cell(first!, 'Second Feedback Rating'), '1', 'bad is 1 on the CQD scale');
    assert.equal(cell(first!, 'Second Feedback Tokens'), 'Echo, Noise');
    assert.equal(cell(first!, 'First Feedback Rating'), '', 'no rating: an empty cell');
  });

  it('reads the history only as fast as the output is written (memory does not grow with the range)', async () => {
    const total = 2_000;
    for (let i = 0; i < total; i += 1) await keepCall(store, olgaCallsRay(`call-${i}`, DAY_ONE + i * 60_000));
    const { history, read } = countingReads(store.history);
    const pending: Array<() => void> = [];
    let readAtFirstWrite = -1;
    let flowing = false;
    let received = 0;
    // A reader that takes its first chunk and then stalls, as a slow disk or network would.
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (readAtFirstWrite === -1) readAtFirstWrite = read();
        if (flowing) done();
        else pending.push(done);
      },
    });
    const exporting = writeExport(exportRows(history, { tenants: [KEPT_TENANT], since: DAY_ONE, until: DAY_ONE + total * 60_000 }), 'csv', slow);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const readWhileStalled = read();
    assert.ok(readAtFirstWrite >= 1 && readAtFirstWrite < 10, `${readAtFirstWrite} of ${total} calls read when the first bytes went out`);
    // What the streams between may hold (csv-stringify's 16 KiB and 16 rows, about a hundred calls), not the range.
    assert.ok(readWhileStalled < 250, `${readWhileStalled} of ${total} calls read while the output stalled`);
    flowing = true;
    for (const done of pending.splice(0)) done();
    assert.equal(await exporting, total * 2);
    assert.equal(read(), total);
    assert.ok(received > 0);
  });

  it('leaves out a stored call that cannot be read, and tells, instead of stopping', async () => {
    await keepCall(store, olgaCallsRay('good-call', DAY_ONE));
    const broken: CallHistoryRecord = { tenantId: KEPT_TENANT, callId: 'broken', version: 1, day: '2026-03-02', startedAt: DAY_ONE + HOUR, people: [], summary: '[2,"not this encoding"]' };
    await store.history.putCall(broken);
    const unreadable: string[] = [];
    const rows: ExportRow[] = [];
    for await (const row of exportRows(store.history, { tenants: [KEPT_TENANT], since: DAY_ONE, until: DAY_ONE + 2 * HOUR, onUnreadable: (record) => unreadable.push(record.callId) })) rows.push(row);
    assert.deepEqual(unreadable, ['broken']);
    assert.deepEqual([...new Set(rows.map((row) => row['Conference ID']))], ['good-call']);
    // Without a handler the export stops at it, rather than silently losing a call.
    await assert.rejects(writeExport(exportRows(store.history, { tenants: [KEPT_TENANT], since: DAY_ONE, until: DAY_ONE + 2 * HOUR }), 'csv', collector().output), /could not be read/);
    assert.ok(encodeCallHistory(olgaCallsRay('x', 0)).startsWith('[1,'), 'the broken summary is of another encoding than the current one');
  });
});
