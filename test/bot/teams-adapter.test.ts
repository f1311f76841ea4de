import assert from 'node:assert/strict';
import { createTeamsAdapter } from '../../src/bot/teams-adapter';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';
import { ADMIN, BotHarness, GROUP_CHAT, OWEN } from './bot-harness';

const APP_ID = '5f0e6a58-0000-4000-8000-00000000b07b';

describe('bot: Bot Framework authentication', () => {
  let harness: BotHarness;
  const consoleError = console.error;

  beforeEach(() => {
    // botbuilder's CloudAdapter prints every refused request with console.error; the assertions say what matters.
    console.error = () => undefined;
  });

  afterEach(async () => {
    console.error = consoleError;
    await harness?.close();
  });

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
    const { status } = await harness.send(harness.groupChatInstall(OWEN));
    assert.equal(status, 401);
    assert.equal(await harness.store.conversations.getConversation(GROUP_CHAT), undefined, 'nothing was processed');
    assert.equal(harness.connector.requests.length, 0);
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
      // botbuilder 4.23 answers 500 (not 401) when jsonwebtoken itself rejects the token; either way nothing runs.
      const forged = await harness.send(install, bearer(connector.channelToken(APP_ID, serviceUrl, { signWithOtherKey: true })));
      assert.ok([401, 500].includes(forged.status), `signed with a key the channel does not publish: ${forged.status}`);
      const expired = await harness.send(install, bearer(connector.channelToken(APP_ID, serviceUrl, { expiresInSeconds: -3600 })));
      assert.ok([401, 500].includes(expired.status), `expired: ${expired.status}`);
      assert.equal(await harness.store.conversations.getConversation(GROUP_CHAT), undefined);

      assert.equal((await harness.send(install, bearer(connector.channelToken(APP_ID, serviceUrl)))).status, 200, 'signed by the channel');
      assert.ok(await harness.store.conversations.getConversation(GROUP_CHAT), 'the signed install was processed');
    } finally {
      await connector.stop();
    }
  });

  it('checks the credentials for each BOT_TYPE', () => {
    const base = { adminUserIds: [], proactiveInstall: false };
    assert.throws(() => createTeamsAdapter({ ...base, id: APP_ID, type: 'MultiTenant' }), /BOT_PASSWORD is required when BOT_ID is set and BOT_TYPE=MultiTenant/);
    assert.throws(() => createTeamsAdapter({ ...base, id: APP_ID, type: 'SingleTenant', password: 'x' }), /MicrosoftAppTenantId is required for SingleTenant/);
    assert.throws(() => createTeamsAdapter({ ...base, id: APP_ID, type: 'UserAssignedMsi', password: 'x', tenantId: 't' }), /BOT_PASSWORD must not be set when BOT_TYPE=UserAssignedMsi/);
    assert.throws(() => createTeamsAdapter({ ...base, id: APP_ID, type: 'UserAssignedMsi' }), /BOT_TENANT_ID is required when BOT_TYPE=UserAssignedMsi/);
    assert.ok(createTeamsAdapter({ ...base, id: APP_ID, type: 'UserAssignedMsi', tenantId: '11111111-2222-3333-4444-555555555555' }));
    assert.ok(createTeamsAdapter({ ...base, id: APP_ID, type: 'SingleTenant', password: 'x', tenantId: '11111111-2222-3333-4444-555555555555' }));
    assert.ok(createTeamsAdapter({ ...base, type: 'SingleTenant' }), 'without an id the type does not matter (no authentication)');
  });
});
