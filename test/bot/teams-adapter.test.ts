import assert from 'node:assert/strict';
import { createTeamsAdapter } from '../../src/bot/teams-adapter';
import { loadConfig } from '../../src/config';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';
import { ADMIN, BotHarness, GROUP_CHAT, OWEN } from './bot-harness';

const APP_ID = '5f0e6a58-0000-4000-8000-00000000b07b';

describe('bot: Bot Framework authentication', () => {
  let harness: BotHarness;
  const consoleError = console.error;
  let printed: unknown[][] = [];

  beforeEach(() => {
    // A refused request must not reach stderr (botbuilder's own `process` prints each one): count what would.
    printed = [];
    console.error = (...args: unknown[]) => void printed.push(args);
  });

  afterEach(async () => {
    console.error = consoleError;
    await harness?.close();
  });

  /** The generic refusal every refused request gets: no internal URL, no library error text. */
  function assertGenericRefusal(response: { status: number; body: any }, status: number, what: string): void {
    assert.equal(response.status, status, what);
    assert.deepEqual(Object.keys(response.body ?? {}).sort(), ['error', 'message'], `${what}: ${JSON.stringify(response.body)}`);
    assert.doesNotMatch(JSON.stringify(response.body), /http|metadata|signature|jwt|token|ENOTFOUND|validateAndFix/i, what);
  }

  it('accepts unsigned requests when no BOT_ID is set (local use)', async () => {
    harness = await BotHarness.start();
    const { status } = await harness.send(harness.groupChatInstall(OWEN));
    assert.equal(status, 200);
    assert.ok(await harness.store.conversations.getConversation(GROUP_CHAT));
  });

  it('refuses an unsigned request with 401 when BOT_ID is set (public-cloud configuration)', async () => {
    harness = await BotHarness.start({
      config: { bot: { id: APP_ID, password: 'not-a-real-secret', type: 'MultiTenant', adminUserIds: [ADMIN.aadObjectId], proactiveInstall: false } },
    });
    assertGenericRefusal(await harness.send(harness.groupChatInstall(OWEN)), 401, 'unsigned');
    // A token that claims the Bot Framework issuer makes botbuilder fetch the public OpenID metadata,
    // which cannot be reached here: still a plain 401, not a 500 naming the metadata URL.
    const claimed = new LoopbackBotConnector();
    const token = claimed.channelToken(APP_ID, harness.connector.serviceUrl);
    assertGenericRefusal(await harness.send(harness.groupChatInstall(OWEN), { authorization: `Bearer ${token}` }), 401, 'claims the Bot Framework issuer');
    assert.equal(await harness.store.conversations.getConversation(GROUP_CHAT), undefined, 'nothing was processed');
    assert.equal(harness.connector.requests.length, 0);
    assert.deepEqual(printed, [], 'nothing printed on stderr');
  });

  it('answers 400 with a short body for a body that is not an activity, before any authentication', async () => {
    harness = await BotHarness.start({
      config: { bot: { id: APP_ID, password: 'not-a-real-secret', type: 'MultiTenant', adminUserIds: [ADMIN.aadObjectId], proactiveInstall: false } },
    });
    const { type: _type, ...withoutType } = harness.groupChatInstall(OWEN);
    assertGenericRefusal(await harness.send(withoutType), 400, 'no type');
    assertGenericRefusal(await harness.send({ ...withoutType, type: 42 }), 400, 'a type that is not text');
    const array = await fetch(harness.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' });
    assert.equal(array.status, 400, 'an array');
    // restify's parser would answer with its own words ("Invalid JSON: Expected … at position 18"): the generic refusal instead.
    const notJson = await fetch(harness.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message", oops' });
    assertGenericRefusal({ status: notJson.status, body: await notJson.json() }, 400, 'a body that is not JSON');
    const huge = await fetch(harness.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"type":"message","text":"${'x'.repeat(2 * 1024 * 1024)}"}` });
    assertGenericRefusal({ status: huge.status, body: await huge.json() }, 413, 'a body larger than an activity');
    const head = await fetch(harness.endpoint, { method: 'HEAD' });
    assert.equal(head.status, 200, 'HEAD is answered quietly');
    assert.deepEqual(printed, []);
  });

  it('accepts a request signed by the channel and refuses forged, wrongly addressed or unsigned ones', async () => {
    const connector = await new LoopbackBotConnector().start();
    try {
      harness = await BotHarness.start({
        config: { bot: { id: APP_ID, password: 'not-a-real-secret', type: 'SingleTenant', tenantId: '11111111-2222-3333-4444-555555555555', adminUserIds: [], proactiveInstall: false } },
        botFrameworkEndpoints: {
          ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555',
          ToChannelFromBotOAuthScope: 'https://api.botframework.com',
          ToBotFromChannelTokenIssuer: LoopbackBotConnector.TOKEN_ISSUER,
          ToBotFromChannelOpenIdMetadataUrl: connector.openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: connector.openIdMetadataUrl,
          CallerId: 'urn:botframework:azure',
        },
      });
      const install = harness.groupChatInstall(OWEN);
      const serviceUrl = String(install.serviceUrl);
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

      assert.equal((await harness.send(install)).status, 401, 'unsigned');
      assert.equal((await harness.send(install, bearer(connector.channelToken('some-other-bot', serviceUrl)))).status, 401, 'for another bot');
      assert.equal((await harness.send(install, bearer(connector.channelToken(APP_ID, 'https://elsewhere.example.com/')))).status, 401, 'naming another service URL');
      // jsonwebtoken's own refusals (bad signature, expired) are plain errors to botbuilder: still 401 here.
      assertGenericRefusal(await harness.send(install, bearer(connector.channelToken(APP_ID, serviceUrl, { signWithOtherKey: true }))), 401, 'signed with a key the channel does not publish');
      assertGenericRefusal(await harness.send(install, bearer(connector.channelToken(APP_ID, serviceUrl, { expiresInSeconds: -3600 }))), 401, 'expired');
      assert.equal(await harness.store.conversations.getConversation(GROUP_CHAT), undefined);

      assert.equal((await harness.send(install, bearer(connector.channelToken(APP_ID, serviceUrl)))).status, 200, 'signed by the channel');
      assert.ok(await harness.store.conversations.getConversation(GROUP_CHAT), 'the signed install was processed');
    } finally {
      await connector.stop();
    }
  });

  it('checks the credentials for each BOT_TYPE when the configuration is read, and builds the adapter for each valid one', () => {
    const TENANT_ID = '11111111-2222-3333-4444-555555555555';
    assert.throws(() => loadConfig({ BOT_ID: APP_ID, BOT_TYPE: 'MultiTenant' }), /BOT_PASSWORD is required when BOT_ID is set and BOT_TYPE=MultiTenant/);
    assert.throws(() => loadConfig({ BOT_ID: APP_ID, BOT_TYPE: 'SingleTenant', BOT_PASSWORD: 'x' }), /BOT_TENANT_ID is required when BOT_TYPE=SingleTenant/);
    assert.throws(() => loadConfig({ BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi', BOT_PASSWORD: 'x', BOT_TENANT_ID: TENANT_ID }), /BOT_PASSWORD must not be set when BOT_TYPE=UserAssignedMsi/);
    assert.throws(() => loadConfig({ BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi' }), /BOT_TENANT_ID is required when BOT_TYPE=UserAssignedMsi/);
    for (const env of [
      { BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT_ID },
      { BOT_ID: APP_ID, BOT_TYPE: 'SingleTenant', BOT_PASSWORD: 'x', BOT_TENANT_ID: TENANT_ID },
      { BOT_ID: APP_ID, BOT_TYPE: 'MultiTenant', BOT_PASSWORD: 'x' },
      { BOT_TYPE: 'SingleTenant' },
    ]) {
      assert.ok(createTeamsAdapter(loadConfig(env).bot), `an adapter for ${JSON.stringify(env)}`);
    }
  });
});
