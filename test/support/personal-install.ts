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
