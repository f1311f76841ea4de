import type restify from 'restify';
import { assessCall } from '../../src/alerts';
import { createBot, type Bot, type CreateBotOptions } from '../../src/bot';
import { storedReportOf } from '../../src/ingest';
import { resolveScoringOptions, type JsonObject } from '../../src/quality';
import { createLogger } from '../../src/logger';
import { createServer, listen } from '../../src/server';
import { openSqliteStore, type Store, type StoredReport } from '../../src/store';
import { LoopbackBotConnector, type ConnectorRequest } from '../support/loopback-bot-connector';
import { assertValidCard } from './card-inspection';
import { loadFixture } from '../support/graph-fixtures';

export const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
export const BOT = { id: '28:00000000-0000-0000-0000-00000000b07b', name: 'Call Quality' };

/** A Teams user of the tests. */
export interface TestUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export const ABBIE: TestUser = { id: '29:abbie', name: 'Abbie Wilkins', aadObjectId: '821809f5-0000-0000-0000-3b5136c0e777' };
export const OWEN: TestUser = { id: '29:owen', name: 'Owen Franklin', aadObjectId: 'f69e2c00-0000-0000-0000-185e5f5f5d8a' };
export const ADMIN: TestUser = { id: '29:ada', name: 'Ada Admin', aadObjectId: 'aaaaaaaa-0000-0000-0000-00000000adm1' };

export const TEAM = { id: '19:general-ops@thread.tacv2', name: 'IT Ops', aadGroupId: '0000000a-0000-0000-0000-0000000000a1' };
export const ALERTS_CHANNEL = { id: '19:call-alerts@thread.tacv2', name: 'Call alerts' };
export const GROUP_CHAT = '19:group-chat-1@thread.v2';

/** The bot behind a real restify server, a SQLite store and a loopback Bot Connector. */
export class BotHarness {
  private sequence = 0;

  private constructor(
    readonly bot: Bot,
    readonly store: Store,
    readonly connector: LoopbackBotConnector,
    private readonly server: restify.Server,
    readonly port: number,
    private readonly ownsStore: boolean,
  ) {}

  /** A bot with its own in-memory store, or on `store` (several instances sharing one, which the caller closes). */
  static async start(overrides: Partial<Omit<CreateBotOptions, 'config'>> & { config?: Partial<CreateBotOptions['config']> } = {}): Promise<BotHarness> {
    const connector = await new LoopbackBotConnector().start();
    const ownsStore = !overrides.store;
    const store = overrides.store ?? openSqliteStore({ path: ':memory:' });
    const logger = createLogger('silent');
    const { config: configOverrides, ...rest } = overrides;
    const bot = createBot({
      config: {
        bot: { adminUserIds: [ADMIN.aadObjectId], type: 'MultiTenant', proactiveInstall: false },
        alerts: { channelPolicy: 'all' },
        qualitySettings: {},
        graph: { tenantIds: [TENANT] },
        ...configOverrides,
      },
      store,
      logger,
      sendRetry: { baseDelayMs: 5, maxDelayMs: 2_000 },
      ...rest,
    });
    const server = createServer(logger, [bot.routes]);
    const port = await listen(server, 0, '127.0.0.1');
    return new BotHarness(bot, store, connector, server, port, ownsStore);
  }

