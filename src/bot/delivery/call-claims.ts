import { assessmentOf, type CallAssessment } from '../../alerts';
import type { AlertJob, SentCard, Store, StoredReport } from '../../store';
import { backoffDelay } from '../send-retry';
import { mapLimited } from './delivery-round';

/** One call to deliver: the newest stored report and the alert jobs (versions) that asked for it. */
export interface CallToDeliver {
  tenantId: string;
  callId: string;
  jobs: AlertJob[];
  stored: StoredReport;
  assessment: CallAssessment;
  /** The cards of the call already sent (any version, any conversation), read with the report: what each plan updates. */
  sentCards: readonly SentCard[];
}

/** The card of `call` already in a conversation, as read at the start of the round. */
export function sentCardIn(call: CallToDeliver, conversationKey: string): SentCard | undefined {
  return call.sentCards.find((card) => card.conversationKey === conversationKey);
}

/** Alert jobs grouped by call, in the order first seen. */
export function groupByCall(jobs: readonly AlertJob[]): AlertJob[][] {
  const byCall = new Map<string, AlertJob[]>();
  for (const job of jobs) {
    const key = `${job.tenantId}\u0000${job.callId}`;
    const group = byCall.get(key);
    if (group) group.push(job);
    else byCall.set(key, [job]);
  }
  return [...byCall.values()];
}

/**
 * Gives back the jobs of calls that another instance is delivering right now (it holds a live lease
 * on another version's job of the same call), to be tried again when it is likely done. Two
 * instances planning one call at once would both find no card sent yet and both post one. Each
 * instance writes its leases before it looks, so of two that claimed versions of one call at the
 * same moment at least one sees the other (at worst both step back and retry later).
 * Resolves to the groups to deliver now and how many jobs were given back; `onKept` hears of each
 * group to deliver as soon as it is known (what the round starts for it need not wait for the rest).
 */
export async function stepBackFromCallsHeldElsewhere(
  store: Store,
  groups: readonly AlertJob[][],
  options: { now: number; random: () => number; concurrency: number; onKept?: (group: AlertJob[]) => void },
): Promise<{ groups: AlertJob[][]; retried: number }> {
  const { now } = options;
  const ours = new Set(groups.flat().map((job) => job.leaseToken));
  const results = await mapLimited(groups, options.concurrency, async (group) => {
    const first = group[0]!;
    const others = (await store.reports.listAlertJobs(first.tenantId, first.callId)).filter(
      (job) => job.state === 'leased' && job.leaseUntil !== null && job.leaseUntil > now && !ours.has(job.leaseToken),
    );
    if (others.length === 0) {
      options.onKept?.(group);
      return { group, retried: 0 };
    }
    const until = Math.min(...others.map((job) => job.leaseUntil!));
    let retried = 0;
    for (const job of group) {
      const at = Math.min(until, now + backoffDelay(job.attempts, undefined, { baseDelayMs: 1_000, random: options.random }));
      if (await store.reports.retryAlertJob(job, now, at, 'Another instance is delivering an alert of this call; waiting until it is done.')) retried++;
    }
    return { group: null, retried };
  });
  return {
    groups: results.flatMap((result) => (result.group ? [result.group] : [])),
    retried: results.reduce((sum, result) => sum + result.retried, 0),
  };
}

/**
 * Loads each call's newest report (a card always shows the newest version) and the cards already
 * sent for it (both side by side: a storage round trip, not one per conversation later in the
 * round), `concurrency` calls at a time. Jobs of a call with no report are given up. Resolves to
 * the calls, in the order of `groups`, and how many jobs were given up.
 */
export async function loadCalls(
  store: Store,
  groups: readonly AlertJob[][],
  options: { now: number; concurrency: number },
): Promise<{ calls: CallToDeliver[]; killed: number }> {
  const loaded = await mapLimited(groups, options.concurrency, async (jobs): Promise<CallToDeliver | number> => {
    const { tenantId, callId } = jobs[0]!;
    const [stored, sentCards] = await Promise.all([store.reports.getReport(tenantId, callId), store.sentCards.listSentCards(tenantId, callId)]);
    if (stored) return { tenantId, callId, jobs, stored, assessment: assessmentOf(stored), sentCards };
    let killed = 0;
    for (const job of jobs) {
      if (await store.reports.killAlertJob(job, options.now, `No report is stored for call ${job.callId}; nothing to alert about.`)) killed++;
    }
    return killed;
  });
  const calls = loaded.filter((item): item is CallToDeliver => typeof item !== 'number');
  const killed = loaded.reduce<number>((sum, item) => sum + (typeof item === 'number' ? item : 0), 0);
  return { calls, killed };
}
