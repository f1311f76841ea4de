import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { openSqliteStore } from '../../src/store';
import { elementsOfType, tableRows } from '../alerts/card-inspection';
import { eventually } from '../bot/bot-harness';
import { TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { freePort } from '../support/free-port';
import { loadFixture } from '../support/graph-fixtures';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';
import { askInPersonalChat, postPersonalInstall } from '../support/personal-install';

/*
 * Issue 12's proof through the whole app: call records spread over days and buildings go into the
 * loopback Graph, Graph's notifications reach the running app, its worker fetches, scores and keeps
 * their history, and an admin asks the bot in a personal chat. Every figure expected below is worked
 * out by hand from the table of calls, never read from the code under test.
 *
 * The app's clock stands at Wednesday 2026-03-11 15:00 UTC: "7d" is 5 Mar – 11 Mar, the period
 * before it 26 Feb – 4 Mar.
 *
 * The building file: HQ (10.10.0.0/16 "HQ LAN", and inside it 10.10.2.0/24 "HQ Wi-Fi": the longest
 * range wins), Branch (10.20.0.0/16), Lab (IPv6 2001:db8:30::/48). 192.0.2.0 is in no range.
 *
 * Endpoints (Graph's networkInfo of each end):
 *   HQW  10.10.1.21 / 10.10.1.0, wired                 → HQ,     "10.10.1.0 (HQ LAN)",        Wired
 *   HQF  10.10.2.40 / 10.10.2.0, Wi-Fi 5 GHz           → HQ,     "10.10.2.0 (HQ Wi-Fi)",      Wi-Fi 5 GHz
 *   BRW  10.20.5.8 / 10.20.5.0, wired                  → Branch, "10.20.5.0 (Branch LAN)",    Wired
 *   LAB  2001:db8:30:5::17 / 2001:db8:30:5::, wired    → Lab,    "2001:db8:30:5:: (Lab v6)",  Wired
 *   LAB6 2001:db8:30:5::99, no subnet, wired           → Lab (by its address alone), "Unknown subnet", Wired
 *   HOME 192.0.2.44 / 192.0.2.0, mobile                → "Outside corp / unknown", "192.0.2.0", Mobile data
 *
 * Every call is Abbie (caller) with Owen (callee), from the shared 2024 fixture. Each media has one
 * stream each way, both between the same two endpoints, so every stream of a call counts for the
 * call's caller and callee values (once when both ends share it). Streams: p = poor, g = good,
 * u = unclassified; audio poor is jitter 45 ms at 800 packets, video poor is 65 % frame loss, screen
 * sharing poor is 0.5 frames/s. Owen's rating, when he gave one. "failed": the session's
 * failureInfo (stage), as Graph sets it on a session that could not be set up or dropped.
 *
 *  call  day    caller callee audio video vbss rating | classified poor
 *  P1    03-02  HQW    BRW    p g                bad   |  2         1      (period before)
 *  P2    03-03  HQW    HQF    g g                      |  2         0      (period before) failed midcall
 *  P3    03-04  BRW    HOME   g g    g g         good  |  4         0      (period before)
 *  O1    02-20  HQW    BRW    p p                bad   |  —         —      (in neither period)
 *  C1    03-05  HQW    BRW    p g                      |  2         1
 *  C2    03-05  HQF    HQW    g g    g g         good  |  4         0
 *  C3    03-06  BRW    HOME   g p    g g         bad   |  4         1
 *  C4    03-06  HQW    LAB    g g    p g               |  4         1      failed callSetup
 *  (no call on 03-07)
 *  C5    03-08  LAB    BRW    p g                poor  |  2         1
 *  C6    03-09  HQF    HOME   p p                      |  2         2
 *  C7    03-09  LAB    HQW    g g    g g         good  |  4         0
 *  C8    03-09  BRW    BRW    g g                      |  2         0      failed midcall
 *  C9    03-10  LAB6   HOME   g p                      |  2         1
 *  C10   03-10  HQW    BRW    u g          p           |  2         1
 *  C11   03-10  BRW    HQF    g g    g g   g     bad   |  5         0
 *  C12   03-11  HQW    LAB    g g                      |  2         0      version 1
 *  C12   03-11  HQW    LAB    p g                bad   |  2         1      version 2 (re-scored: replaces version 1), failed midcall
 *  C13   03-11  LAB    HOME   g g                      |  2         0
 */

const NOW = Date.parse('2026-03-11T15:00:00Z');
const CLIENT_STATE = 'insights-end-to-end-client-state-0123';
const ADMIN = { id: '29:ada', name: 'Ada Admin', aadObjectId: 'aaaaaaaa-0000-4000-8000-00000000ad01' };
const ADMIN_CHAT = 'a:chat-with-ada';
/** The caller of every call (the fixture's Abbie Wilkins). */
const ABBIE_ID = '821809f5-0000-0000-0000-3b5136c0e777';

const BUILDING_FILE = [
  '10.10.0.0,HQ LAN,16,HQ,Leased,Office,Headquarters,Oslo,0150,Norway,,EMEA,1,0,0',
  '10.10.2.0,HQ Wi-Fi,24,HQ,Leased,Office,Headquarters,Oslo,0150,Norway,,EMEA,1,0,0',
  '10.20.0.0,Branch LAN,16,Branch,Owned,Office,Branch,Bergen,5003,Norway,,EMEA,1,0,0',
  '2001:db8:30::,Lab v6,48,Lab,Owned,Lab,R&D,Trondheim,7010,Norway,,EMEA,1,0,0',
].join('\r\n');

type Network = Record<string, string>;
const HQW: Network = { ipAddress: '10.10.1.21', subnet: '10.10.1.0', connectionType: 'wired' };
const HQF: Network = { ipAddress: '10.10.2.40', subnet: '10.10.2.0', connectionType: 'wifi', wifiBand: 'frequency50GHz' };
const BRW: Network = { ipAddress: '10.20.5.8', subnet: '10.20.5.0', connectionType: 'wired' };
const LAB: Network = { ipAddress: '2001:db8:30:5::17', subnet: '2001:db8:30:5::', connectionType: 'wired' };
const LAB6: Network = { ipAddress: '2001:db8:30:5::99', connectionType: 'wired' };
const HOME: Network = { ipAddress: '192.0.2.44', subnet: '192.0.2.0', connectionType: 'mobile' };

type Verdict = 'p' | 'g' | 'u';

/** One call of the table above. */
interface CallSpec {
  id: string;
  /** Start, UTC; the call lasts 30 minutes. */
  start: string;
  caller: Network;
  callee: Network;
  /** Caller to callee, then callee to caller. */
  audio: [Verdict, Verdict];
  video?: [Verdict, Verdict];
  /** The caller shares their screen. */
  vbss?: Verdict;
  rating?: 'bad' | 'poor' | 'good';
  version?: number;
  /** The stage of the session's failureInfo, when it failed. */
  failed?: 'callSetup' | 'midcall';
}

const callId = (n: number) => `e2e00000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const PREVIOUS: CallSpec[] = [
  { id: callId(101), start: '2026-03-02T10:00:00Z', caller: HQW, callee: BRW, audio: ['p', 'g'], rating: 'bad' },
  { id: callId(102), start: '2026-03-03T10:00:00Z', caller: HQW, callee: HQF, audio: ['g', 'g'], failed: 'midcall' },
  { id: callId(103), start: '2026-03-04T10:00:00Z', caller: BRW, callee: HOME, audio: ['g', 'g'], video: ['g', 'g'], rating: 'good' },
  { id: callId(100), start: '2026-02-20T10:00:00Z', caller: HQW, callee: BRW, audio: ['p', 'p'], rating: 'bad' },
];
const C12_V1: CallSpec = { id: callId(12), start: '2026-03-11T09:00:00Z', caller: HQW, callee: LAB, audio: ['g', 'g'], version: 1 };
const C12_V2: CallSpec = { ...C12_V1, audio: ['p', 'g'], rating: 'bad', version: 2, failed: 'midcall' };
const CURRENT: CallSpec[] = [
  { id: callId(1), start: '2026-03-05T09:00:00Z', caller: HQW, callee: BRW, audio: ['p', 'g'] },
  { id: callId(2), start: '2026-03-05T14:00:00Z', caller: HQF, callee: HQW, audio: ['g', 'g'], video: ['g', 'g'], rating: 'good' },
  { id: callId(3), start: '2026-03-06T09:00:00Z', caller: BRW, callee: HOME, audio: ['g', 'p'], video: ['g', 'g'], rating: 'bad' },
  { id: callId(4), start: '2026-03-06T11:00:00Z', caller: HQW, callee: LAB, audio: ['g', 'g'], video: ['p', 'g'], failed: 'callSetup' },
  { id: callId(5), start: '2026-03-08T10:00:00Z', caller: LAB, callee: BRW, audio: ['p', 'g'], rating: 'poor' },
  { id: callId(6), start: '2026-03-09T09:00:00Z', caller: HQF, callee: HOME, audio: ['p', 'p'] },
  { id: callId(7), start: '2026-03-09T13:00:00Z', caller: LAB, callee: HQW, audio: ['g', 'g'], video: ['g', 'g'], rating: 'good' },
  { id: callId(8), start: '2026-03-09T16:00:00Z', caller: BRW, callee: BRW, audio: ['g', 'g'], failed: 'midcall' },
  { id: callId(9), start: '2026-03-10T10:00:00Z', caller: LAB6, callee: HOME, audio: ['g', 'p'] },
  { id: callId(10), start: '2026-03-10T12:00:00Z', caller: HQW, callee: BRW, audio: ['u', 'g'], vbss: 'p' },
  { id: callId(11), start: '2026-03-10T15:00:00Z', caller: BRW, callee: HQF, audio: ['g', 'g'], video: ['g', 'g'], vbss: 'g', rating: 'bad' },
  C12_V1,
  { id: callId(13), start: '2026-03-11T11:00:00Z', caller: LAB, callee: HOME, audio: ['g', 'g'] },
];

const DIRECTIONS = ['callerToCallee', 'calleeToCaller'] as const;

function audioStream(direction: string, verdict: Verdict, n: number): Record<string, unknown> {
  const stream: Record<string, unknown> = { streamId: `a${n}`, streamDirection: direction, packetUtilization: 800 };
  // Unclassified: none of jitter, packet loss and round trip reported.
  if (verdict === 'u') return stream;
  return { ...stream, averageJitter: verdict === 'p' ? 'PT0.045S' : 'PT0.010S', averagePacketLossRate: 0.01, averageRoundTripTime: 'PT0.060S' };
}

function videoStream(direction: string, verdict: Verdict, n: number): Record<string, unknown> {
  return { streamId: `v${n}`, streamDirection: direction, averageVideoFrameLossPercentage: verdict === 'p' ? 65 : 2, averageVideoFrameRate: 28 };
}

function sharingStream(verdict: Verdict): Record<string, unknown> {
  return { streamId: 's1', streamDirection: 'callerToCallee', averageVideoFrameRate: verdict === 'p' ? 0.5 : 12 };
}

/** The shared 2024 fixture turned into one call of the table: its times, networks, streams and rating. */
function callRecord(spec: CallSpec): Record<string, unknown> {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json')) as any;
  delete record['sessions@odata.nextLink'];
  const start = Date.parse(spec.start);
  const [startDateTime, endDateTime] = [new Date(start).toISOString(), new Date(start + 30 * 60_000).toISOString()];
  Object.assign(record, { id: spec.id, version: spec.version ?? 1, startDateTime, endDateTime, lastModifiedDateTime: new Date(start + 45 * 60_000 * (spec.version ?? 1)).toISOString() });
  const session = record.sessions[0];
  const segment = session.segments[0];
  Object.assign(session, { id: `${spec.id}-s`, startDateTime, endDateTime });
  Object.assign(segment, { id: `${spec.id}-g`, startDateTime, endDateTime });
  delete session.caller.feedback;
  delete session.callee.feedback;
  if (spec.rating) session.callee.feedback = { rating: spec.rating, tokens: { Echo: spec.rating !== 'good' } };
  if (spec.failed) session.failureInfo = { stage: spec.failed, reason: 'Unexpected' };
  const networks = { callerNetwork: { ...spec.caller }, calleeNetwork: { ...spec.callee } };
  const audio = segment.media[0];
  const media: Record<string, unknown>[] = [{ ...audio, ...networks, streams: DIRECTIONS.map((direction, i) => audioStream(direction, spec.audio[i]!, i + 1)) }];
  if (spec.video) media.push({ label: 'main-video', ...networks, streams: DIRECTIONS.map((direction, i) => videoStream(direction, spec.video![i]!, i + 1)) });
  if (spec.vbss) media.push({ label: 'applicationsharing-video', ...networks, streams: [sharingStream(spec.vbss)] });
  segment.media = media;
  return record;
}

/** A table of a card, found by its header row. */
function tableWithHeader(card: any, header: string[]): string[][] {
  const table = elementsOfType(card, 'Table').find((element) => JSON.stringify(tableRows(element)[0]) === JSON.stringify(header));
  assert.ok(table, `the card has a table headed ${header.join(' | ')}`);
  return tableRows(table).slice(1);
}

describe('history: insights end to end, from Graph notifications to the trend and top cards', function () {
  this.timeout(120_000);
  let env: GraphTestEnvironment;
  let connector: LoopbackBotConnector;
  let app: RunningApp;
  let directory: string;
  let sequence = 0;
  /** `trends 7d` as it was before call 12's second version came. */
  let trendsBeforeRescore: any;

  /** Sends a message in the admin's personal chat; resolves to the one card the bot answered with. */
  function ask(text: string): Promise<any> {
    const chat = { port: app.port, connector, tenantId: TENANT_A, chatId: ADMIN_CHAT, user: ADMIN };
    return askInPersonalChat(chat, text, { id: `ask-${++sequence}`, timestamp: new Date(NOW).toISOString() });
  }

  async function notifyAndWait(specs: CallSpec[], changeType: 'created' | 'updated'): Promise<void> {
    for (const spec of specs) env.graph.putRecord(callRecord(spec));
    const [subscription] = env.graph.subscriptions(TENANT_A);
    const statuses = await env.graph.sendNotifications(TENANT_A, specs.map((spec) => spec.id), { subscriptionId: subscription!.id, changeType });
    assert.deepEqual(statuses, [202]);
    await eventually(async () => {
      for (const spec of specs) {
        const report = await app.store.reports.getReport(TENANT_A, spec.id);
        if (report?.version !== (spec.version ?? 1)) return false;
        if ((await app.store.inbox.get(TENANT_A, spec.id))?.state !== 'done') return false;
      }
      return true;
    }, 30_000, `the worker to score ${specs.length} call(s)`);
  }

  before(async () => {
    const clock = () => NOW;
    env = await startGraphTestEnvironment({ now: clock });
    connector = await new LoopbackBotConnector().start();
    directory = mkdtempSync(path.join(os.tmpdir(), 'insights-e2e-'));
    const buildingsFile = path.join(directory, 'buildings.csv');
    writeFileSync(buildingsFile, BUILDING_FILE);
    const port = await freePort();
    const config = env.appConfig(port, CLIENT_STATE, { ADMIN_USER_IDS: ADMIN.aadObjectId, BUILDINGS_FILE: buildingsFile });
    app = await startApp(config, createLogger('silent'), { store: openSqliteStore({ path: ':memory:' }), graph: env.client(), clock, bot: { delivery: { idleMs: 120_000 } } });
    assert.equal(await postPersonalInstall(port, { serviceUrl: connector.serviceUrl, tenantId: TENANT_A, chatId: ADMIN_CHAT, user: ADMIN }), 200);
    await eventually(async () => env.graph.subscriptions(TENANT_A).length > 0, 30_000, "the app's Graph subscription");
    await notifyAndWait([...PREVIOUS, ...CURRENT], 'created');
    trendsBeforeRescore = await ask('trends 7d');
    await notifyAndWait([C12_V2], 'updated');
  });

  after(async () => {
    await app?.stop();
    await app?.store.close();
    await connector?.stop();
    await env?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('answers trends 7d with the poor % of each kind, the calls, failed calls and bad ratings, against the week before', async () => {
    const card = await ask('trends 7d');
    assert.match(JSON.stringify(card), /5 Mar – 11 Mar 2026/);
    // This period (C1–C13, C12 as version 2):
    //   audio poor 1+1+1+2+1+1 = 7 (C1, C3, C5, C6 ×2, C9, C12); classified 4+4+0+2+6+5+4 = 25 (C10's
    //   unclassified stream left out) → 7 ÷ 25 = 28.0 %.
    //   video poor 1 (C4); classified 2 each in C2, C3, C4, C7, C11 = 10 → 10.0 %.
    //   screen sharing poor 1 (C10) of 2 (C10, C11) → 50.0 %.
    //   calls 13; failed calls C4, C8, C12 = 3; bad ratings C3 bad, C5 poor, C11 bad, C12 bad = 4
    //   (good ratings are not bad).
    // The period before (P1–P3; O1 is older): audio 1 of 6 = 16.67 %, video 0 of 2 = 0.0 %, no
    //   screen sharing, 3 calls, 1 failed (P2), 1 bad rating (P1).
    // Change: 28 − 16.67 = +11.3 points; 10 − 0 = +10.0 points; calls (13 − 3) ÷ 3 = +333 %;
    //   failed calls (3 − 1) ÷ 1 = +200 %; bad ratings (4 − 1) ÷ 1 = +300 %.
    assert.deepEqual(tableWithHeader(card, ['Measure', 'This period', 'Before', 'Change']), [
      ['Audio poor %', '28.0 %', '16.7 %', '+11.3 pts'],
      ['Video poor %', '10.0 %', '0.0 %', '+10.0 pts'],
      ['Screen sharing poor %', '50.0 %', '—', '—'],
      ['Calls', '13', '3', '+333 %'],
      ['Failed calls', '3', '1', '+200 %'],
      ['Bad ratings', '4', '1', '+300 %'],
    ]);
    // Per day: 03-05 audio 1/4 (C1, C2), video 0/2 (C2); 03-06 audio 1/4, video 1/4 (C3, C4);
    // 03-07 nothing; 03-08 audio 1/2 (C5); 03-09 audio 2/6 (C6, C7, C8), video 0/2 (C7); 03-10 audio
    // 1/5 (C9, C10's classified one, C11), video 0/2 (C11), sharing 1/2 (C10, C11); 03-11 audio 1/4 (C12, C13).
    assert.deepEqual(tableWithHeader(card, ['Day', 'Audio', 'Video', 'Screen sharing']), [
      ['5 Mar', '25.0 %', '0.0 %', '—'],
      ['6 Mar', '25.0 %', '25.0 %', '—'],
      ['7 Mar', '—', '—', '—'],
      ['8 Mar', '50.0 %', '—', '—'],
      ['9 Mar', '33.3 %', '0.0 %', '—'],
      ['10 Mar', '20.0 %', '0.0 %', '50.0 %'],
      ['11 Mar', '25.0 %', '—', '—'],
    ]);
    // Calls per day: C1 C2 | C3 C4 | — | C5 | C6 C7 C8 | C9 C10 C11 | C12 C13; failed: C4, C8, C12;
    // bad ratings: C3, C5, C11, C12.
    assert.deepEqual(tableWithHeader(card, ['Day', 'Calls', 'Failed calls', 'Bad ratings']), [
      ['5 Mar', '2', '0', '0'],
      ['6 Mar', '2', '1', '1'],
      ['7 Mar', '0', '0', '0'],
      ['8 Mar', '1', '0', '1'],
      ['9 Mar', '3', '1', '0'],
      ['10 Mar', '3', '0', '1'],
      ['11 Mar', '2', '1', '1'],
    ]);
    // The native chart plots the same audio figures on ISO days, leaving out the day without a point.
    const [poorChart] = elementsOfType(card, 'Chart.Line');
    assert.deepEqual((poorChart!.data as { legend: string; values: unknown[] }[]).find((series) => series.legend === 'Audio')!.values, [
      { x: '2026-03-05', y: 25 },
      { x: '2026-03-06', y: 25 },
      { x: '2026-03-08', y: 50 },
      { x: '2026-03-09', y: 33.3 },
      { x: '2026-03-10', y: 20 },
      { x: '2026-03-11', y: 25 },
    ]);
  });

  it('answers top sites 7d with each building’s poor and classified streams, over the minimum sample', async () => {
    const card = await ask('top sites 7d');
    // Streams by the sites of their two ends (a call's streams all join its caller and callee):
    //   HQ:      C1 1/2, C2 0/4, C4 1/4, C6 2/2, C7 0/4, C10 1/2, C11 0/5, C12 1/2 → 6 of 25 (24.0 %), 8 calls
    //   Branch:  C1 1/2, C3 1/4, C5 1/2, C8 0/2 (both ends, counted once), C10 1/2, C11 0/5 → 4 of 17 (23.5 %), 6 calls
    //   Lab:     C4 1/4, C5 1/2, C7 0/4, C9 1/2 (by its IPv6 address alone), C12 1/2, C13 0/2 → 4 of 16 (25.0 %), 6 calls
    //   Outside: C3 1/4, C6 2/2, C9 1/2, C13 0/2 → 4 of 10 (40.0 %), 4 calls: just the minimum sample.
    // Most poor streams first, ties by the higher poor %.
    assert.deepEqual(tableWithHeader(card, ['#', 'Site', 'Poor streams', 'Poor %', 'Calls']), [
      ['1', 'HQ', '6 of 25', '24.0 %', '8'],
      ['2', 'Outside corp / unknown', '4 of 10', '40.0 %', '4'],
      ['3', 'Lab', '4 of 16', '25.0 %', '6'],
      ['4', 'Branch', '4 of 17', '23.5 %', '6'],
    ]);
    const [bars] = elementsOfType(card, 'Chart.HorizontalBar');
    assert.deepEqual(bars!.data, [
      { x: 'HQ', y: 6 },
      { x: 'Outside corp / unknown', y: 4 },
      { x: 'Lab', y: 4 },
      { x: 'Branch', y: 4 },
    ]);
  });

  it('answers top networks 7d with subnets named from the building file and connection types', async () => {
    const card = await ask('top networks 7d');
    // Subnets:
    //   192.0.2.0 (HOME):   C3 1/4, C6 2/2, C9 1/2, C13 0/2 → 4 of 10 (40.0 %), 4 calls
    //   10.20.5.0 (BRW):    C1 1/2, C3 1/4, C5 1/2, C8 0/2, C10 1/2, C11 0/5 → 4 of 17 (23.5 %), 6 calls
    //   10.10.1.0 (HQW):    C1 1/2, C2 0/4, C4 1/4, C7 0/4, C10 1/2, C12 1/2 → 4 of 18 (22.2 %), 6 calls
    //   2001:db8:30:5:: (LAB): C4 1/4, C5 1/2, C7 0/4, C12 1/2, C13 0/2 → 3 of 14 (21.4 %), 5 calls
    //   10.10.2.0 (HQF, the /24 inside HQ's /16): C2 0/4, C6 2/2, C11 0/5 → 2 of 11 (18.2 %), 3 calls
    //   Unknown subnet (LAB6): C9 1/2, one call: under the minimum sample, not ranked.
    assert.deepEqual(tableWithHeader(card, ['#', 'Subnet', 'Poor streams', 'Poor %', 'Calls']), [
      ['1', '192.0.2.0', '4 of 10', '40.0 %', '4'],
      ['2', '10.20.5.0 (Branch LAN)', '4 of 17', '23.5 %', '6'],
      ['3', '10.10.1.0 (HQ LAN)', '4 of 18', '22.2 %', '6'],
      ['4', '2001:db8:30:5:: (Lab v6)', '3 of 14', '21.4 %', '5'],
      ['5', '10.10.2.0 (HQ Wi-Fi)', '2 of 11', '18.2 %', '3'],
    ]);
    assert.match(JSON.stringify(card), /1 more subnet had poor streams in fewer calls or streams \(not ranked\)\./);
    // Connection types:
    //   wired: every call but C6 (12): poor C1, C3, C4, C5, C9, C10, C12 = 7; classified
    //          2+4+4+4+2+4+2+2+2+5+2+2 = 35 → 20.0 %
    //   mobile (HOME): as 192.0.2.0 → 4 of 10 (40.0 %), 4 calls
    //   Wi-Fi 5 GHz (HQF): as 10.10.2.0 → 2 of 11 (18.2 %), 3 calls
    assert.deepEqual(tableWithHeader(card, ['#', 'Connection', 'Poor streams', 'Poor %', 'Calls']), [
      ['1', 'Wired', '7 of 35', '20.0 %', '12'],
      ['2', 'Mobile data', '4 of 10', '40.0 %', '4'],
      ['3', 'Wi-Fi 5 GHz', '2 of 11', '18.2 %', '3'],
    ]);
  });

  it('counts a re-scored call once, as its newest version, though its day had been read before', async () => {
    // Before version 2, C12 had no poor stream, no rating and no failure: 11 Mar was audio 0 of 4, 2 calls, none failed, no bad rating.
    assert.deepEqual(tableWithHeader(trendsBeforeRescore, ['Day', 'Audio', 'Video', 'Screen sharing'])[6], ['11 Mar', '0.0 %', '—', '—']);
    assert.deepEqual(tableWithHeader(trendsBeforeRescore, ['Day', 'Calls', 'Failed calls', 'Bad ratings'])[6], ['11 Mar', '2', '0', '0']);
    // After it: 1 of 4, one failed call and one bad rating, still 2 calls (version 1 is not counted beside version 2).
    const card = await ask('trends 7d');
    assert.deepEqual(tableWithHeader(card, ['Day', 'Audio', 'Video', 'Screen sharing'])[6], ['11 Mar', '25.0 %', '—', '—']);
    assert.deepEqual(tableWithHeader(card, ['Day', 'Calls', 'Failed calls', 'Bad ratings'])[6], ['11 Mar', '2', '1', '1']);
    assert.deepEqual((await app.store.history.getCall(TENANT_A, C12_V2.id))?.version, 2);
  });

  it("places each of a person's endpoints in its building, an IPv6 address alone in the IPv6 building", async () => {
    const card = await ask(`user ${ABBIE_ID} 7d`);
    // Abbie's side of each call, newest first: C13 LAB, C12 HQW, C11 BRW, C10 HQW, C9 LAB6 (no
    // subnet: placed by 2001:db8:30:5::99 alone), C8 BRW, C7 LAB, C6 HQF, C5 LAB, C4 HQW, C3 BRW, C2 HQF, C1 HQW.
    const rows = tableWithHeader(card, ['#', 'When', 'Organizer', 'Poor (theirs)', 'Rating', 'Where']);
    assert.deepEqual(
      rows.map((row) => row[0]),
      Array.from({ length: 13 }, (_, i) => String(i + 1)),
    );
    assert.deepEqual(
      rows.map((row) => row[5]),
      ['Lab, Wired', 'HQ, Wired', 'Branch, Wired', 'HQ, Wired', 'Lab, Wired', 'Branch, Wired', 'Lab, Wired', 'HQ, Wi-Fi 5 GHz', 'Lab, Wired', 'HQ, Wired', 'Branch, Wired', 'HQ, Wi-Fi 5 GHz', 'HQ, Wired'],
    );
    // C9: Abbie sent a good audio stream and received Owen's poor one.
    assert.equal(rows[4]![3], '1 of 2 (audio)');
  });
});
