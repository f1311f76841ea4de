import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger';
import { startPlayground, type RunningPlayground } from '../../scripts/playground';

interface PlaygroundMessage {
  from: { id: string };
  text?: string;
  attachments?: { contentType: string; content: any }[];
}

/**
 * The Microsoft 365 Agents Playground (the real package) with the bot, driven the way its web UI
 * drives it: the UI posts the user's message to `/_conversation/v1/conversations/{id}/messages`
 * and receives the bot's messages on the `/_ws_conversation/v1/conversations/stream` websocket.
 */
describe('bot: Microsoft 365 Agents Playground', function () {
  this.timeout(90_000);
  let playground: RunningPlayground | undefined;
  let socket: WebSocket | undefined;

  after(async () => {
    socket?.close();
    await playground?.stop();
  });

  it('exchanges messages with the bot: help answers the help card, check file: an alert card', async () => {
    playground = await startPlayground({ botPort: 0, playgroundPort: 0, openBrowser: false, env: { LOG_LEVEL: 'silent' }, logger: createLogger('silent'), onPlaygroundOutput: () => undefined });
    const base = playground.playgroundUrl;
    const { config } = (await (await fetch(`${base}/_internal/v1/config`)).json()) as {
      config: { bot: { id: string }; currentUser: { id: string }; personalChat: { id: string } };
    };

    const received: PlaygroundMessage[] = [];
    const waiters: (() => void)[] = [];
    socket = new WebSocket(`${base.replace('http', 'ws')}/_ws_conversation/v1/conversations/stream`);
    await new Promise<void>((resolve, reject) => {
      socket!.onopen = () => resolve();
      socket!.onerror = () => reject(new Error('Could not open the playground websocket.'));
    });
    socket.onmessage = (event) => {
      const data = JSON.parse(String(event.data)) as { action?: string; message?: PlaygroundMessage };
      if (data.action === 'createMessage' && data.message && data.message.from.id === config.bot.id) {
        received.push(data.message);
        waiters.splice(0).forEach((wake) => wake());
      }
    };
    const say = async (text: string): Promise<PlaygroundMessage[]> => {
      const before = received.length;
      const response = await fetch(`${base}/_conversation/v1/conversations/${config.personalChat.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: { id: config.currentUser.id }, text, textFormat: 'plain' }),
      });
      assert.equal(response.status, 200, `the playground took "${text}"`);
      const deadline = Date.now() + 30_000;
      while (!received.slice(before).some((message) => message.attachments?.length)) {
        if (Date.now() > deadline) throw new Error(`No card came back for "${text}"; the bot said: ${JSON.stringify(received.slice(before))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 500);
        });
      }
      return received.slice(before);
    };

    const help = await say('help');
    const helpCard = help.flatMap((message) => message.attachments ?? []).find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive');
    assert.ok(helpCard, 'the help card came back through the playground');
    assert.match(JSON.stringify(helpCard.content), /set threshold/);

    // The playground reads check file: from the shared fixtures folder (its records folder here).
    const check = await say('check file:callrecord-v1-expanded-2024.json');
    const alertCard = check.flatMap((message) => message.attachments ?? []).find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive');
    assert.ok(alertCard, 'the alert card came back through the playground');
    assert.match(JSON.stringify(alertCard.content), /e523d2ed-2966-4b6b-925b-754a88034cc5/);

    // The chat the playground opened is kept as a conversation reference, like a real 1:1 chat.
    const record = await playground.store.conversations.getConversation(config.personalChat.id);
    assert.equal(record?.kind, 'personal');
  });
});
