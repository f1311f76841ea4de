import { createHash, createHmac, randomBytes, randomUUID, constants as cryptoConstants, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LoopbackTlsCertificate } from './loopback-certificates';

/**
 * A loopback Microsoft Entra ID token endpoint over HTTPS, speaking OAuth 2.0 client credentials
 * the way `login.microsoftonline.com` does, for the real `@azure/msal-node` to talk to:
 *
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration` (the discovery document msal reads
 *   when its `knownAuthorities` names this host) and `GET /{tenant}/discovery/v2.0/keys`;
 * - `POST /{tenant}/oauth2/v2.0/token` with `grant_type=client_credentials`, authenticating the
 *   app by `client_secret` or by a `client_assertion` JWT (RS256 with `x5t`, or PS256 with
 *   `x5t#S256`) whose signature is checked against the registered certificate, and whose `aud`,
 *   `iss`, `sub`, `exp` and `nbf` are checked too;
 * - answers `{token_type, expires_in, ext_expires_in, access_token}` or Entra-style errors
 *   (`invalid_client` 401 with `AADSTS` codes, `invalid_request`, `unsupported_grant_type`,
 *   `invalid_scope`, `unauthorized_client` 400);
 * - faults on demand: any error status and description (a hostile one, too), a reset connection,
 *   a slow answer.
 *
 * Access tokens are HS256 JWTs (`tid`, `appid`, `aud` = the scope's resource, `roles`, `exp`)
 * that {@link LoopbackTokenServer.verifyAccessToken} checks, so the loopback Graph can refuse
 * anything it did not issue.
 */
export interface LoopbackTokenServer {
  /** The authority host, e.g. `https://127.0.0.1:41234` (use as `AUTHORITY_HOST`). */
  readonly url: string;
  readonly stats: LoopbackTokenStats;
  /** Every token request, oldest first. */
  readonly tokenRequests: readonly LoopbackTokenRequestRecord[];
  /** The claims of a token this server issued and that has not expired, else undefined. */
  verifyAccessToken(token: string): LoopbackAccessTokenClaims | undefined;
  /** Makes the next `count` token requests fail with the given Entra-style error. */
  failNextTokenRequests(count: number, failure?: Partial<LoopbackTokenFailure>): void;
  /** Drops injected failures not used yet (msal retries a 5xx once, so it may use fewer than injected). */
  clearInjectedFailures(): void;
  /** The next `count` token requests get their connection reset before any answer. */
  resetNextTokenRequests(count: number): void;
  /** The next `count` token requests are answered only after `ms`. */
  delayNextTokenRequests(count: number, ms: number): void;
  close(): Promise<void>;
}

/** An app registration the server knows. Give a secret, a certificate, or both. */
export interface LoopbackAppRegistration {
  clientId: string;
  clientSecret?: string;
  /** PEM of the certificate whose private key signs client assertions. */
  certificatePem?: string;
}

/** Options of {@link startLoopbackTokenServer}. */
export interface LoopbackTokenServerOptions {
  tls: LoopbackTlsCertificate;
  apps: LoopbackAppRegistration[];
  /** Tenants the apps are consented in; any tenant when omitted. */
  tenants?: string[];
  /** `expires_in` of issued tokens, default 3599. */
  tokenLifetimeSeconds?: number;
  now?: () => number;
}

/** Counts for assertions. */
export interface LoopbackTokenStats {
  discoveryRequests: number;
  tokenRequests: number;
  tokensIssued: number;
  refused: number;
  /** Connections reset on purpose. */
  resets: number;
  byTenant: Record<string, number>;
}

/** One token request as the server saw it (never the secret or the assertion itself). */
export interface LoopbackTokenRequestRecord {
  tenantId: string;
  clientId: string | undefined;
  grantType: string | undefined;
  scope: string | undefined;
  authentication: 'client_secret' | 'client_assertion' | 'none';
  /** The assertion's JOSE header, for certificate requests. */
  assertionHeader?: Record<string, unknown>;
  status: number;
  error?: string;
}

/** Claims of an issued access token. */
export interface LoopbackAccessTokenClaims {
  tid: string;
  appid: string;
  aud: string;
  roles: string[];
  exp: number;
  iat: number;
}

