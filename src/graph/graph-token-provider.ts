import { AuthError, ConfidentialClientApplication, LogLevel, ServerError, type Configuration } from '@azure/msal-node';
import type { Logger } from '../logger';
import { readClientCertificate, type ClientCertificate } from './client-certificate';
import { GraphRequestError } from './graph-request-error';
import { sanitizeServiceCode, sanitizeUpstreamText } from '../upstream-text';

/** How the app proves who it is: a client secret, or a PEM file with its private key and certificate. */
export type GraphCredential = { clientSecret: string } | { certificatePath: string };

/** Options of {@link GraphTokenProvider}. */
export interface GraphTokenProviderOptions {
  /** e.g. `https://login.microsoftonline.com` (no tenant, no trailing slash). */
  authorityHost: string;
  clientId: string;
  credential: GraphCredential;
  /** e.g. `https://graph.microsoft.com/.default`. */
  scope: string;
  logger: Logger;
}

/** Hosts msal knows (its built-in instance metadata covers them); any other host is declared known. */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

const TENANT_ID = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/;

/** Entra ID error codes that mean the same request may succeed later. */
const RETRYABLE_AUTH_CODES = new Set([
  'network_error',
  'request_timeout',
  'temporarily_unavailable',
  'server_error',
  // The authority's discovery document could not be fetched: down, or AUTHORITY_HOST is wrong.
  'endpoints_resolution_error',
  'openid_config_error',
]);

/** How long before its expiry a token is renewed: msal's own default (`tokenRenewalOffsetSeconds`). */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * Access tokens for Graph with the client-credentials flow of `@azure/msal-node`: one
 * `ConfidentialClientApplication` per tenant (each caches its tokens), created on first use.
 * Concurrent first requests for a tenant share one token request.
 *
 * The token msal gave is then held here until msal would renew it (its `refreshOn`, or five minutes
 * before it expires), as the Azure SDK's bearer-token policy holds its credential's token: msal
 * answers every request from its cache, but builds an authority and searches its cache each time
 * (2.6 % of the bot's CPU in a drain profile, for every Graph request).
 */
export class GraphTokenProvider {
  private readonly applications = new Map<string, ConfidentialClientApplication>();
  private readonly held = new Map<string, { accessToken: string; renewAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly refreshNext = new Set<string>();
  private readonly certificate: ClientCertificate | undefined;
  private readonly authorityHost: string;

  constructor(private readonly options: GraphTokenProviderOptions) {
    const url = new URL(options.authorityHost);
    if (url.protocol !== 'https:') {
      throw new TypeError(`The authority host ${options.authorityHost} must be an https URL: msal-node refuses any other (set AUTHORITY_HOST).`);
    }
    this.authorityHost = url.origin + url.pathname.replace(/\/+$/, '');
    const credential = options.credential as Partial<{ clientSecret: string; certificatePath: string }>;
    if (credential.clientSecret && credential.certificatePath) {
      throw new TypeError('Give the Graph credential as a client secret or as a certificate path, not both (GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH).');
    }
    if (credential.certificatePath) {
      this.certificate = readClientCertificate(credential.certificatePath);
    } else if (!credential.clientSecret) {
      throw new TypeError('The Graph credential needs a client secret or a certificate path (set GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH).');
    }
  }

  /** The certificate in use (thumbprints, expiry), when the credential is a certificate. */
  get clientCertificate(): Pick<ClientCertificate, 'thumbprintSha256' | 'thumbprintSha1' | 'validTo'> | undefined {
    if (!this.certificate) return undefined;
    const { thumbprintSha256, thumbprintSha1, validTo } = this.certificate;
    return { thumbprintSha256, thumbprintSha1, validTo };
  }

  /**
   * An access token for the tenant, from msal's cache when still valid. Throws
   * {@link GraphRequestError} (kind `token`) when Entra ID refuses or cannot be reached.
   */
  getAccessToken(tenantId: string): Promise<string> {
    assertTenantId(tenantId);
    const held = this.held.get(tenantId);
    if (held && Date.now() < held.renewAt) return Promise.resolve(held.accessToken);
    const pending = this.pending.get(tenantId);
    if (pending) return pending;
    const request = this.requestToken(tenantId).finally(() => this.pending.delete(tenantId));
    this.pending.set(tenantId, request);
    return request;
  }

  /** Makes the next token for the tenant come from Entra ID, not the cache (after Graph said 401). */
  invalidate(tenantId: string): void {
    this.held.delete(tenantId);
    this.refreshNext.add(tenantId);
  }

  private async requestToken(tenantId: string): Promise<string> {
    const skipCache = this.refreshNext.delete(tenantId);
    try {
      const result = await this.applicationFor(tenantId).acquireTokenByClientCredential({ scopes: [this.options.scope], skipCache });
      if (!result?.accessToken) {
        throw new GraphRequestError(`Microsoft Entra ID returned no access token for tenant ${tenantId}.`, {
          kind: 'token',
          operation: 'POST /oauth2/v2.0/token',
          tenantId,
          retryable: true,
        });
      }
      const renewAt = Math.min(result.refreshOn?.getTime() ?? Infinity, (result.expiresOn?.getTime() ?? 0) - RENEW_BEFORE_EXPIRY_MS);
      if (renewAt > Date.now() && !this.refreshNext.has(tenantId)) this.held.set(tenantId, { accessToken: result.accessToken, renewAt });
      else this.held.delete(tenantId);
      return result.accessToken;
    } catch (error) {
      if (error instanceof GraphRequestError) throw error;
      throw tokenError(error, tenantId);
    }
  }

  private applicationFor(tenantId: string): ConfidentialClientApplication {
    let application = this.applications.get(tenantId);
    if (application) return application;
    const host = new URL(this.authorityHost).host;
    const logger = this.options.logger;
    const configuration: Configuration = {
      auth: {
        clientId: this.options.clientId,
        authority: `${this.authorityHost}/${tenantId}`,
        // An authority msal has no metadata for would make it ask login.microsoftonline.com
        // (instance discovery); declaring the host known keeps every request on that host.
        ...(MICROSOFT_AUTHORITY_HOSTS.has(host.toLowerCase()) ? {} : { knownAuthorities: [host] }),
        ...(this.certificate
          ? {
              clientCertificate: {
                thumbprintSha256: this.certificate.thumbprintSha256,
                privateKey: this.certificate.privateKeyPem,
                x5c: this.certificate.certificatePem,
              },
            }
          : { clientSecret: (this.options.credential as { clientSecret: string }).clientSecret }),
      },
      system: {
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message) => {
            // msal's messages can quote the authority's answers: sanitised like any upstream text.
            const text = `msal: ${sanitizeUpstreamText(message)}`;
            if (level === LogLevel.Error) logger.error({ tenantId }, text);
            // Client-credential answers never carry client info; msal warns about it on every token.
            else if (message.includes('No client info in response')) logger.debug({ tenantId }, text);
            else logger.warn({ tenantId }, text);
          },
        },
      },
    };
    application = new ConfidentialClientApplication(configuration);
    this.applications.set(tenantId, application);
    return application;
  }
}

