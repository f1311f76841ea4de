import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/store';
import { createLoopbackClientCertificate } from '../support/loopback-certificates';
import { assertCompiledBotIsFresh, runCompiledBot, type BotExit } from './compiled-bot';

const APP_ID = '0d8d3c55-3a4e-4c8c-9d59-6d2c8d1e7a10';
const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const BOT_SECRET = 'bot-password-that-must-never-be-printed';
const GRAPH_SECRET = 'graph-secret-that-must-never-be-printed';

/**
 * Start-up errors of the compiled bot, as a shell sees them: for everything the operator can fix,
 * exit code 2 and exactly one line on stderr that says what is wrong, no stack, no secret.
 * The processes start together (each costs a few seconds on a busy machine).
 */
describe('start-up errors (the compiled bot as a process)', function () {
  this.timeout(120_000);
  let scratch: string;
  let heldPort: Server;
  let readOnlyFolder: string;
  let readOnlyUndo: () => void;
  const runs = new Map<string, Promise<BotExit>>();

  /** The cases: the environment, and what the line must name. */
  const cases: Array<{ name: string; env: () => Record<string, string>; says: () => RegExp[] }> = [
    { name: 'BOT_ID without BOT_PASSWORD', env: () => ({ BOT_ID: APP_ID, GRAPH_CLIENT_ID: APP_ID, GRAPH_CLIENT_SECRET: GRAPH_SECRET }), says: () => [/BOT_PASSWORD is required/, /client secret/] },
    {
      name: 'a managed identity given a password',
      env: () => ({ BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT, BOT_PASSWORD: BOT_SECRET }),
      says: () => [/BOT_PASSWORD must not be set when BOT_TYPE=UserAssignedMsi/],
    },
    { name: 'a managed identity without BOT_TENANT_ID', env: () => ({ BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi' }), says: () => [/BOT_TENANT_ID is required when BOT_TYPE=UserAssignedMsi/] },
    {
      name: 'a certificate file that is missing',
      env: () => ({ GRAPH_CLIENT_CERTIFICATE_PATH: path.join(scratch, 'no-such.pem') }),
      says: () => [/GRAPH_CLIENT_CERTIFICATE_PATH/, /no-such\.pem/, /ENOENT/],
    },
    { name: 'a certificate file that is not a certificate', env: () => ({ GRAPH_CLIENT_CERTIFICATE_PATH: path.join(scratch, 'notes.pem') }), says: () => [/notes\.pem/, /lacks the certificate/] },
    { name: 'a certificate with an encrypted key', env: () => ({ GRAPH_CLIENT_CERTIFICATE_PATH: path.join(scratch, 'encrypted.pem') }), says: () => [/encrypted\.pem/, /encrypted/] },
    {
      name: 'PORT in use',
      env: () => ({ PORT: String(portOf(heldPort)), HOST: '127.0.0.1', GRAPH_TENANT_IDS: TENANT, GRAPH_CLIENT_ID: APP_ID, GRAPH_CLIENT_SECRET: GRAPH_SECRET }), says: () => [/PORT \d+ is already in use on 127\.0\.0\.1/, /set PORT to a free port/] },
    { name: 'DATA_DIR that is a file', env: () => ({ DATA_DIR: path.join(scratch, 'a-file') }), says: () => [/a-file is a file, not a folder/] },
    { name: 'DATA_DIR under a file', env: () => ({ DATA_DIR: path.join(scratch, 'a-file', 'data') }), says: () => [/a-file[/\\]data cannot be created because .*a-file is a file/] },
    { name: 'a read-only DATA_DIR', env: () => ({ DATA_DIR: readOnlyFolder }), says: () => [new RegExp(`${escape(readOnlyFolder)} \\(DATA_DIR\\) is not writable`)] },
    {
      name: 'an SQLite file that is not a database',
      env: () => ({ DATA_DIR: path.join(scratch, 'not-a-database') }),
      says: () => [new RegExp(escape(path.join(scratch, 'not-a-database', SQLITE_FILE_NAME))), /restore it from a backup/, /move it aside/],
    },
    {
      name: 'an SQLite file that is truncated',
      env: () => ({ DATA_DIR: path.join(scratch, 'truncated') }),
      says: () => [new RegExp(escape(path.join(scratch, 'truncated', SQLITE_FILE_NAME))), /damaged/, /restore it from a backup/, /move it aside/],
    },
    { name: 'a REPORT_SCHEDULE that is not 5 cron fields', env: () => ({ REPORT_SCHEDULE: '0 9 * *' }), says: () => [/REPORT_SCHEDULE/, /"0 9 \* \*" has 4 fields; it takes 5/] },
    { name: 'a REPORT_SCHEDULE with a field out of range', env: () => ({ REPORT_SCHEDULE: '0 24 * * 1' }), says: () => [/REPORT_SCHEDULE/, /"0 24 \* \* 1" is not a cron expression/] },
    { name: 'a REPORT_TIME_ZONE that is not IANA', env: () => ({ REPORT_TIME_ZONE: 'Central Europe Standard Time' }), says: () => [/REPORT_TIME_ZONE/, /"Central Europe Standard Time" is not an IANA time zone name/] },
    { name: 'a HISTORY_DAYS out of range', env: () => ({ HISTORY_DAYS: '0' }), says: () => [/HISTORY_DAYS="0"/, /must be 1 to 3650 days/] },
    { name: 'HOST on the network without BOT_ID', env: () => ({ HOST: '0.0.0.0' }), says: () => [/HOST="0\.0\.0\.0"/, /without authentication/, /ALLOW_REMOTE_UNAUTHENTICATED=true/] },
  ];

  before(async () => {
    assertCompiledBotIsFresh();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cqb-startup-'));
    writeFileSync(path.join(scratch, 'a-file'), 'not a folder');
    writeFileSync(path.join(scratch, 'notes.pem'), 'these are notes, not a PEM file\n');
    const certificate = await createLoopbackClientCertificate();
    const encryptedKey = createPrivateKey(certificate.privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'a passphrase' }).toString();
    writeFileSync(path.join(scratch, 'encrypted.pem'), `${encryptedKey.trim()}\n${certificate.certificatePem.trim()}\n`);
    mkdirSync(path.join(scratch, 'not-a-database'));
    writeFileSync(path.join(scratch, 'not-a-database', SQLITE_FILE_NAME), 'this is a text file where the database should be\n'.repeat(100));
    await writeTruncatedDatabase(path.join(scratch, 'truncated'));
    readOnlyFolder = path.join(scratch, 'read-only');
    mkdirSync(readOnlyFolder);
    readOnlyUndo = makeReadOnly(readOnlyFolder);
    heldPort = await holdPort();
    for (const { name, env } of cases) {
      runs.set(name, runCompiledBot({ PORT: '0', DATA_DIR: path.join(scratch, 'data'), ...env() }));
    }
    await Promise.allSettled(runs.values());
  });
  after(async () => {
    readOnlyUndo?.();
    await new Promise<void>((resolve) => (heldPort ? heldPort.close(() => resolve()) : resolve()));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  for (const { name, says } of cases) {
    it(`exits 2 with one line, no stack and no secret: ${name}`, async () => {
      const { code, stderr, stdout } = await runs.get(name)!;
      assert.equal(code, 2, `exit code; stderr: ${stderr}`);
      assert.match(stderr, /^[^\n]+\n$/, `exactly one line on stderr: ${JSON.stringify(stderr)}`);
      assert.doesNotMatch(stderr, /\bat .+:\d+:\d+\)?$|Start-up failed|Error:/m, 'no stack, no error class');
      for (const mention of says()) assert.match(stderr, mention);
      for (const secret of [BOT_SECRET, GRAPH_SECRET, 'a passphrase']) {
        assert.ok(!stderr.includes(secret) && !stdout.includes(secret), `${secret} is not printed`);
      }
    });
  }

  it('names the port that is in use', async () => {
    assert.match((await runs.get('PORT in use')!).stderr, new RegExp(`PORT ${portOf(heldPort)} `));
  });

  it('leaves the damaged SQLite files as they were (nothing is overwritten)', () => {
    assert.equal(statSync(path.join(scratch, 'not-a-database', SQLITE_FILE_NAME)).size, 'this is a text file where the database should be\n'.length * 100);
    assert.equal(statSync(path.join(scratch, 'truncated', SQLITE_FILE_NAME)).size, TRUNCATED_SIZE);
  });
});

/** A database whose header promises more pages than the file holds, as after a copy cut short. */
const TRUNCATED_SIZE = 4096;

async function writeTruncatedDatabase(folder: string): Promise<void> {
  const whole = path.join(folder, 'whole');
  const store = openSqliteStore({ dataDir: whole });
  const now = Date.now();
  await store.inbox.enqueue(
    Array.from({ length: 500 }, (_, i) => ({ tenantId: TENANT, callId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, source: 'sweep' as const })),
    now,
  );
  await store.close();
  copyFileSync(path.join(whole, SQLITE_FILE_NAME), path.join(folder, SQLITE_FILE_NAME));
  truncateSync(path.join(folder, SQLITE_FILE_NAME), TRUNCATED_SIZE);
  rmSync(whole, { recursive: true, force: true });
}

/**
 * Makes a folder that this process's user cannot write: permissions for an ordinary user; for root
 * (whom permissions do not stop) the immutable attribute, as a read-only mount would.
 */
function makeReadOnly(folder: string): () => void {
  if (process.getuid?.() !== 0) {
    chmodSync(folder, 0o555);
    return () => chmodSync(folder, 0o755);
  }
  execFileSync('chattr', ['+i', folder]);
  return () => execFileSync('chattr', ['-i', folder]);
}

function holdPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
