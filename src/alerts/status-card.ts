import type { AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import { cardDateTime, count, plural, spanWords } from './card-text';
import statusTemplate from './templates/status-card.json';

/** What `status` reports. Times are epoch milliseconds (as the store keeps them). */
export interface BotStatus {
  /** The time the status was taken; relative times ("in 2 days") are counted from it. */
  now: number;
  /**
   * The verdict, decided by the same function as `/healthz` (`decideHealth` in `src/ingest`), with
   * its reasons worst first: the card shows them, it decides nothing itself.
   */
  health: { status: 'ok' | 'degraded' | 'failing'; reasons: { severity: 'degraded' | 'failing'; summary: string }[] };
  subscriptions: { tenantId: string; subscriptionId: string | null; expiresAt: number | null }[];
  /** When the last change notification arrived, null when none did. */
  lastNotificationAt: number | null;
  /** Inbox items by state (`pending`, `leased`, `done`, `dead`). */
  inbox: Partial<Record<string, number>>;
  /** Age of the oldest due or leased inbox item. */
  oldestPendingAgeMs?: number | null;
  /** Alert jobs by state, when known. */
  alertJobs?: Partial<Record<string, number>>;
  alertsSentLast24h: number;
  /** Calls started in the last 24 hours with a session that could not be set up or dropped; null when the history could not be read. */
  failedCallsLast24h?: number | null;
}

/** A subscription expiring sooner than this is flagged: renewal should have happened by then. */
export const SUBSCRIPTION_WARNING_MS = 6 * 3_600_000;

/** With no notification for this long, the card asks to check (quiet weekends happen, so it is a warning). */
export const QUIET_WARNING_MS = 24 * 3_600_000;

/** The card's title and colour for each verdict. */
const HEALTH_WORDS: Readonly<Record<BotStatus['health']['status'], { title: string; accentColor: string }>> = {
  ok: { title: 'Running', accentColor: 'good' },
  degraded: { title: 'Running, with warnings', accentColor: 'warning' },
  failing: { title: 'Needs attention', accentColor: 'attention' },
};

const STATE_WORDS: Readonly<Record<string, string>> = { pending: 'waiting', leased: 'in progress', done: 'done', dead: 'failed' };

/**
 * The answer to `status`: is data flowing. The verdict and its reasons first (as `/healthz` gives
 * them), then notes that are no verdict (a subscription due for renewal, a long silence), then the
 * figures.
 */
export function buildStatusCard(status: BotStatus): AdaptiveCardDocument {
  const issues = status.health.reasons.map((reason) => ({ icon: '●', color: reason.severity === 'failing' ? 'attention' : 'warning', text: reason.summary }));
  if (issues.length === 0) issues.push({ icon: '●', color: 'good', text: 'Data is flowing: every tenant has a live subscription and notifications arrive.' });
  // Not part of the verdict (nobody may have called), but worth a look.
  const expiring = status.subscriptions.filter(
    (subscription) => subscription.expiresAt !== null && subscription.expiresAt > status.now && subscription.expiresAt - status.now < SUBSCRIPTION_WARNING_MS,
  );
  if (expiring.length > 0) issues.push({ icon: '○', color: 'default', text: `${plural(expiring.length, 'subscription')} expire${expiring.length === 1 ? 's' : ''} within ${spanWords(SUBSCRIPTION_WARNING_MS)} and should have been renewed already.` });
  if (status.lastNotificationAt === null) issues.push({ icon: '○', color: 'default', text: 'No change notification has arrived yet.' });
  else if (status.now - status.lastNotificationAt > QUIET_WARNING_MS) issues.push({ icon: '○', color: 'default', text: `No change notification for ${spanWords(status.now - status.lastNotificationAt)}: normal if nobody called, else check the subscription.` });
  const verdict = HEALTH_WORDS[status.health.status];

  const facts = [
    { label: 'Last notification', value: status.lastNotificationAt === null ? 'never' : `${spanWords(status.now - status.lastNotificationAt)} ago (${cardDateTime(status.lastNotificationAt)})` },
    { label: 'Alerts sent (24 h)', value: String(status.alertsSentLast24h) },
    ...(status.failedCallsLast24h === undefined ? [] : [{ label: 'Failed calls (24 h)', value: status.failedCallsLast24h === null ? 'unknown (the history could not be read)' : count(status.failedCallsLast24h) }]),
    { label: 'Inbox', value: countsWords(status.inbox) },
  ];
  if (status.oldestPendingAgeMs !== undefined && status.oldestPendingAgeMs !== null) {
    facts.push({ label: 'Oldest waiting', value: spanWords(status.oldestPendingAgeMs) });
  }
  if (status.alertJobs) facts.push({ label: 'Alert jobs', value: countsWords(status.alertJobs) });

  return expandTemplate(statusTemplate, {
    title: verdict.title,
    subtitle: `Status at ${cardDateTime(status.now)}`,
    badge: 'Call Quality Bot',
    accentColor: verdict.accentColor,
    issues,
    facts,
    subscriptionsHeading: `Graph subscriptions (${status.subscriptions.length})`,
    hasSubscriptions: status.subscriptions.length > 0,
    subscriptions: status.subscriptions.map((subscription) => {
      const [expires, expiresColor] = expiryWords(subscription.expiresAt, status.now);
      return {
        tenantId: subscription.tenantId,
        subscriptionId: subscription.subscriptionId ?? 'none',
        expires,
        expiresColor,
        expiresWeight: expiresColor === 'default' ? 'Default' : 'Bolder',
      };
    }),
    noSubscriptionsShown: status.subscriptions.length === 0,
    noSubscriptions: 'No subscription is stored.',
    footer: 'Subscriptions last under three days; the bot renews them before they expire.',
  });
}

function expiryWords(expiresAt: number | null, now: number): [string, string] {
  if (expiresAt === null) return ['—', 'attention'];
  if (expiresAt <= now) return [`expired ${spanWords(now - expiresAt)} ago`, 'attention'];
  return [`in ${spanWords(expiresAt - now)}`, expiresAt - now < SUBSCRIPTION_WARNING_MS ? 'warning' : 'default'];
}

function countsWords(counts: Partial<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([state, count]) => `${count.toLocaleString('en-US')} ${STATE_WORDS[state] ?? state}`);
  return parts.length > 0 ? parts.join(' · ') : 'empty';
}
