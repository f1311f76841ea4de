import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assessCall } from '../../../src/alerts';
import { storedReportOf } from '../../../src/ingest';
import { resolveScoringOptions } from '../../../src/quality';
import { personalChatRecord } from '../../support/personal-install';
import { BotHarness, poorRecord, TENANT } from '../bot-harness';

const ORGANIZERS = 50;
const WARM_UP_CARDS = 100;
const MORE_CARDS = 400;
/**
 * What the heap may keep after 400 more cards: a few MB for code V8 compiles and optimizes late.
 * Keeping each card (its activity alone is several KB) or each call's report would be far more.
 */
const ALLOWED_GROWTH_BYTES = 4 * 2 ** 20;

const callId = (n: number) => `ffffffff-0000-4000-8000-${String(n).padStart(12, '0')}`;
const organizer = (n: number) => ({ id: `29:user-${n}`, name: `User ${n}`, aadObjectId: `0000${String(n).padStart(4, '0')}-0000-4000-8000-00000000beef` });

/** A full garbage collection, without starting Node with `--expose-gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

describe('delivery: memory while cards are sent', function () {
  this.timeout(180_000);

  it('keeps nothing per card: the heap after 500 cards is within a few MB of the heap after 100', async () => {
    // No send limits: the test is about what stays behind, not about pacing.
    const unlimited = [{ limit: 1e9, windowMs: 1_000 }];
    const harness = await BotHarness.start({ delivery: { conversationLimits: unlimited, tenantLimits: unlimited } });
    try {
      for (let n = 0; n < ORGANIZERS; n++) {
        const user = organizer(n);
        harness.connector.installFor(user.aadObjectId);
        await harness.store.conversations.putConversation(personalChatRecord({ serviceUrl: harness.connector.serviceUrl, tenantId: TENANT, chatId: `a:memory-${n}`, user }));
      }
      const scoring = resolveScoringOptions({});
      let queued = 0;
      let posted = 0;
      const deliver = async (cards: number) => {
        for (const end = queued + cards; queued < end; queued++) {
          const record = poorRecord(callId(queued), { organizer: organizer(queued % ORGANIZERS) });
          const { report, summary } = assessCall(record, scoring);
          await harness.store.reports.recordReport(storedReportOf({ tenantId: TENANT, callId: callId(queued) }, record, report, summary, Date.now()), true);
        }
        while ((await harness.store.reports.alertJobStats()).pending > 0) await harness.bot.deliverAlerts();
        posted += harness.connector.posts().length;
        // The loopback connector keeps every request it saw; that is the test's memory, not the bot's.
        harness.connector.clearRequests();
      };
      await deliver(WARM_UP_CARDS);
      collectGarbage();
      const afterWarmUp = process.memoryUsage().heapUsed;
      await deliver(MORE_CARDS);
      collectGarbage();
      const afterMore = process.memoryUsage().heapUsed;
      assert.equal(posted, WARM_UP_CARDS + MORE_CARDS, 'each call got its card');
      const growth = afterMore - afterWarmUp;
      assert.ok(growth < ALLOWED_GROWTH_BYTES, `the heap grew by ${(growth / 2 ** 20).toFixed(1)} MB over ${MORE_CARDS} cards`);
    } finally {
      await harness.close();
    }
  });
});
