import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { generate } from 'selfsigned';

/** A TLS server certificate for 127.0.0.1 and localhost. */
export interface LoopbackTlsCertificate {
  key: string;
  cert: string;
}

/** An app's client-credential certificate (what Entra ID holds the public half of). */
export interface LoopbackClientCertificate {
  privateKeyPem: string;
  certificatePem: string;
  /** Key and certificate in one PEM, as `GRAPH_CLIENT_CERTIFICATE_PATH` expects. */
  combinedPem: string;
}

/** Generates a self-signed certificate for a loopback HTTPS server (127.0.0.1, ::1, localhost). */
export async function createLoopbackTlsCertificate(): Promise<LoopbackTlsCertificate> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Generates an app certificate for client assertions (RSA 2048, SHA-256). */
export async function createLoopbackClientCertificate(commonName = 'call-quality-bot test app'): Promise<LoopbackClientCertificate> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { privateKeyPem: pems.private, certificatePem: pems.cert, combinedPem: `${pems.private.trim()}\n${pems.cert.trim()}\n` };
}

/** Writes the combined PEM of a client certificate into `directory` and returns its path. */
export function writeClientCertificateFile(certificate: LoopbackClientCertificate, directory: string, name = 'graph-client.pem'): string {
  const file = path.join(directory, name);
  writeFileSync(file, certificate.combinedPem, { mode: 0o600 });
  return file;
}

/**
 * Makes TLS clients of this process (the global `fetch` msal-node uses included) trust `certPem`
 * in addition to the default roots, and returns the function that takes it back out. Child
 * processes get the same with `NODE_EXTRA_CA_CERTS` pointing at a file holding the PEM.
 */
export function trustCertificateInProcess(certPem: string): () => void {
  const fingerprint = new X509Certificate(certPem).fingerprint256;
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), certPem]);
  return () => {
    tls.setDefaultCACertificates(tls.getCACertificates('default').filter((pem) => new X509Certificate(pem).fingerprint256 !== fingerprint));
  };
}
