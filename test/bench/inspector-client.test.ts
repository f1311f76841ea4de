import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { InspectorClient, inspectorUrlIn } from '../../bench/inspector-client';

/** A Node process started with `--inspect` on a free port, holding about 2,000,000 small objects. */
async function inspectedProcess(): Promise<{ child: ChildProcess; url: string }> {
  const script = 'globalThis.big = Array.from({ length: 2e6 }, (_, i) => ({ i })); setInterval(() => {}, 1000);';
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const url = inspectorUrlIn(output);
    if (url) return { child, url };
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`No inspector address: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the memory benchmark reads a process through its inspector (InspectorClient)', function () {
  this.timeout(30_000);
  let child: ChildProcess | undefined;
  let inspector: InspectorClient | undefined;

  afterEach(() => {
    inspector?.close();
    child?.kill('SIGKILL');
  });

  it("evaluates in the other process, and a forced collection frees what it no longer holds", async () => {
    const started = await inspectedProcess();
    child = started.child;
    inspector = await InspectorClient.connect(started.url);
    assert.equal(await inspector.evaluate<number>('6 * 7'), 42);
    // The inspector answers before the script has run: wait until it holds its objects.
    while (!(await inspector.evaluate<boolean>('Array.isArray(globalThis.big)'))) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await inspector.evaluate<number>('process.pid'), child.pid, 'the value comes from the inspected process');
    const held = await inspector.evaluate<number>('process.memoryUsage().heapUsed');
    await inspector.evaluate('globalThis.big = null');
    await inspector.send('HeapProfiler.collectGarbage');
    const live = await inspector.evaluate<number>('process.memoryUsage().heapUsed');
    // 2,000,000 objects of at least 16 bytes each, plus the array: well over 30 MB let go.
    assert.ok(held - live > 30 * 2 ** 20, `the heap went from ${held} to ${live} bytes`);
  });

  it('says what failed when an expression throws or a command is unknown', async () => {
    const started = await inspectedProcess();
    child = started.child;
    inspector = await InspectorClient.connect(started.url);
    await assert.rejects(inspector.evaluate('notDefinedHere()'), /notDefinedHere\(\) failed in the inspected process/);
    await assert.rejects(inspector.send('Nothing.likeThis'), /The inspector refused/);
  });

  it('finds the address in what the process printed, and nothing before it is there', () => {
    assert.equal(inspectorUrlIn('Debugger listening on ws://127.0.0.1:9229/0f2c-11\nFor help, see: https://nodejs.org/en/docs/inspector\n'), 'ws://127.0.0.1:9229/0f2c-11');
    assert.equal(inspectorUrlIn('Starting inspector on 127.0.0.1:9229 failed'), undefined);
  });
});