  async close(): Promise<void> {
    await this.bot.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.connector.stop();
    if (this.ownsStore) await this.store.close();
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}/api/messages`;
  }

  /**
   * Sends a message (expecting 200) and resolves to what the bot posted in answer: the requests,
   * their texts and their cards, each card checked to be valid for Teams.
   */
  async ask(activity: JsonObject): Promise<{ posted: ConnectorRequest[]; texts: string[]; cards: any[] }> {
    const before = this.connector.requests.length;
    const { status } = await this.send(activity);
    if (status !== 200) throw new Error(`The bot answered ${status} to "${String(activity.text)}".`);
    const posted = this.connector.requests.slice(before).filter((request) => request.method === 'POST');
    const texts = posted.map((request) => request.body?.text).filter((text): text is string => typeof text === 'string');
    const cards = this.connector.cardsIn(posted);
    for (const card of cards) assertValidCard(card);
    return { posted, texts, cards };
  }

  /** Posts an activity to /api/messages as Teams would; resolves to the HTTP status and body. */
  async send(activity: JsonObject, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON.
    }
    return { status: response.status, body };
  }

  private base(conversation: JsonObject, from: TestUser, channelData: JsonObject): JsonObject {
    return {
      id: `incoming-${++this.sequence}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.connector.serviceUrl,
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      recipient: BOT,
      conversation,
      channelData: { tenant: { id: TENANT }, ...channelData },
      locale: 'en-US',
    };
  }

  personalConversation(user: TestUser): JsonObject {
    return { conversationType: 'personal', tenantId: TENANT, id: `a:chat-with-${user.id.slice(3)}` };
  }

  /** A message in the 1:1 chat with a user. */
  personalMessage(text: string, from: TestUser = ABBIE): JsonObject {
    return { ...this.base(this.personalConversation(from), from, {}), type: 'message', text, textFormat: 'plain' };
  }

  /** A message in a team channel, @mentioning the bot unless told not to. */
  channelMessage(text: string, from: TestUser, options: { channel?: { id: string; name: string }; mention?: boolean } = {}): JsonObject {
    const channel = options.channel ?? { id: TEAM.id, name: 'General' };
    const mention = options.mention ?? true;
    const mentionText = `<at>${BOT.name}</at>`;
    return {
      ...this.base(
        { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${channel.id};messageid=${1000 + this.sequence}` },
        from,
        { teamsTeamId: TEAM.id, teamsChannelId: channel.id, team: { id: TEAM.id, name: TEAM.name, aadGroupId: TEAM.aadGroupId }, channel },
      ),
      type: 'message',
      text: mention ? `${mentionText} ${text}` : text,
      textFormat: 'plain',
      entities: mention ? [{ type: 'mention', mentioned: BOT, text: mentionText }] : [],
    };
  }

  /** The app added in a user's personal scope (installationUpdate). */
  personalInstall(user: TestUser, action: 'add' | 'remove' = 'add'): JsonObject {
    return { ...this.base(this.personalConversation(user), user, { source: { name: 'message' } }), type: 'installationUpdate', action };
  }

  /** The app added to (or removed from) a team: conversationUpdate with the bot among the members. */
  teamMembership(by: TestUser, change: 'added' | 'removed'): JsonObject {
    return {
      ...this.base({ isGroup: true, conversationType: 'channel', tenantId: TENANT, id: TEAM.id }, by, {
        eventType: change === 'added' ? 'teamMemberAdded' : 'teamMemberRemoved',
        team: { id: TEAM.id, name: TEAM.name, aadGroupId: TEAM.aadGroupId },
        channel: { id: TEAM.id, name: 'General' },
      }),
      type: 'conversationUpdate',
      ...(change === 'added' ? { membersAdded: [{ id: BOT.id }] } : { membersRemoved: [{ id: BOT.id }] }),
    };
  }

  /** The app added to (or removed from) a group chat: installationUpdate. */
  groupChatInstall(by: TestUser, action: 'add' | 'remove' = 'add'): JsonObject {
    return { ...this.base({ isGroup: true, conversationType: 'groupChat', tenantId: TENANT, id: GROUP_CHAT }, by, {}), type: 'installationUpdate', action };
  }

  /** An Action.Execute from a card the bot sent (`replyToId` is the card's activity id). */
  cardAction(conversation: JsonObject, from: TestUser, verb: string, data: JsonObject, replyToId: string, channelData: JsonObject = {}): JsonObject {
    return {
      ...this.base(conversation, from, channelData),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    };
  }

  /**
   * What Teams sends when a user answers a file consent card in their 1:1 chat: `fileConsent/invoke`
   * with the card's context, and on accept the upload session Teams opened in their OneDrive.
   */
  fileConsent(from: TestUser, action: 'accept' | 'decline', context: unknown, uploadInfo?: JsonObject | object, replyToId = 'consent-card'): JsonObject {
    return {
      ...this.base(this.personalConversation(from), from, {}),
      type: 'invoke',
      name: 'fileConsent/invoke',
      replyToId,
      value: { type: 'fileUpload', action, context, ...(uploadInfo ? { uploadInfo } : {}) },
    } as JsonObject;
  }

  /** Installs the app for a user in the loopback connector and tells the bot (personal scope). */
  async installPersonal(user: TestUser): Promise<void> {
    this.connector.installFor(user.aadObjectId);
    const { status } = await this.send(this.personalInstall(user));
    if (status !== 200) throw new Error(`Installing for ${user.name} answered ${status}.`);
  }

  /** Adds the app to the team and chooses the alerts channel with `alert here` (as the admin). */
  async setUpAdminsChannel(): Promise<void> {
    await this.send(this.teamMembership(ADMIN, 'added'));
    const { status } = await this.send(this.channelMessage('alert here', ADMIN, { channel: ALERTS_CHANNEL }));
    if (status !== 200) throw new Error(`"alert here" answered ${status}.`);
  }

  /** Scores a call record and records it (queuing an alert job when it alerts) as the ingest worker stores it. */
  async recordCall(record: JsonObject, processedAt = Date.now()): Promise<StoredReport> {
    const { report, summary } = assessCall(record, resolveScoringOptions({}));
    const entry = storedReportOf({ tenantId: TENANT, callId: String(record.id) }, record, report, summary, processedAt);
    await this.store.reports.recordReport(entry, report.alert);
    return entry;
  }
}

/** The 2024 fixture: a good call a participant rated bad (an alert). */
export function ratedBadRecord(callId: string, options: { organizer?: TestUser; version?: number } = {}): JsonObject {
  const record = loadFixture('callrecord-v1-expanded-2024.json');
  record.id = callId;
  record.version = options.version ?? 1;
  delete record['sessions@odata.nextLink'];
  const organizer = options.organizer ?? ABBIE;
  record.organizer = { user: { id: organizer.aadObjectId, displayName: organizer.name, tenantId: TENANT } };
  return record;
}

/** The same call with its first audio stream's jitter at `jitterMs` (poor above 30 ms). */
export function poorRecord(callId: string, options: { organizer?: TestUser; version?: number; jitterMs?: number } = {}): JsonObject {
  const record = ratedBadRecord(callId, options);
  const sessions = record.sessions as any[];
  const stream = sessions[0].segments[0].media[0].streams[0];
  stream.packetUtilization = 5000;
  stream.averageJitter = `PT${((options.jitterMs ?? 90) / 1000).toFixed(3)}S`;
  return record;
}

/** Waits for an async condition (background delivery), polling. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'the condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