/** Refuses tenant ids that could change the authority URL's path. */
export function assertTenantId(tenantId: string): void {
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) {
    throw new TypeError(`"${String(tenantId)}" is not a tenant id: give the directory (tenant) id GUID or its domain name.`);
  }
}

function tokenError(error: unknown, tenantId: string): GraphRequestError {
  const operation = 'POST /oauth2/v2.0/token';
  if (error instanceof AuthError) {
    const status = error instanceof ServerError ? error.status : undefined;
    // After a 429 or 5xx msal refuses the tenant's token requests itself, for the Retry-After or a
    // minute, with a ServerError that has no status and only the numeric AADSTS codes of that answer.
    const heldBackByMsal = error instanceof ServerError && status === undefined && /^[\d\s]*$/.test(error.errorCode);
    const retryable =
      heldBackByMsal || RETRYABLE_AUTH_CODES.has(error.errorCode) || (status !== undefined && (status === 429 || status >= 500)) || /throttl/i.test(error.errorCode);
    const code = sanitizeServiceCode(error.errorCode.trim().split(/\s+/)[0]) ?? 'unreadable_error_code';
    // Entra ID's description runs over several lines (trace and correlation ids): the first is the sentence.
    const description = sanitizeUpstreamText(firstLine(error.errorMessage ?? ''));
    const hint = retryable
      ? 'It may work on a later attempt; if it keeps failing, check that AUTHORITY_HOST is right and reachable.'
      : 'Check GRAPH_CLIENT_ID, the credential (GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH), AUTHORITY_HOST, and that the app is consented in this tenant.';
    return new GraphRequestError(
      `Microsoft Entra ID did not issue a Graph token for tenant ${tenantId} (${code}${description ? `: ${description.replace(/[.\s]+$/, '')}` : ''}). ${hint}`,
      { kind: 'token', operation, tenantId, status, code, retryable, cause: error },
    );
  }
  return new GraphRequestError(`Getting a Graph token for tenant ${tenantId} failed: ${sanitizeUpstreamText((error as Error)?.message ?? String(error)) || 'no detail'}.`, {
    kind: 'token',
    operation,
    tenantId,
    retryable: true,
    cause: error,
  });
}

function firstLine(text: string): string {
  return text.split(/\r?\n|\r/)[0]!.trim();
}
