import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { openConfiguredStore } from '../open-store';
import type { CliStreams } from './io';

export const INBOX_USAGE = 'inbox [--dead <n>]';

/** `inbox`: counts by state, the oldest pending item's age, and the dead items with their reasons. */
export async function inboxCommand(args: string[], streams: CliStreams): Promise<number> {
  const { values } = parseArgs({ args, options: { dead: { type: 'string', default: '20' } }, strict: true });
  const store = await openConfiguredStore(loadConfig());
  try {
    const now = Date.now();
    const stats = await store.inbox.stats(now);
    const dead = await store.inbox.listDead(Math.max(1, Number(values.dead) || 20));
    const alerts = await store.reports.alertJobStats();
    streams.stdout.write(
      `${JSON.stringify(
        {
          byState: stats.byState,
          oldestPendingAgeSeconds: stats.oldestPendingAgeMs === null ? null : Math.round(stats.oldestPendingAgeMs / 1000),
          alerts,
          dead: dead.map((item) => ({ tenantId: item.tenantId, callId: item.callId, attempts: item.attempts, reason: item.lastError, at: new Date(item.updatedAt).toISOString() })),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
