import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLoopbackTlsCertificate } from '../test/support/loopback-certificates';
import { startLoopbackGraph } from '../test/support/loopback-graph';
import { startLoopbackTokenServer } from '../test/support/loopback-token-server';
import { generateCallRecord } from './records';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT_ID = '33333333-3333-4333-8333-333333333333';
const CLIENT_SECRET = 'bench-secret~value';
const MEETING = 'eeeeeeee-0000-4000-8000-000000006000';
const WARM_UP = 'eeeeeeee-0000-4000-8000-000000000004';

/** What the large-meeting process reports. */
export interface LargeMeetingFigures {
  /** RSS after a small call was processed (modules loaded, code warm), before the meeting. */
  idleRssMb: number;
  /** Highest RSS sampled (every 10 ms) while the meeting was fetched, scored and stored. */
  peakRssMb: number;
  /** The kernel's peak RSS of the process (`maxRSS`), to catch a peak between samples. */
  maxRssMb: number;
  /** V8's heap in use after a full collection at idle, and after one once the meeting was stored (read after `maxRSS`). */
  idleHeapMb: number;
  liveHeapAfterMb: number;
  /** At the highest RSS sample: V8's heap spaces and what lives outside the heap, MB by name. */
  atPeak: Record<string, number>;
  /** Bytes of the stored report row: its report and summary JSON. */
  rowBytes: number;
  /** Poor and judged streams of the meeting: the row keeps every poor one in full. */
  poorStreams: number;
  judgedStreams: number;
  seconds: number;
}

/**
 * Processes one generated meeting of `sessions` sessions end to end in a fresh process (the real
 * Graph client paging it from a loopback Graph at Graph's 60 sessions a page, the inbox worker,
 * SQLite in a temporary folder) and returns its memory figures and stored row size. A process of its own
 * (started with `nodeArgs`: the heap's sizing), so that the figures are the meeting's and not this benchmark's.
 */
export async function measureLargeMeeting(sessions: number, nodeArgs: readonly string[] = []): Promise<LargeMeetingFigures> {
  const tls = await createLoopbackTlsCertificate();
  const tokens = await startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants: [TENANT] });
  const graph = await startLoopbackGraph({ verifyAccessToken: tokens.verifyAccessToken });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-meeting-'));
  try {
    graph.putRecord({ ...generateCallRecord(4, 11), id: WARM_UP });
    graph.putRecord({ ...generateCallRecord(sessions), id: MEETING });
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, tls.cert);
    const fromSource = path.extname(__filename) === '.ts';
    const script = path.join(__dirname, `large-meeting-worker${fromSource ? '.ts' : '.js'}`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: caFile,
      MEETING_TENANT: TENANT,
      MEETING_GRAPH_URL: graph.url,
      MEETING_AUTHORITY_HOST: tokens.url,
      MEETING_CLIENT_ID: CLIENT_ID,
      MEETING_CLIENT_SECRET: CLIENT_SECRET,
      MEETING_WARM_UP_CALL: WARM_UP,
      MEETING_CALL: MEETING,
    };
    const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), ...nodeArgs, '--expose-gc', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = stdout.trim().split('\n').pop() ?? '';
    if (code !== 0 || !line.startsWith('{')) throw new Error(`The large-meeting process ended with ${code}: ${stderr.trim().slice(0, 2000)}`);
    return JSON.parse(line) as LargeMeetingFigures;
  } finally {
    await Promise.all([graph.close(), tokens.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
