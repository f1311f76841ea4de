import type restify from 'restify';
import type { Logger } from '../logger';
import type { Inbox } from '../store';
import { disabledTelemetry, type NotificationRefusal, type Telemetry } from '../telemetry';
import {
  ExpectedClientState,
  MalformedNotificationError,
  readChangeNotifications,
  readLifecycleNotifications,
  type LifecycleNotification,
} from './change-notifications';
import type { IngestStatus } from './ingest-status';
import { BodyTooLargeError, readRawBody } from './raw-body';
import { InboxBatcher } from './inbox-batcher';

/** Graph's bodies are small; anything over this is refused with 413. */
export const MAX_NOTIFICATION_BODY_BYTES = 1024 * 1024;
/** Graph's validation tokens are a few hundred characters; longer ones are refused. */
export const MAX_VALIDATION_TOKEN_LENGTH = 2048;

export interface NotificationRoutesOptions {
  inbox: Inbox;
  status: IngestStatus;
  logger: Logger;
  clientState: string | undefined;
  allowedTenants: readonly string[];
  /** Called after the 202 for lifecycle events (reauthorize, re-create, sweep); never awaited by the answer. */
  onLifecycle?: (events: LifecycleNotification[]) => void;
  /** Called after new work was persisted, to wake the worker. */
  onEnqueued?: () => void;
  /** Spans (one per notification, in its call's trace) and the notification counters. */
  telemetry?: Telemetry;
  clock?: () => number;
  notificationPath?: string;
  lifecyclePath?: string;
}

/**
 * `POST /api/notifications` and `POST /api/lifecycle`. The answer never waits on Graph or
 * Teams: accepted notifications are written to the durable inbox, then 202.
 */
export function notificationRoutes(options: NotificationRoutesOptions): (server: restify.Server) => void {
  const clock = options.clock ?? Date.now;
  const tenants = new Set(options.allowedTenants.map((id) => id.toLowerCase()));
  const clientState = options.clientState === undefined ? undefined : new ExpectedClientState(options.clientState);
  const batcher = new InboxBatcher(options.inbox, clock);
  const { logger, status } = options;
  const telemetry = options.telemetry ?? disabledTelemetry();

  const answer = async (kind: 'notification' | 'lifecycle', req: restify.Request, res: restify.Response): Promise<void> => {
    try {
      const token = validationToken(req.url);
      if (token !== undefined) {
        if (token.length === 0 || token.length > MAX_VALIDATION_TOKEN_LENGTH) {
          sendText(res, 400, 'The validationToken is empty or too long.');
        } else {
          // Echoed as text/plain with nosniff: the token must never be rendered as HTML.
          sendText(res, 200, token);
          logger.info({ kind }, 'answered the Graph validation handshake');
        }
        return;
      }
      let body: unknown;
      try {
        const raw = await readRawBody(req, MAX_NOTIFICATION_BODY_BYTES);
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        status.rejectedBodies += 1;
        if (kind === 'notification') telemetry.countNotificationsRefused(error instanceof BodyTooLargeError ? 'too-large' : 'invalid-json', 1);
        if (error instanceof BodyTooLargeError) {
          sendText(res, 413, error.message);
        } else {
          sendText(res, 400, `The body is not valid JSON: ${(error as Error).message}`);
        }
        logger.warn({ kind, err: (error as Error).message }, 'refused a notification body');
        return;
      }
      const now = clock();
      if (kind === 'notification') {
        const batch = readChangeNotifications(body, clientState, tenants);
        if (batch.accepted.length > 0) {
          // One span per notification, in its call's trace; the write they share is in each.
          const spans = batch.accepted.map((n) =>
            telemetry.startCallSpan('callRecord notification', n.tenantId, n.callId, {
              kind: 'server',
              attributes: { 'callquality.change_type': n.changeType ?? undefined, 'callquality.subscription_id': n.subscriptionId ?? undefined },
            }),
          );
          try {
            await batcher.enqueue(batch.accepted.map((n) => ({ tenantId: n.tenantId, callId: n.callId, source: 'notification' as const })));
          } catch (error) {
            for (const span of spans) span.fail(error as Error);
            throw error;
          } finally {
            for (const span of spans) span.end();
          }
          status.recordInboxWriteSuccess(clock());
          telemetry.countNotificationsReceived(batch.accepted.length);
          options.onEnqueued?.();
        }
        for (const [reason, count] of Object.entries(batch.dropped)) telemetry.countNotificationsRefused(reason as NotificationRefusal, count);
        status.recordBatch(now, batch.accepted.length, batch.dropped);
        logDrops(logger, kind, batch.dropped);
      } else {
        const batch = readLifecycleNotifications(body, clientState, tenants);
        status.recordBatch(now, 0, batch.dropped);
        logDrops(logger, kind, batch.dropped);
        if (batch.accepted.length > 0) {
          logger.info({ events: batch.accepted.map((e) => e.lifecycleEvent) }, 'lifecycle notifications received');
          setImmediate(() => options.onLifecycle?.(batch.accepted));
        }
      }
      res.writeHead(202);
      res.end();
      return;
    } catch (error) {
      if (error instanceof MalformedNotificationError) {
        status.rejectedBodies += 1;
        if (kind === 'notification') telemetry.countNotificationsRefused('malformed', 1);
        sendText(res, 400, error.message);
        return;
      }
      // The inbox could not be written: 5xx asks Graph to deliver again, so nothing is lost.
      status.recordInboxWriteFailure(clock(), (error as Error).message);
      logger.error({ err: (error as Error).message }, 'could not persist notifications; asking Graph to retry');
      sendText(res, 503, 'Temporarily unable to accept notifications.');
      return;
    }
  };

  // restify 12 wants callback-style handlers when `next` is taken; the async work stays inside.
  const handle = (kind: 'notification' | 'lifecycle') => (req: restify.Request, res: restify.Response, next: restify.Next) => {
    answer(kind, req, res).then(
      () => next(false),
      () => next(false),
    );
  };

  return (server) => {
    server.post(options.notificationPath ?? '/api/notifications', handle('notification'));
    server.post(options.lifecyclePath ?? '/api/lifecycle', handle('lifecycle'));
  };
}

function validationToken(url: string | undefined): string | undefined {
  if (!url || !url.includes('validationToken')) return undefined;
  const value = new URL(url, 'http://localhost').searchParams.get('validationToken');
  return value ?? undefined;
}

function sendText(res: restify.Response, statusCode: number, text: string): void {
  res.writeHead(statusCode, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'",
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function logDrops(logger: Logger, kind: string, dropped: Record<string, number>): void {
  const total = Object.values(dropped).reduce((a, b) => a + b, 0);
  // The expected and received client states are never logged: only counts.
  if (total > 0) logger.warn({ kind, dropped }, 'dropped notifications (wrong clientState, tenant not allowed, or malformed)');
}
