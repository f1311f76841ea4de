import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createGraphClient, type GraphClient, type GraphClientOptions } from '../../src/graph';
import {
  createLoopbackClientCertificate,
  createLoopbackTlsCertificate,
  trustCertificateInProcess,
  writeClientCertificateFile,
  type LoopbackClientCertificate,
} from '../support/loopback-certificates';
import { startLoopbackGraph, type LoopbackGraph, type LoopbackGraphOptions } from '../support/loopback-graph';
import { startLoopbackTokenServer, type LoopbackTokenServer } from '../support/loopback-token-server';
import { loadConfig, type AppConfig } from '../../src/config';

/** Tenants the loopback authority knows. */
export const TENANT_A = '11111111-1111-4111-8111-111111111111';
export const TENANT_B = '22222222-2222-4222-8222-222222222222';
/** The app registration the loopback authority knows, with its secret. */
export const CLIENT_ID = '33333333-3333-4333-8333-333333333333';
export const CLIENT_SECRET = 'loopback-secret-value~not-a-real-one';

/** Token server (HTTPS, trusted in-process), loopback Graph checking its tokens, and an app certificate. */
export interface GraphTestEnvironment {
  tokenServer: LoopbackTokenServer;
  graph: LoopbackGraph;
  clientCertificate: LoopbackClientCertificate;
  certificatePath: string;
  /** Log lines written by clients made with {@link GraphTestEnvironment.client}. */
  logLines: Array<Record<string, unknown>>;
  /** A Graph client on the loopbacks (secret credential unless overridden). */
  client(overrides?: Partial<GraphClientOptions>): GraphClient;
  /**
   * The app's configuration for a bot on `port` that reads Graph here for tenant A and gets its
   * notifications at `/api/notifications` with `clientState`; `extra` variables on top.
   */
  appConfig(port: number, clientState: string, extra?: NodeJS.ProcessEnv): AppConfig;
  close(): Promise<void>;
}

/** Starts everything a Graph client test needs; close it in `after`. */
export async function startGraphTestEnvironment(graphOptions: LoopbackGraphOptions = {}, tokenOptions: { tokenLifetimeSeconds?: number } = {}): Promise<GraphTestEnvironment> {
  const [tls, clientCertificate] = await Promise.all([createLoopbackTlsCertificate(), createLoopbackClientCertificate()]);
  const untrust = trustCertificateInProcess(tls.cert);
  const directory = mkdtempSync(path.join(os.tmpdir(), 'graph-client-test-'));
  const certificatePath = writeClientCertificateFile(clientCertificate, directory);
  const tokenServer = await startLoopbackTokenServer({
    tls,
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, certificatePem: clientCertificate.certificatePem }],
    tenants: [TENANT_A, TENANT_B],
    ...tokenOptions,
  });
  const graph = await startLoopbackGraph({ verifyAccessToken: tokenServer.verifyAccessToken, ...graphOptions });
  const logLines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return {
    tokenServer,
    graph,
    clientCertificate,
    certificatePath,
    logLines,
    client(overrides = {}) {
      return createGraphClient({
        baseUrl: graph.url,
        authorityHost: tokenServer.url,
        clientId: CLIENT_ID,
        credential: { clientSecret: CLIENT_SECRET },
        logger,
        ...overrides,
      });
    },
    appConfig(port, clientState, extra = {}) {
      return loadConfig({
        PORT: String(port),
        DATA_DIR: '/tmp/unused',
        GRAPH_TENANT_IDS: TENANT_A,
        GRAPH_CLIENT_ID: CLIENT_ID,
        GRAPH_CLIENT_SECRET: CLIENT_SECRET,
        GRAPH_BASE_URL: graph.url,
        AUTHORITY_HOST: tokenServer.url,
        NOTIFICATION_URL: `http://127.0.0.1:${port}/api/notifications`,
        NOTIFICATION_CLIENT_STATE: clientState,
        ...extra,
      });
    },
    async close() {
      await Promise.all([graph.close(), tokenServer.close()]);
      untrust();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A call record with `sessionCount` sessions, each with one segment, ids `s-0001`…. */
export function callRecordWithSessions(id: string, sessionCount: number, version = 1, startDateTime = '2024-05-01T10:00:00Z'): {
  id: string;
  version: number;
  startDateTime: string;
  endDateTime: string;
  sessions: Array<Record<string, unknown>>;
} & Record<string, unknown> {
  return {
    id,
    version,
    type: 'groupCall',
    modalities: ['audio'],
    lastModifiedDateTime: startDateTime,
    startDateTime,
    endDateTime: new Date(Date.parse(startDateTime) + 30 * 60_000).toISOString(),
    sessions: Array.from({ length: sessionCount }, (_, index) => ({
      id: `s-${String(index + 1).padStart(4, '0')}`,
      modalities: ['audio'],
      startDateTime,
      endDateTime: startDateTime,
      segments: [{ id: `seg-${index + 1}`, media: [] }],
    })),
  };
}

/** Captures the error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}

/**
 * `count` participants as `participants_v2` lists them (`id` and an identity set with the user),
 * ids `p-0001`…, each a different person of `tenantId`.
 */
export function callParticipants(count: number, tenantId = TENANT_A): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => {
    const id = `p-${String(index + 1).padStart(4, '0')}`;
    return { id, identity: { user: { id, displayName: `Person ${index + 1}`, tenantId, userPrincipalName: `person${index + 1}@contoso.example` } } };
  });
}
