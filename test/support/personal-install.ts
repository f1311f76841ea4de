import assert from 'node:assert/strict';
import { assertValidCard } from '../bot/card-inspection';
import type { ConversationRecord } from '../../src/store';
import type { LoopbackBotConnector } from './loopback-bot-connector';

/** The bot's own account in the loopback tests. */
export const LOOPBACK_BOT = { id: '28:00000000-0000-0000-0000-00000000b07b', name: 'Call Quality' };

/** Who installed the app, and where their 1:1 chat with the bot is. */
export interface PersonalInstall {
  /** The Bot Connector the bot answers through (`LoopbackBotConnector.serviceUrl`). */
  serviceUrl: string;
  tenantId: string;
  /** The personal chat's conversation id. */
  chatId: string;
  user: { id: string; name: string; aadObjectId: string };
}

/** The conversation record the bot keeps for an install, to seed a store with (as if the install had been posted). */
export function personalChatRecord(install: PersonalInstall, installedAt = Date.now()): ConversationRecord {
  const { user, tenantId, chatId, serviceUrl } = install;
  return {
    key: chatId, kind: 'personal', tenantId, userAadId: user.aadObjectId, teamId: null, channelId: null, serviceUrl,
    reference: { bot: LOOPBACK_BOT, user: { id: user.id, aadObjectId: user.aadObjectId }, conversation: { id: chatId, conversationType: 'personal', tenantId } },
    installedAt, deadReason: null,
  };
}

/**
 * POSTs the `installationUpdate` (add, personal scope) Teams sends when a user installs the app to
 * a running bot without credentials, so that it keeps the chat's reference; resolves to the status.
 */
export async function postPersonalInstall(port: number, install: PersonalInstall): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'installationUpdate',
      action: 'add',
      id: `install-${install.chatId}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: install.serviceUrl,
      from: install.user,
      recipient: LOOPBACK_BOT,
      conversation: { conversationType: 'personal', tenantId: install.tenantId, id: install.chatId },
      channelData: { tenant: { id: install.tenantId }, source: { name: 'message' } },
      locale: 'en-US',
    }),
  });
  await response.text();
  return response.status;
}

/** Where {@link askInPersonalChat} sends: a running bot and the 1:1 chat a user installed it in. */
export interface PersonalChat {
  port: number;
  connector: LoopbackBotConnector;
  tenantId: string;
  chatId: string;
  user: PersonalInstall['user'];
}

/**
 * Sends `text` in a user's 1:1 chat with a running bot (without credentials), as Teams would,
 * expecting 200; resolves to the one card the bot answered with, checked to be valid for Teams.
 */
export async function askInPersonalChat(chat: PersonalChat, text: string, options: { id: string; timestamp?: string }): Promise<any> {
  const { connector } = chat;
  const before = connector.requests.length;
  const response = await fetch(`http://127.0.0.1:${chat.port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: options.id,
      timestamp: options.timestamp ?? new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      from: chat.user,
      recipient: LOOPBACK_BOT,
      conversation: { conversationType: 'personal', tenantId: chat.tenantId, id: chat.chatId },
      channelData: { tenant: { id: chat.tenantId } },
      locale: 'en-US',
      text,
      textFormat: 'plain',
    }),
  });
  await response.text();
  assert.equal(response.status, 200, `the bot answered "${text}"`);
  const cards = connector.cardsIn(connector.posts(chat.chatId).filter((request) => connector.requests.indexOf(request) >= before));
  assert.equal(cards.length, 1, `one card answers "${text}"`);
  assertValidCard(cards[0]);
  return cards[0];
}