/** A failure {@link LoopbackTokenServer.failNextTokenRequests} injects. */
export interface LoopbackTokenFailure {
  status: number;
  error: string;
  description: string;
  errorCode: number;
  retryAfterSeconds?: number;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLOCK_SKEW_SECONDS = 300;

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorCode: number,
    description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

/** Starts the token server on 127.0.0.1 with an ephemeral port. */
export async function startLoopbackTokenServer(options: LoopbackTokenServerOptions): Promise<LoopbackTokenServer> {
  const now = options.now ?? Date.now;
  const signingKey = randomBytes(32);
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const apps = new Map(options.apps.map((app) => [app.clientId, app]));
  const tenants = options.tenants ? new Set(options.tenants.map((tenant) => tenant.toLowerCase())) : undefined;
  const stats: LoopbackTokenStats = { discoveryRequests: 0, tokenRequests: 0, tokensIssued: 0, refused: 0, resets: 0, byTenant: {} };
  const tokenRequests: LoopbackTokenRequestRecord[] = [];
  const failures: LoopbackTokenFailure[] = [];
  let resets = 0;
  const delays: number[] = [];
  let origin = '';

  const issueToken = (tenantId: string, clientId: string, resource: string): string => {
    const iat = Math.floor(now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
    const claims = {
      aud: resource,
      iss: `${origin}/${tenantId}/v2.0`,
      iat,
      nbf: iat,
      exp: iat + lifetime,
      appid: clientId,
      azp: clientId,
      tid: tenantId,
      idtyp: 'app',
      roles: ['CallRecords.Read.All'],
      oid: randomUUID(),
      ver: '2.0',
    };
    const payload = base64url(JSON.stringify(claims));
    const signature = createHmac('sha256', signingKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  };

  const verifyAccessToken = (token: string): LoopbackAccessTokenClaims | undefined => {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const expected = createHmac('sha256', signingKey).update(`${parts[0]}.${parts[1]}`).digest();
    const actual = Buffer.from(parts[2]!, 'base64url');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as LoopbackAccessTokenClaims;
    if (claims.exp * 1000 <= now()) return undefined;
    return claims;
  };

  const authenticateWithAssertion = (app: LoopbackAppRegistration, assertion: string, tokenEndpoint: string): Record<string, unknown> => {
    const parts = assertion.split('.');
    if (parts.length !== 3) throw new OAuthError(401, 'invalid_client', 700025, 'AADSTS700025: Client assertion is not a JWT.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new OAuthError(401, 'invalid_client', 700025, 'AADSTS700025: Client assertion is not a readable JWT.');
    }
    if (!app.certificatePem) {
      throw new OAuthError(401, 'invalid_client', 700027, `AADSTS700027: No certificate is registered for application '${app.clientId}'.`);
    }
    const certificate = new X509Certificate(app.certificatePem);
    const sha256 = createHash('sha256').update(certificate.raw).digest('base64url');
    const sha1 = createHash('sha1').update(certificate.raw).digest('base64url');
    const thumbprintMatches = header['x5t#S256'] === sha256 || (header['x5t#S256'] === undefined && header.x5t === sha1);
    if (!thumbprintMatches) {
      throw new OAuthError(401, 'invalid_client', 700027, `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application '${app.clientId}'.`);
    }
    const signedPart = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, 'base64url');
    let valid: boolean;
    if (header.alg === 'PS256') {
      valid = verify('sha256', signedPart, { key: certificate.publicKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST }, signature);
    } else if (header.alg === 'RS256') {
      valid = verify('sha256', signedPart, certificate.publicKey, signature);
    } else {
      throw new OAuthError(401, 'invalid_client', 5002738, `AADSTS5002738: The client assertion algorithm '${String(header.alg)}' is not supported.`);
    }
    if (!valid) throw new OAuthError(401, 'invalid_client', 700027, 'AADSTS700027: The client assertion signature is not valid.');
    const nowSeconds = Math.floor(now() / 1000);
    if (claims.aud !== tokenEndpoint) {
      throw new OAuthError(401, 'invalid_client', 700021, `AADSTS700021: The client assertion audience '${String(claims.aud)}' is not the token endpoint.`);
    }
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) {
      throw new OAuthError(401, 'invalid_client', 700023, 'AADSTS700023: The client assertion issuer and subject must be the client id.');
    }
    if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS < nowSeconds) {
      throw new OAuthError(401, 'invalid_client', 700024, 'AADSTS700024: The client assertion has expired.');
    }
    if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SECONDS > nowSeconds) {
      throw new OAuthError(401, 'invalid_client', 700024, 'AADSTS700024: The client assertion is not yet valid.');
    }
    return header;
  };

  const handleToken = (
    tenantId: string,
    form: URLSearchParams,
    request: IncomingMessage,
  ): { status: number; body: unknown; record: LoopbackTokenRequestRecord; headers: Record<string, string> } => {
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
    const [basicId, basicSecret] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
    const clientId = form.get('client_id') ?? (basicId ? decodeURIComponent(basicId) : undefined);
    const record: LoopbackTokenRequestRecord = {
      tenantId,
      clientId,
      grantType: form.get('grant_type') ?? undefined,
      scope: form.get('scope') ?? undefined,
      authentication: 'none',
      status: 200,
    };
    try {
      const failure = failures.shift();
      if (failure) {
        throw new OAuthError(failure.status, failure.error, failure.errorCode, failure.description, failure.retryAfterSeconds);
      }
      if (record.grantType !== 'client_credentials') {
        throw new OAuthError(400, 'unsupported_grant_type', 70003, `AADSTS70003: The grant type '${record.grantType ?? ''}' is not supported by this loopback endpoint.`);
      }
      if (!clientId) throw new OAuthError(400, 'invalid_request', 900144, "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
      const app = apps.get(clientId);
      if (!app) {
        throw new OAuthError(400, 'unauthorized_client', 700016, `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`);
      }
      if (tenants && !tenants.has(tenantId.toLowerCase())) {
        throw new OAuthError(400, 'invalid_request', 90002, `AADSTS90002: Tenant '${tenantId}' not found.`);
      }
      const secret = form.get('client_secret') ?? (basicSecret !== undefined ? decodeURIComponent(basicSecret) : undefined);
      const assertion = form.get('client_assertion');
      if (secret !== null && secret !== undefined) {
        record.authentication = 'client_secret';
        if (!app.clientSecret || !sameText(secret, app.clientSecret)) {
          throw new OAuthError(401, 'invalid_client', 7000215, `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
        }
      } else if (assertion) {
        record.authentication = 'client_assertion';
        if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
          throw new OAuthError(400, 'invalid_request', 70002, `AADSTS70002: client_assertion_type must be '${ASSERTION_TYPE}'.`);
        }
        record.assertionHeader = authenticateWithAssertion(app, assertion, `${origin}/${tenantId}/oauth2/v2.0/token`);
      } else {
        throw new OAuthError(401, 'invalid_client', 7000218, "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
      }
      const scope = record.scope ?? '';
      const resource = /^(.+)\/\.default$/.exec(scope)?.[1];
      if (!resource || scope.includes(' ')) {
        throw new OAuthError(400, 'invalid_scope', 1002012, `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
      }
      stats.tokensIssued += 1;
      const body = { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issueToken(tenantId, clientId, resource) };
      return { status: 200, body, record, headers: {} };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      stats.refused += 1;
      record.status = error.status;
      record.error = error.error;
      const traceId = randomUUID();
      const correlationId = request.headers['client-request-id'] ?? randomUUID();
      const timestamp = new Date(now()).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
      const body = {
        error: error.error,
        error_description: `${error.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${String(correlationId)}\r\nTimestamp: ${timestamp}`,
        error_codes: [error.errorCode],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${origin}/error?code=${error.errorCode}`,
      };
      const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
      return { status: error.status, body, record, headers };
    }
  };

  const server = https.createServer({ key: options.tls.key, cert: options.tls.cert }, (request, response) => {
    void route(request, response).catch((error: unknown) => {
      send(response, 500, { error: 'server_error', error_description: `Loopback token server failed: ${(error as Error).message}` });
    });
  });

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', origin);
    const discovery = /^\/([^/]+)\/(v2\.0\/)?\.well-known\/openid-configuration$/.exec(url.pathname);
    if (request.method === 'GET' && discovery) {
      stats.discoveryRequests += 1;
      const tenant = decodeURIComponent(discovery[1]!);
      send(response, 200, {
        token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${origin}/${tenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${origin}/oidc/userinfo`,
        authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
        tenant_region_scope: 'EU',
        cloud_instance_name: '127.0.0.1',
      });
      return;
    }
    if (request.method === 'GET' && /^\/[^/]+\/discovery\/v2\.0\/keys$/.test(url.pathname)) {
      send(response, 200, { keys: [] });
      return;
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token) {
      if (request.method !== 'POST') {
        send(response, 405, { error: 'invalid_request', error_description: 'AADSTS900561: The endpoint only accepts POST requests.' });
        return;
      }
      const tenantId = decodeURIComponent(token[1]!);
      stats.tokenRequests += 1;
      stats.byTenant[tenantId] = (stats.byTenant[tenantId] ?? 0) + 1;
      const contentType = request.headers['content-type'] ?? '';
      const text = await readBody(request);
      const delay = delays.shift();
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
      if (resets > 0) {
        resets -= 1;
        stats.resets += 1;
        request.socket.destroy();
        return;
      }
      if (!contentType.startsWith('application/x-www-form-urlencoded')) {
        send(response, 400, { error: 'invalid_request', error_description: 'AADSTS900144: The request body must be application/x-www-form-urlencoded.' });
        return;
      }
      const { status, body, record, headers } = handleToken(tenantId, new URLSearchParams(text), request);
      tokenRequests.push(record);
      send(response, status, body, headers);
      return;
    }
    send(response, 404, { error: 'invalid_request', error_description: `AADSTS90100: ${url.pathname} is not an endpoint of this loopback authority.` });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    stats,
    tokenRequests,
    verifyAccessToken,
    failNextTokenRequests(count, failure = {}) {
      for (let index = 0; index < count; index += 1) {
        failures.push({
          status: failure.status ?? 503,
          error: failure.error ?? 'temporarily_unavailable',
          description: failure.description ?? 'AADSTS90006: The server is temporarily unavailable (injected by the test).',
          errorCode: failure.errorCode ?? 90006,
          retryAfterSeconds: failure.retryAfterSeconds,
        });
      }
    },
    clearInjectedFailures() {
      failures.length = 0;
      resets = 0;
      delays.length = 0;
    },
    resetNextTokenRequests(count) {
      resets += count;
    },
    delayNextTokenRequests(count, ms) {
      for (let index = 0; index < count; index += 1) delays.push(ms);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store, no-cache',
    ...headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
