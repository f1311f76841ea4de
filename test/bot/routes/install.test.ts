import assert from 'node:assert/strict';
import { ABBIE, ADMIN, BOT, BotHarness, GROUP_CHAT, OWEN, TEAM, TENANT } from '../bot-harness';

describe('bot: installation tracking', () => {
  let harness: BotHarness;

  beforeEach(async () => {
    harness = await BotHarness.start();
  });

  afterEach(async () => {
    await harness.close();
  });

  it('stores the personal conversation reference with the user\'s Entra object id and welcomes them', async () => {
    const { status } = await harness.send(harness.personalInstall(ABBIE));
    assert.equal(status, 200);
    const key = String(harness.personalConversation(ABBIE).id);
    const record = await harness.store.conversations.getConversation(key);
    assert.ok(record, 'the personal conversation is stored');
    assert.equal(record.kind, 'personal');
    assert.equal(record.userAadId, ABBIE.aadObjectId);
    assert.equal(record.tenantId, TENANT);
    assert.equal(record.serviceUrl, harness.connector.serviceUrl);
    const reference = record.reference as { bot: { id: string }; conversation: { id: string }; serviceUrl: string };
    assert.equal(reference.bot.id, BOT.id);
    assert.equal(reference.conversation.id, key);
    const found = await harness.store.conversations.findPersonalConversation(TENANT, ABBIE.aadObjectId);
    assert.equal(found?.key, key);
    // The welcome: a sentence and the help card, in that chat.
    const posts = harness.connector.posts(key);
    assert.equal(posts.length, 2);
    assert.match(posts[0]!.body.text, /poor quality/);
    assert.equal(harness.connector.cardsIn(posts).length, 1);
  });

  it('welcomes a user once when Teams sends both installationUpdate and conversationUpdate', async () => {
    await harness.send(harness.personalInstall(ABBIE));
    const membersAdded = { ...harness.personalInstall(ABBIE), type: 'conversationUpdate', membersAdded: [{ id: BOT.id }, { id: ABBIE.id }] };
    delete (membersAdded as Record<string, unknown>).action;
    await harness.send(membersAdded);
    assert.equal(harness.connector.posts().length, 2);
    assert.equal((await harness.store.conversations.listConversations({ kind: 'personal' })).length, 1);
  });

  it('stores a team\'s channel reference with the team id when the bot is added to a team, and removes every channel of the team when removed', async () => {
    await harness.send(harness.teamMembership(ADMIN, 'added'));
    const record = await harness.store.conversations.getConversation(TEAM.id);
    assert.ok(record);
    assert.equal(record.kind, 'channel');
    assert.equal(record.teamId, TEAM.id);
    assert.equal(record.channelId, TEAM.id);
    assert.equal(record.userAadId, null);
    assert.equal(harness.connector.posts().length, 0, 'no welcome is posted in a team');

    // A second channel of the same team, chosen for alerts.
    await harness.send(harness.channelMessage('alert here', ADMIN, { channel: { id: '19:other@thread.tacv2', name: 'Other' } }));
    assert.ok(await harness.store.conversations.getConversation('19:other@thread.tacv2'));

    await harness.send(harness.teamMembership(ADMIN, 'removed'));
    assert.equal(await harness.store.conversations.getConversation(TEAM.id), undefined);
    assert.equal(await harness.store.conversations.getConversation('19:other@thread.tacv2'), undefined);
  });

  it('stores a group chat on installationUpdate add and removes it on remove', async () => {
    await harness.send(harness.groupChatInstall(OWEN));
    const record = await harness.store.conversations.getConversation(GROUP_CHAT);
    assert.ok(record);
    assert.equal(record.kind, 'groupChat');
    assert.equal(record.userAadId, null);
    await harness.send(harness.groupChatInstall(OWEN, 'remove'));
    assert.equal(await harness.store.conversations.getConversation(GROUP_CHAT), undefined);
  });

  it('removes the personal reference on uninstall', async () => {
    await harness.send(harness.personalInstall(ABBIE));
    await harness.send(harness.personalInstall(ABBIE, 'remove'));
    assert.equal(await harness.store.conversations.findPersonalConversation(TENANT, ABBIE.aadObjectId), undefined);
  });
});
