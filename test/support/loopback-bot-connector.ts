import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot made to the connector. */
export interface ConnectorRequest {
  method: string;
  /** The decoded path, without the query. */
  path: string;
  /** The conversation id in the path, decoded. */
  conversationId?: string;
  /** The activity id in the path, decoded. */
  activityId?: string;
  /** The JSON body, when there was one. */
  body: any;
  authorization: string | undefined;
  /** The status the connector answered with. */
  status: number;
  /** The id of the message a successful post created (a new thread's root message id for a channel). */
  createdId?: string;
  at: number;
}

/** A member as the connector returns it. */
export interface ConnectorMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  userRole?: string;
  tenantId?: string;
  [key: string]: unknown;
}

/** What Teams hands the bot in a file consent `accept`: where to upload the file (OneDrive for Business). */
export interface UploadInfo {
  name: string;
  uploadUrl: string;
  contentUrl: string;
  uniqueId: string;
  fileType: string;
  etag: string;
}

/** A file uploaded (or being uploaded) to a loopback upload session. */
export interface UploadSession {
  info: UploadInfo;
  /** The bytes received so far, in order. */
  bytes: Buffer;
  /** The total size the fragments announced, once known. */
  size: number | null;
  complete: boolean;
  /** Every PUT: its Content-Range and what the session answered. */
  fragments: Array<{ contentRange: string | undefined; length: number; status: number }>;
}

/** OneDrive takes fragments in multiples of 320 KiB, except the last, of at most 60 MiB each. */
const FRAGMENT_UNIT = 320 * 1024;
const MAX_FRAGMENT = 60 * 1024 * 1024;

/** A fault the connector answers with instead of doing the work. */
interface Fault {
  status: number;
  code: string;
  message: string;
  /** How many more requests get it (Infinity: until cleared). */
  remaining: number;
  retryAfterSeconds?: number;
  /** Which requests: every one to the conversation, or only writes (POST/PUT). */
  writesOnly: boolean;
}

/**
 * A Bot Connector service on 127.0.0.1 speaking the REST API botframework-connector calls:
 * `POST /v3/conversations` (1:1 chats and new channel threads), `POST /v3/conversations/{id}/activities`,
 * replies (`…/activities/{activityId}`), `PUT` updates, `DELETE`, members (`GET …/members`,
 * `…/members/{id}`, `…/pagedmembers`) and teams (`GET /v3/teams/{id}`, `…/conversations`).
 * It records every request, and can be told to throttle (429 with Retry-After), block
 * (403 `MessageWritesBlocked`) or forget (404 `ConversationNotFound`) a conversation.
 *
 * It also plays the channel's side of authentication: it publishes OpenID metadata and an RSA
 * signing key endorsed for `msteams` ({@link openIdMetadataUrl}, for the bot's
 * `ToBotFromChannelOpenIdMetadataUrl`) and mints the tokens the channel signs activities with
 * ({@link channelToken}). It has no token endpoint for the bot's own outgoing calls: botbuilder's
 * bundled msal-node insists on https and on instance discovery at login.microsoftonline.com, so
 * tests of outgoing calls run the bot without BOT_ID.
 */
