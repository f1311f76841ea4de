import assert from 'node:assert/strict';
import { QueueServiceClient } from '@azure/storage-queue';
import type { EnqueueRequest } from '../../../src/store';
import { azureStoreResourceNames, openAzurePoisonQueue, openAzureStore } from '../../../src/store/azure';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';
import { dropOpenedStores, type OpenedStores } from './opened-stores';
import { runInProcess } from '../../cli/cli-harness';

describe('Azure store: the poison queue, listed and replayed (npm run cli -- poison)', function () {
  this.timeout(60_000);
  let azurite: AzuriteInstance;
  let queues: QueueServiceClient;
  const opened: OpenedStores = [];
  let next = 0;
  const tenantId = 'tenant-p';
  const calls = ['poisoned-1', 'poisoned-2', 'poisoned-3'];
  const request = (callId: string): EnqueueRequest => ({ tenantId, callId, source: 'notification' });
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

  /**
   * A store whose inbox holds three new calls whose group message an instance of an older build set
   * aside (as it records it), and one message this build itself set aside as unreadable.
   */
  const afterAnUpgrade = async () => {
    const prefix = `poison${(next += 1)}`;
    const store = await openAzureStore({ connectionString: azurite.connectionString }, { prefix });
    opened.push({ store, prefix });
    const names = azureStoreResourceNames(prefix);
    const inbox = queues.getQueueClient(names.queues.inbox);
    await store.inbox.enqueue(calls.map(request), Date.now());
    const [groupMessage] = (await inbox.receiveMessages({ numberOfMessages: 1 })).receivedMessageItems;
    await inbox.deleteMessage(groupMessage!.messageId, groupMessage!.popReceipt);
    await queues.getQueueClient(names.queues.poison).sendMessage(
      base64({ reason: 'The message is not a work message of this store.', queue: names.queues.inbox, messageId: groupMessage!.messageId, dequeueCount: 1, text: groupMessage!.messageText }),
    );
    await inbox.sendMessage('not base64 json');
    assert.equal((await store.inbox.claim(Date.now(), 8, 60_000)).length, 0, 'the unreadable message is set aside, and the calls have no message');
    return { store, prefix, names };
  };

  before(async () => {
    azurite = await startAzurite();
    queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });
  after(async () => {
    await dropOpenedStores(opened, azurite.connectionString);
    await azurite?.stop();
  });

  it('lists what was set aside, from which queue and why, and whether this build can take it back', async () => {
    const { prefix, names } = await afterAnUpgrade();
    const { total, oldest } = await openAzurePoisonQueue({ connectionString: azurite.connectionString }, { prefix }).list();
    assert.equal(total, 2);
    assert.deepEqual(
      oldest.map(({ queue, reason, dequeueCount, replayable }) => ({ queue, reason, dequeueCount, replayable })),
      [
        { queue: names.queues.inbox, reason: 'The message is not a work message of this store.', dequeueCount: 1, replayable: true },
        { queue: names.queues.inbox, reason: 'The message is not a work message of this store.', dequeueCount: 1, replayable: false },
      ],
    );
    assert.ok(oldest.every((message) => message.setAsideAt !== undefined && !Number.isNaN(Date.parse(message.setAsideAt))));
  });

  it('sends the messages this build reads back to their queue, keeps the others visible, and the calls drain', async () => {
    const { store, prefix } = await afterAnUpgrade();
    const poison = openAzurePoisonQueue({ connectionString: azurite.connectionString }, { prefix });
    assert.deepEqual(await poison.replay(), { replayed: 1, kept: 1 });
    const left = await poison.list();
    assert.equal(left.total, 1);
    assert.deepEqual(left.oldest.map((message) => message.replayable), [false], 'the unreadable one is still there, and visible');
    const claimed = await store.inbox.claim(Date.now(), 8, 60_000);
    assert.deepEqual(claimed.map((item) => item.callId).sort(), calls);
    assert.deepEqual(await poison.replay(), { replayed: 0, kept: 1 }, 'a second replay sends nothing twice');
  });

  describe('the CLI command', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    });

    it('lists and replays the poison queue of the configured Azure store', async () => {
      const { prefix } = await afterAnUpgrade();
      Object.assign(process.env, { STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_STORAGE_PREFIX: prefix });
      const listed = await runInProcess(['poison']);
      assert.equal(listed.code, 0, listed.stderr);
      const list = JSON.parse(listed.stdout) as { total: number; oldest: Array<{ replayable: boolean }> };
      assert.equal(list.total, 2);
      assert.deepEqual(list.oldest.map((message) => message.replayable), [true, false]);
      const replayed = await runInProcess(['poison', '--replay']);
      assert.equal(replayed.code, 0, replayed.stderr);
      assert.deepEqual(JSON.parse(replayed.stdout), { replayed: 1, kept: 1 });
    });

    it('says that the embedded store has no poison queue, and where its failed items are', async () => {
      Object.assign(process.env, { STORE: 'sqlite' });
      const outcome = await runInProcess(['poison']);
      assert.equal(outcome.code, 2);
      assert.equal(outcome.stdout, '');
      assert.match(outcome.stderr, /^The embedded store \(STORE=sqlite\) has no poison queue: its items that failed for good are dead items, listed by `inbox`\./);
    });
  });
});
