import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { EXPORT_COLUMNS } from '../../../src/insights';
import { ADMIN, ALERTS_CHANNEL, BotHarness, OWEN, TENANT } from '../bot-harness';
import { keepCall, olgaCallsRay, RAY } from '../../support/kept-calls';

const NOW = Date.UTC(2026, 2, 9, 12);
const DAY = 24 * 3_600_000;
const CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

/**
 * `export` in Teams, end to end against the loopback Bot Connector: the consent card, the user's
 * accept with the upload session Teams opens in OneDrive, the CSV uploaded there, the file card.
 */
describe('bot: export through the file consent flow', () => {
  let harness: BotHarness;

  beforeEach(async () => {
    harness = await BotHarness.start({ clock: () => NOW });
    // Three calls in the last 7 days (one rated bad), one 8 days ago that `export 7d` leaves out.
    await keepCall(harness.store, olgaCallsRay('call-recent-1', NOW - 2 * DAY, { rating: 'bad' }));
    await keepCall(harness.store, olgaCallsRay('call-recent-2', NOW - 3 * DAY, { poor: false }));
    await keepCall(harness.store, olgaCallsRay('call-recent-3', NOW - 6 * DAY));
    await keepCall(harness.store, olgaCallsRay('call-older', NOW - 8 * DAY));
  });
  afterEach(() => harness.close());

  /** Sends an activity and returns what the bot posted in answer, with the attachments it carried. */
  async function send(activity: Record<string, unknown>) {
    const answer = await harness.ask(activity as Parameters<BotHarness['ask']>[0]);
    return { ...answer, attachments: answer.posted.flatMap((request) => request.body?.attachments ?? []) };
  }

  it('offers the CSV with a consent card, uploads it on accept and shows the file', async () => {
    const { attachments } = await send(harness.personalMessage('export 7d', ADMIN));
    assert.equal(attachments.length, 1);
    const consent = attachments[0];
    assert.equal(consent.contentType, CONSENT);
    // The UTC days of NOW - 7 days and NOW.
    assert.equal(consent.name, 'call-quality-streams-2026-03-02-to-2026-03-09.csv');
    assert.match(consent.content.description, /last 7 days \(6 streams\)/);
    assert.match(consent.content.description, /personal data/);
    assert.deepEqual(consent.content.acceptContext, consent.content.declineContext);
    assert.equal(consent.content.acceptContext.tenantId, TENANT, 'the tenant of the chat');

    const upload = harness.connector.openUploadSession(consent.name);
    await send(harness.fileConsent(ADMIN, 'accept', consent.content.acceptContext, upload));
    await harness.connector.waitFor((requests) => requests.some((request) => request.body?.attachments?.[0]?.contentType === FILE_INFO));

    const session = harness.connector.uploadAt(upload.uploadUrl)!;
    assert.ok(session.complete, 'the whole file reached OneDrive');
    assert.equal(session.bytes.length, consent.content.sizeInBytes, 'the size the consent card announced');
    assert.ok(session.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'a UTF-8 byte order mark, for Excel');
    const [header, ...rows] = parse(session.bytes.toString('utf8'), { bom: true }) as string[][];
    assert.deepEqual(header, [...EXPORT_COLUMNS]);
    const column = (name: string) => EXPORT_COLUMNS.indexOf(name as (typeof EXPORT_COLUMNS)[number]);
    assert.deepEqual(
      rows.map((row) => [row[column('Conference ID')], row[column('Poor')], row[column('Second UPN')], row[column('Second Feedback Rating')]]).sort(),
      [
        ['call-recent-1', 'FALSE', RAY.upn, '1'],
        ['call-recent-1', 'TRUE', RAY.upn, '1'],
        ['call-recent-2', 'FALSE', RAY.upn, ''],
        ['call-recent-2', 'FALSE', RAY.upn, ''],
        ['call-recent-3', 'FALSE', RAY.upn, ''],
        ['call-recent-3', 'TRUE', RAY.upn, ''],
      ],
    );

    const info = harness.connector.requests.find((request) => request.body?.attachments?.[0]?.contentType === FILE_INFO)!;
    assert.equal(info.conversationId, harness.personalConversation(ADMIN).id, 'in the admin\'s 1:1 chat');
    assert.deepEqual(info.body.attachments[0], { contentType: FILE_INFO, contentUrl: upload.contentUrl, name: upload.name, content: { uniqueId: upload.uniqueId, fileType: 'csv' } });
  });

  it('says so when the user declines, and uploads nothing', async () => {
    const { attachments } = await send(harness.personalMessage('export 30d', ADMIN));
    const consent = attachments[0];
    assert.match(consent.content.description, /last 30 days \(8 streams\)/);
    const { texts } = await send(harness.fileConsent(ADMIN, 'decline', consent.content.declineContext));
    assert.deepEqual(texts, ['OK, I did not send the export. Say "export 7d" or "export 30d" when you want it.']);
    assert.equal(harness.connector.requests.filter((request) => request.path.startsWith('/upload/')).length, 0);
  });

  it('refuses someone who is not an admin, when asking and when accepting a card meant for an admin', async () => {
    const asked = await send(harness.personalMessage('export 7d', OWEN));
    assert.equal(asked.attachments.length, 0);
    assert.match(asked.texts[0]!, /only the bot's admins can export the call history/);

    const { attachments } = await send(harness.personalMessage('export 7d', ADMIN));
    const upload = harness.connector.openUploadSession(attachments[0].name);
    const accepted = await send(harness.fileConsent(OWEN, 'accept', attachments[0].content.acceptContext, upload));
    assert.match(accepted.texts[0]!, /only the bot's admins can export/);
    await harness.bot.stop();
    assert.equal(harness.connector.uploadAt(upload.uploadUrl)!.fragments.length, 0, 'nothing was uploaded');
  });

  it('sends files only in a personal chat: in a channel it says where to ask', async () => {
    const { texts, attachments } = await send(harness.channelMessage('export 7d', ADMIN, { channel: ALERTS_CHANNEL }));
    assert.equal(attachments.length, 0);
    assert.deepEqual(texts, ['Say "export" in your personal chat with me: Teams lets a bot send files only there.']);
  });

  it('says there is nothing to export when no call was kept in the period', async () => {
    await harness.close();
    harness = await BotHarness.start({ clock: () => NOW + 60 * DAY });
    const { texts, attachments } = await send(harness.personalMessage('export 30d', ADMIN));
    assert.equal(attachments.length, 0);
    assert.deepEqual(texts, ['No call was kept in the last 30 days, so there is nothing to export.']);
  });

  it('tells the user when OneDrive refuses the file', async () => {
    const { attachments } = await send(harness.personalMessage('export 7d', ADMIN));
    const upload = harness.connector.openUploadSession(attachments[0].name);
    // The session is gone (expired) by the time the bot uploads.
    harness.connector.uploads.clear();
    await send(harness.fileConsent(ADMIN, 'accept', attachments[0].content.acceptContext, upload));
    await harness.connector.waitFor((requests) => requests.some((request) => /could not send the export/.test(request.body?.text ?? '')));
    const said = harness.connector.requests.find((request) => /could not send the export/.test(request.body?.text ?? ''))!;
    assert.match(said.body.text, /^I could not send the export: The upload of bytes 0-\d+ of \d+ was answered 404: The upload session does not exist\. Say "export" to try again\.$/);
  });
});