export class LoopbackBotConnector {
  readonly requests: ConnectorRequest[] = [];
  private readonly server: http.Server;
  private readonly faults = new Map<string, Fault[]>();
  private readonly members = new Map<string, ConnectorMember[]>();
  private readonly teams = new Map<string, { id: string; name?: string; aadGroupId?: string; channels?: { id: string; name?: string }[] }>();
  /** Users (by Entra object id or id) for whom the app is installed, so a 1:1 chat can be created. */
  private readonly installedFor = new Set<string>();
  private nextId = 1;
  private port = 0;
  /** The key the channel signs its requests to the bot with (see {@link channelToken}). */
  private readonly signingKey: { privateKey: KeyObject; publicJwk: Record<string, unknown>; kid: string };
  private readonly waiters = new Set<() => void>();
  /** Upload sessions by id, as OneDrive for Business keeps them behind a file consent. */
  readonly uploads = new Map<string, UploadSession>();

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.signingKey = { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>, kid: 'loopback-channel-key' };
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'LoopbackFailure', message: (error as Error).message } }));
      });
    });
  }

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The service URL activities should carry (with a trailing slash, as Teams sends it). */
  get serviceUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The issuer of the channel's tokens, as Bot Framework's public cloud names it. */
  static readonly TOKEN_ISSUER = 'https://api.botframework.com';

  /**
   * The OpenID metadata URL of the channel's signing keys, for the bot's
   * `ToBotFromChannelOpenIdMetadataUrl` (the keys are endorsed for `msteams`).
   */
  get openIdMetadataUrl(): string {
    return `http://127.0.0.1:${this.port}/v1/.well-known/openidconfiguration`;
  }

  /**
   * A token as the Bot Framework channel puts in the Authorization header of the activities it
   * posts to a bot: RS256, issued by api.botframework.com, for the bot's app id, naming the
   * service URL. `signWithOtherKey` makes a well-formed token the bot must still refuse.
   */
  channelToken(appId: string, serviceUrl: string, options: { signWithOtherKey?: boolean; expiresInSeconds?: number } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.signingKey.kid };
    const payload = {
      iss: LoopbackBotConnector.TOKEN_ISSUER,
      aud: appId,
      serviceurl: serviceUrl,
      nbf: now - 60,
      iat: now - 60,
      exp: now + (options.expiresInSeconds ?? 3600),
    };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode(header)}.${encode(payload)}`;
    const key = options.signWithOtherKey ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : this.signingKey.privateKey;
    return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
  }

  /** Forgets recorded requests (faults and members stay). */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Answers the next `times` requests to a conversation (or `*`) with 429 and a Retry-After. */
  throttle(conversationId: string, times: number, retryAfterSeconds = 0, status = 429): void {
    this.addFault(conversationId, { status, code: status === 429 ? 'TooManyRequests' : 'ServiceError', message: 'Too many requests.', remaining: times, retryAfterSeconds, writesOnly: false });
  }

  /** Answers every write to a conversation with 403 MessageWritesBlocked (the app was removed or blocked). */
  block(conversationId: string): void {
    this.addFault(conversationId, { status: 403, code: 'MessageWritesBlocked', message: 'Thread is blocked for bot writes.', remaining: Infinity, writesOnly: true });
  }

  /** Answers every request to a conversation with 404 ConversationNotFound (the chat was deleted). */
  deleteConversation(conversationId: string): void {
    this.addFault(conversationId, { status: 404, code: 'ConversationNotFound', message: 'Conversation not found.', remaining: Infinity, writesOnly: false });
  }

  /** Removes every fault of a conversation. */
  clearFaults(conversationId: string): void {
    this.faults.delete(conversationId);
  }

  /** Lets `createConversation` open a 1:1 chat with a user (the app is installed for them). */
  installFor(userId: string): void {
    this.installedFor.add(userId);
  }

  /** Sets the members of a conversation or team. */
  setMembers(conversationOrTeamId: string, members: ConnectorMember[]): void {
    this.members.set(conversationOrTeamId, members);
  }

  /** Sets what `GET /v3/teams/{id}` answers. */
  setTeam(team: { id: string; name?: string; aadGroupId?: string; channels?: { id: string; name?: string }[] }): void {
    this.teams.set(team.id, team);
  }

  /** The conversation id the connector gives the 1:1 chat with a user. */
  personalConversationId(userId: string): string {
    return `a:personal-${userId}`;
  }

  /**
   * Opens an upload session as Teams does when a user accepts a file consent card, and returns the
   * `uploadInfo` the accept invoke carries. Its upload URL takes PUTs of byte ranges like OneDrive's
   * (`Content-Range: bytes start-end/total`, in order, multiples of 320 KiB but the last, no
   * Authorization header): 202 with `nextExpectedRanges` until the last byte, then 201 with the item.
   */
  openUploadSession(name: string): UploadInfo {
    const id = `upload-${this.nextId++}`;
    const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
    const info: UploadInfo = {
      name,
      uploadUrl: `http://127.0.0.1:${this.port}/upload/${id}`,
      contentUrl: `http://127.0.0.1:${this.port}/personal/documents/Applications/${encodeURIComponent(name)}`,
      uniqueId: `1150D938-8870-4044-9F2C-${String(this.nextId).padStart(12, '0')}`,
      fileType: extension,
      etag: '1',
    };
    this.uploads.set(id, { info, bytes: Buffer.alloc(0), size: null, complete: false, fragments: [] });
    return info;
  }

  /** The session behind an upload URL. */
  uploadAt(uploadUrl: string): UploadSession | undefined {
    return this.uploads.get(uploadUrl.slice(uploadUrl.lastIndexOf('/') + 1));
  }

  /** Recorded requests that created a message (a POST of an activity or a new thread). */
  posts(conversationId?: string): ConnectorRequest[] {
    return this.requests.filter(
      (request) =>
        request.status < 300 &&
        request.method === 'POST' &&
        (request.activityId !== undefined || request.path.endsWith('/activities') || (request.path === '/v3/conversations' && request.body?.activity)) &&
        (conversationId === undefined || sameConversation(this.conversationOf(request), conversationId)),
    );
  }

  /** Recorded successful updates (PUT) in a conversation. */
  updates(conversationId?: string): ConnectorRequest[] {
    return this.requests.filter(
      (request) => request.status < 300 && request.method === 'PUT' && (conversationId === undefined || sameConversation(request.conversationId!, conversationId)),
    );
  }

  /** The activity a recorded POST or PUT carried (a new thread's activity included). */
  activityOf(request: ConnectorRequest): any {
    return request.path === '/v3/conversations' ? request.body?.activity : request.body;
  }

  /** The Adaptive Card contents the recorded requests carried, in order. */
  cardsIn(requests: ConnectorRequest[]): any[] {
    return requests.flatMap((request) =>
      (this.activityOf(request)?.attachments ?? []).filter((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a: any) => a.content),
    );
  }

  /** Resolves once `predicate` holds over the recorded requests (checked after each request). */
  async waitFor(predicate: (requests: ConnectorRequest[]) => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate(this.requests)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`The loopback connector did not see the expected requests within ${timeoutMs} ms; it saw: ${this.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate(this.requests)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private conversationOf(request: ConnectorRequest): string {
    if (request.conversationId) return request.conversationId;
    return request.body?.channelData?.channel?.id ?? (request.body?.members?.[0]?.id ? this.personalConversationId(request.body.members[0].id) : '');
  }

  private addFault(conversationId: string, fault: Fault): void {
    this.faults.set(conversationId, [...(this.faults.get(conversationId) ?? []), fault]);
  }

  private takeFault(conversationId: string, method: string): Fault | undefined {
    for (const key of [conversationId, withoutThread(conversationId), '*']) {
      const faults = this.faults.get(key) ?? [];
      const fault = faults.find((candidate) => candidate.remaining > 0 && (!candidate.writesOnly || method === 'POST' || method === 'PUT'));
      if (fault) {
        fault.remaining -= 1;
        return fault;
      }
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/upload/')) {
      this.receiveFragment(req, res, url.pathname.slice('/upload/'.length), Buffer.concat(chunks));
      return;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const segments = url.pathname.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment));
    const path = `/${segments.join('/')}`;
    const method = req.method ?? 'GET';
    const request: ConnectorRequest = {
      method,
      path,
      body: text ? safeJson(text) : undefined,
      authorization: req.headers.authorization,
      status: 0,
      at: Date.now(),
    };
    if (segments[0] === 'v3' && segments[1] === 'conversations' && segments[2] !== undefined) request.conversationId = segments[2];
    if (segments[3] === 'activities' && segments[4] !== undefined) request.activityId = segments[4];

    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      request.status = status;
      this.requests.push(request);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
      for (const waiter of [...this.waiters]) waiter();
    };

    // The channel's OpenID metadata and signing keys (not recorded: the bot's token validation reads them).
    if (method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: LoopbackBotConnector.TOKEN_ISSUER, jwks_uri: `http://127.0.0.1:${this.port}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
      return;
    }
    if (method === 'GET' && path === '/v1/keys') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ ...this.signingKey.publicJwk, kid: this.signingKey.kid, use: 'sig', endorsements: ['msteams'] }] }));
      return;
    }

    const faultTarget = request.conversationId ?? this.conversationOf(request);
    const fault = faultTarget ? this.takeFault(faultTarget, method) : undefined;
    if (fault) {
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      answer(fault.status, { error: { code: fault.code, message: fault.message } }, headers);
      return;
    }

    // POST /v3/conversations: a 1:1 chat, or a new thread in a channel.
    if (method === 'POST' && path === '/v3/conversations') {
      const body = request.body ?? {};
      const channelId: string | undefined = body.channelData?.channel?.id;
      if (channelId) {
        const activityId = this.newId();
        request.createdId = activityId;
        answer(201, { id: `${channelId};messageid=${activityId}`, activityId });
        return;
      }
      const member: string | undefined = body.members?.[0]?.id;
      if (!member) {
        answer(400, { error: { code: 'BadArgument', message: 'members is required for a 1:1 conversation.' } });
        return;
      }
      if (!this.installedFor.has(member)) {
        answer(403, { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } });
        return;
      }
      answer(201, { id: this.personalConversationId(member) });
      return;
    }

    if (segments[0] === 'v3' && segments[1] === 'conversations' && request.conversationId) {
      const rest = segments.slice(3);
      if (method === 'POST' && rest[0] === 'activities') {
        if (!request.body || typeof request.body.type !== 'string') {
          answer(400, { error: { code: 'BadArgument', message: 'The activity has no type.' } });
          return;
        }
        request.createdId = this.newId();
        answer(201, { id: request.createdId });
        return;
      }
      if (method === 'PUT' && rest[0] === 'activities' && rest[1]) {
        answer(200, { id: rest[1] });
        return;
      }
      if (method === 'DELETE' && rest[0] === 'activities' && rest[1]) {
        answer(200);
        return;
      }
      if (method === 'GET' && rest[0] === 'members') {
        const members = this.members.get(request.conversationId) ?? this.members.get(withoutThread(request.conversationId)) ?? [];
        if (rest[1]) {
          const member = members.find((candidate) => candidate.id === rest[1] || candidate.aadObjectId === rest[1]);
          if (member) answer(200, member);
          else answer(404, { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found in the conversation.' } });
          return;
        }
        answer(200, members);
        return;
      }
      if (method === 'GET' && rest[0] === 'pagedmembers') {
        answer(200, { members: this.members.get(request.conversationId) ?? [] });
        return;
      }
    }

    if (method === 'GET' && segments[0] === 'v3' && segments[1] === 'teams' && segments[2]) {
      const team = this.teams.get(segments[2]);
      if (!team) {
        answer(404, { error: { code: 'NotFound', message: 'Team not found.' } });
        return;
      }
      if (segments[3] === 'conversations') answer(200, { conversations: team.channels ?? [] });
      else if (segments[3] === 'members') answer(200, this.members.get(team.id) ?? []);
      else answer(200, { id: team.id, name: team.name, aadGroupId: team.aadGroupId });
      return;
    }

    answer(404, { error: { code: 'NotFound', message: `The loopback connector does not serve ${method} ${path}.` } });
  }

  /** One PUT to an upload session, checked as OneDrive checks it. */
  private receiveFragment(req: http.IncomingMessage, res: http.ServerResponse, id: string, body: Buffer): void {
    const session = this.uploads.get(id);
    const contentRange = req.headers['content-range'];
    const reply = (status: number, answer: unknown) => {
      session?.fragments.push({ contentRange, length: body.length, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
      for (const waiter of [...this.waiters]) waiter();
    };
    const invalid = (status: number, code: string, message: string) => reply(status, { error: { code, message } });
    if (!session || req.method !== 'PUT') return invalid(404, 'itemNotFound', 'The upload session does not exist.');
    // The upload URL is pre-authenticated; OneDrive may refuse a request that carries a token.
    if (req.headers.authorization) return invalid(401, 'unauthenticated', 'Do not send an Authorization header to an upload URL.');
    if (session.complete) return invalid(409, 'uploadSessionComplete', 'The upload session is already complete.');
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange ?? '');
    if (!range) return invalid(400, 'invalidRange', `Content-Range "${contentRange ?? ''}" is not "bytes start-end/total".`);
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const expected = session.bytes.length;
    if (start !== expected || end < start || end >= total || (session.size !== null && total !== session.size)) {
      return invalid(416, 'invalidRange', `Expected bytes from ${expected}${session.size !== null ? ` of ${session.size}` : ''}; got ${contentRange}.`);
    }
    if (Number(req.headers['content-length']) !== body.length || body.length !== end - start + 1) {
      return invalid(400, 'invalidRange', `Content-Length ${req.headers['content-length']} and a body of ${body.length} bytes do not match ${contentRange}.`);
    }
    const last = end === total - 1;
    if (body.length > MAX_FRAGMENT || (!last && body.length % FRAGMENT_UNIT !== 0)) {
      return invalid(400, 'invalidRange', `A fragment must be a multiple of 320 KiB (but the last) and at most 60 MiB; got ${body.length} bytes.`);
    }
    session.size = total;
    session.bytes = Buffer.concat([session.bytes, body]);
    if (!last) return reply(202, { expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(), nextExpectedRanges: [`${end + 1}-`] });
    session.complete = true;
    return reply(201, { id: session.info.uniqueId, name: session.info.name, size: total, file: {} });
  }

  private newId(): string {
    return `1700000000${String(this.nextId++).padStart(3, '0')}`;
  }
}

function withoutThread(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at === -1 ? conversationId : conversationId.slice(0, at);
}

function sameConversation(a: string, b: string): boolean {
  return a === b || withoutThread(a) === withoutThread(b);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
