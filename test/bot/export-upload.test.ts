import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExportUploadError, uploadFileToSession } from '../../src/bot/export-upload';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';

const KIB = 1024;

describe('uploading an export to a OneDrive upload session', () => {
  let connector: LoopbackBotConnector;
  let folder: string;

  before(async () => {
    connector = await new LoopbackBotConnector().start();
    folder = mkdtempSync(path.join(os.tmpdir(), 'cqb-upload-'));
  });
  after(async () => {
    await connector.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  function fileOf(bytes: Buffer): string {
    const file = path.join(folder, `file-${randomBytes(4).toString('hex')}.csv`);
    writeFileSync(file, bytes);
    return file;
  }

  it('sends the file in 320 KiB-multiple fragments with Content-Range, in order, and the session ends complete', async () => {
    const content = randomBytes(700 * KIB);
    const session = connector.openUploadSession('export.csv');
    await uploadFileToSession(session.uploadUrl, fileOf(content), content.length, 320 * KIB);
    const received = connector.uploadAt(session.uploadUrl)!;
    assert.ok(received.complete);
    assert.ok(received.bytes.equals(content), 'every byte, in order');
    // 700 KiB = 320 + 320 + 60.
    const total = content.length;
    assert.deepEqual(
      received.fragments.map((fragment) => [fragment.contentRange, fragment.length, fragment.status]),
      [
        [`bytes 0-${320 * KIB - 1}/${total}`, 320 * KIB, 202],
        [`bytes ${320 * KIB}-${640 * KIB - 1}/${total}`, 320 * KIB, 202],
        [`bytes ${640 * KIB}-${total - 1}/${total}`, 60 * KIB, 201],
      ],
    );
  });

  it('sends a small file in one PUT', async () => {
    const content = Buffer.from('Tenant Id,Conference ID\n');
    const session = connector.openUploadSession('small.csv');
    await uploadFileToSession(session.uploadUrl, fileOf(content), content.length);
    const received = connector.uploadAt(session.uploadUrl)!;
    assert.equal(received.bytes.toString(), 'Tenant Id,Conference ID\n');
    assert.deepEqual(received.fragments.map((fragment) => fragment.contentRange), [`bytes 0-${content.length - 1}/${content.length}`]);
  });

  it('says what the session answered when it refuses a fragment', async () => {
    const content = randomBytes(100 * KIB);
    const session = connector.openUploadSession('refused.csv');
    // 100 KiB fragments are not multiples of 320 KiB: OneDrive refuses the first one.
    await assert.rejects(
      uploadFileToSession(session.uploadUrl, fileOf(content), content.length, 50 * KIB),
      (error: Error) => error instanceof ExportUploadError && /bytes 0-51199 of 102400 was answered 400: .*320 KiB/.test(error.message),
    );
    assert.equal(connector.uploadAt(session.uploadUrl)!.complete, false);
  });

  it('refuses an upload URL that is not https, before sending anything', async () => {
    const before = connector.requests.length;
    await assert.rejects(uploadFileToSession('http://upload.example.com/up/1', fileOf(Buffer.from('x')), 1), /not https \(http:\/\/upload\.example\.com\)/);
    await assert.rejects(uploadFileToSession('not a url', fileOf(Buffer.from('x')), 1), /not a URL/);
    assert.equal(connector.requests.length, before);
  });
});
