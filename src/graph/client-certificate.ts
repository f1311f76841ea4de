import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A certificate credential as msal-node wants it. */
export interface ClientCertificate {
  /** PKCS#8 PEM of the RSA private key. */
  privateKeyPem: string;
  /** PEM of the certificate (sent as `x5c`, for subject name and issuer authentication). */
  certificatePem: string;
  /** Hex SHA-256 of the certificate's DER (the `x5t#S256` header). */
  thumbprintSha256: string;
  /** Hex SHA-1 of the certificate's DER (the legacy `x5t` header). */
  thumbprintSha1: string;
  /** When the certificate stops being valid. */
  validTo: Date;
}

/** Thrown when the certificate file cannot be used; the message says what to fix. */
export class ClientCertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientCertificateError';
  }
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const KEY_BLOCK = /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/;

/**
 * Reads a PEM file holding the app's private key and its certificate (the first certificate in
 * the file is the app's), checks that they belong together, and computes the thumbprints.
 */
export function readClientCertificate(path: string): ClientCertificate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ClientCertificateError(
      `Cannot read the Graph client certificate at ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}): set GRAPH_CLIENT_CERTIFICATE_PATH to a readable PEM file.`,
    );
  }
  return parseClientCertificate(text, path);
}

/** Same as {@link readClientCertificate}, from the PEM text; `source` names it in errors. */
export function parseClientCertificate(pem: string, source = 'the PEM text'): ClientCertificate {
  const certificateBlock = CERTIFICATE_BLOCK.exec(pem)?.[0];
  const keyMatch = KEY_BLOCK.exec(pem);
  if (!certificateBlock || !keyMatch) {
    throw new ClientCertificateError(
      `The Graph client certificate file ${source} must hold both a private key (-----BEGIN PRIVATE KEY-----) and a certificate (-----BEGIN CERTIFICATE-----); it lacks the ${certificateBlock ? 'private key' : 'certificate'}.`,
    );
  }
  if (keyMatch[1] === 'ENCRYPTED ') {
    throw new ClientCertificateError(`The private key in ${source} is encrypted; store it unencrypted (protect the file instead) so the bot can start unattended.`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificateBlock);
  } catch (error) {
    throw new ClientCertificateError(`The certificate in ${source} cannot be parsed: ${(error as Error).message}.`);
  }
  let privateKeyPem: string;
  try {
    const key = createPrivateKey(keyMatch[0]);
    if (key.asymmetricKeyType !== 'rsa') {
      throw new ClientCertificateError(`The private key in ${source} is ${key.asymmetricKeyType ?? 'not RSA'}; Microsoft Entra ID client assertions need an RSA key.`);
    }
    if (!certificate.checkPrivateKey(key)) {
      throw new ClientCertificateError(`The private key in ${source} does not belong to its certificate (${certificate.subject}); put the matching key and certificate in the file.`);
    }
    privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (error) {
    if (error instanceof ClientCertificateError) throw error;
    throw new ClientCertificateError(`The private key in ${source} cannot be read: ${(error as Error).message}.`);
  }
  return {
    privateKeyPem,
    certificatePem: certificateBlock,
    thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
    thumbprintSha1: createHash('sha1').update(certificate.raw).digest('hex'),
    validTo: new Date(certificate.validTo),
  };
}
