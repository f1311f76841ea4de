import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import pino from 'pino';
import { ClientCertificateError, createGraphClient, graphClientOptionsFromConfig, parseClientCertificate, parseRetryAfterMs, readClientCertificate } from '../../src/graph';
import { createLoopbackClientCertificate, type LoopbackClientCertificate } from '../support/loopback-certificates';

const silent = pino({ level: 'silent' });

describe('Retry-After parsing', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');

  it('reads delay seconds', () => {
    assert.equal(parseRetryAfterMs('30', now), 30_000);
    assert.equal(parseRetryAfterMs(' 0 ', now), 0);
    assert.equal(parseRetryAfterMs('1.5', now), 1500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    assert.equal(parseRetryAfterMs('Wed, 01 May 2024 10:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfterMs('Wed, 01 May 2024 09:59:00 GMT', now), 0);
  });

  it('ignores a missing or unreadable header', () => {
    assert.equal(parseRetryAfterMs(null, now), undefined);
    assert.equal(parseRetryAfterMs('', now), undefined);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs('-5', now), undefined);
  });
});

describe('Client certificate file', () => {
  let certificate: LoopbackClientCertificate;

  before(async () => {
    certificate = await createLoopbackClientCertificate();
  });

  it('reads the key and certificate in either order and computes both thumbprints of the DER', () => {
    const raw = new X509Certificate(certificate.certificatePem).raw;
    const parsed = parseClientCertificate(`${certificate.certificatePem}\n${certificate.privateKeyPem}`);
    assert.equal(parsed.thumbprintSha256, createHash('sha256').update(raw).digest('hex'));
    assert.equal(parsed.thumbprintSha1, createHash('sha1').update(raw).digest('hex'));
    assert.match(parsed.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.ok(parsed.validTo.getTime() > Date.now());
  });

  it('names what is missing', () => {
    assert.throws(() => parseClientCertificate(certificate.certificatePem, 'app.pem'), (error: unknown) => error instanceof ClientCertificateError && /app\.pem.*lacks the private key/.test(error.message));
    assert.throws(() => parseClientCertificate(certificate.privateKeyPem, 'app.pem'), /lacks the certificate/);
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const other = await createLoopbackClientCertificate('other');
    assert.throws(() => parseClientCertificate(`${other.privateKeyPem}\n${certificate.certificatePem}`, 'mixed.pem'), /does not belong to its certificate/);
  });

  it('refuses an encrypted key and an unreadable path', () => {
    const encrypted = `-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n${certificate.certificatePem}`;
    assert.throws(() => parseClientCertificate(encrypted), /encrypted/);
    assert.throws(() => readClientCertificate('/nonexistent/graph.pem'), /Cannot read the Graph client certificate at \/nonexistent\/graph\.pem \(ENOENT\)/);
  });
});

describe('Graph client options', () => {
  const base = {
    baseUrl: 'https://graph.microsoft.com/v1.0',
    authorityHost: 'https://login.microsoftonline.com',
    clientId: '33333333-3333-4333-8333-333333333333',
    credential: { clientSecret: 'secret' },
    logger: silent,
  };

  it('uses the Graph origin for next links and the documented limits by default', () => {
    const client = createGraphClient({ ...base, baseUrl: 'https://graph.microsoft.com/v1.0/' });
    assert.equal(client.origin, 'https://graph.microsoft.com');
    assert.deepEqual(client.limits.perTenant, { limit: 1500, windowMs: 20_000 });
    assert.deepEqual(client.limits.perCallRecord, { limit: 40, windowMs: 20_000 });
  });

  it('refuses plain http to a non-loopback Graph, an http authority, and a limit of zero', () => {
    assert.throws(() => createGraphClient({ ...base, baseUrl: 'http://graph.example.com/v1.0' }), /GRAPH_BASE_URL/);
    assert.throws(() => createGraphClient({ ...base, authorityHost: 'http://login.example.com' }), /AUTHORITY_HOST/);
    assert.throws(() => createGraphClient({ ...base, limits: { perTenant: { limit: 0, windowMs: 1000 } } }), /perTenant/);
  });

  it('needs exactly one credential', () => {
    assert.throws(() => createGraphClient({ ...base, credential: {} as { clientSecret: string } }), /GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH/);
    assert.throws(
      () => createGraphClient({ ...base, credential: { clientSecret: 's', certificatePath: '/x.pem' } as unknown as { clientSecret: string } }),
      /not both/,
    );
  });

  it('builds options from the configuration, preferring the certificate, and names missing variables', () => {
    const graph = {
      tenantIds: [],
      clientId: base.clientId,
      clientSecret: undefined,
      clientCertificatePath: '/etc/bot/graph.pem',
      baseUrl: base.baseUrl,
      authorityHost: base.authorityHost,
    };
    assert.deepEqual(graphClientOptionsFromConfig(graph, silent).credential, { certificatePath: '/etc/bot/graph.pem' });
    assert.throws(() => graphClientOptionsFromConfig({ ...graph, clientId: undefined }, silent), /GRAPH_CLIENT_ID/);
    assert.throws(() => graphClientOptionsFromConfig({ ...graph, clientCertificatePath: undefined }, silent), /GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH/);
  });
});
