import assert from 'node:assert/strict';
import { resolveScoringOptions, scoreCallRecord } from '../../src/quality';
import {
  buildDigestCard,
  buildHelpCard,
  buildRecentCallsCard,
  buildStatusCard,
  buildThresholdsCard,
  CARD_SIZE_LIMIT_BYTES,
  digestItemOf,
  summarizeCall,
  validateCard,
  type AdaptiveCardDocument,
  type BotStatus,
  type DigestItem,
} from '../../src/alerts';
import { loadFixture } from '../support/graph-fixtures';
import { cardText, elementsOfType } from './card-inspection';
import { CLASSIC, SAMPLE_COMMANDS, SAMPLE_NOW, bigMeetingRecord, sampleCards, sampleDigestItems } from './card-samples';

function assertValid(card: AdaptiveCardDocument): void {
  const validation = validateCard(card);
  assert.deepEqual(validation.errors, []);
  assert.equal(validation.version, '1.5');
  assert.ok(validation.sizeBytes <= CARD_SIZE_LIMIT_BYTES);
  assert.doesNotMatch(JSON.stringify(card), /\$\{/);
}

const item = (index: number, overrides: Partial<DigestItem> = {}): DigestItem => ({
  callId: `call-${index}`,
  startDateTime: '2026-03-02T09:00:00Z',
  organizerName: `Organizer ${index}`,
  quality: 'poor',
  worstReason: `Jitter ${40 + index} ms (poor above 30 ms)`,
  ratings: [],
  ...overrides,
});

describe('every sample card', () => {
  for (const [name, card] of Object.entries(sampleCards())) {
    it(`${name}: valid Adaptive Card 1.5 within 80 KB, full width`, () => {
      assertValid(card);
      assert.deepEqual(card.msteams, { width: 'Full' });
    });
  }
});

describe('digestItemOf', () => {
  it('the 2024 record under cqd-classic: its one reason and the rating', () => {
    const record = loadFixture('callrecord-v1-expanded-2024.json');
    assert.deepEqual(digestItemOf(scoreCallRecord(record, CLASSIC), summarizeCall(record)), {
      callId: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
      startDateTime: '2020-02-25T18:52:21.2169889Z',
      organizerName: 'Abbie Wilkins',
      quality: 'poor',
      worstReason: 'Network MOS degradation 1.16 (poor above 1)',
      ratings: ['poor'],
      // No session failed; poor and rated poor: the rating and the measurement agree.
      failure: null,
      mismatch: null,
    });
  });
  it('picks the crossing furthest past its threshold', () => {
    // Round trip 700 ms is 1.4 × 500; loss 20 % is 2 × 10 %; jitter 80 ms is 2.67 × 30; frame rate 3 fps is 7/3 = 2.33 below 7.
    const record = bigMeetingRecord(2);
    const digest = digestItemOf(scoreCallRecord(record, resolveScoringOptions()), summarizeCall(record));
    assert.equal(digest.worstReason, 'Jitter 80 ms (poor above 30 ms)');
  });
  it('no reason for a call that was only rated', () => {
    const record = loadFixture('callrecord-v1-expanded-2024.json');
    const digest = digestItemOf(scoreCallRecord(record, resolveScoringOptions()), summarizeCall(record));
    assert.equal(digest.quality, 'good');
    assert.equal(digest.worstReason, null);
    assert.deepEqual(digest.ratings, ['poor']);
  });
});

describe('the digest card', () => {
  it('says how many calls, lists the worst first, and ends with "and N more"', () => {
    const items = [
      item(1, { quality: 'good', worstReason: null, ratings: ['bad'] }),
      item(2),
      item(3, { quality: 'unclassified', worstReason: null }),
      item(4, { quality: 'good', worstReason: null, ratings: ['poor', 'bad'] }),
      item(5),
    ];
    const card = buildDigestCard({ audience: 'admins', items, totalCount: 30 });
    assertValid(card);
    const text = cardText(card);
    assert.match(text, /^30 calls with poor quality or ratings$/m);
    // Poor quality first (in the given order), then complaints (most low ratings first), then the rest.
    const order = [...text.matchAll(/^Organizer (\d)$/gm)].map((match) => match[1]);
    assert.deepEqual(order, ['2', '5', '4', '1', '3']);
    assert.match(text, /…and 25 more calls\./);
    assert.match(text, /2 low ratings \(poor, bad\)/);
    assert.match(text, /^rated bad$/m);
    assert.match(text, /^call-2$/m);
    assert.match(text, /Send recent to list the latest poor calls/);
  });
  it('shows at most 10 calls', () => {
    const card = buildDigestCard({ audience: 'admins', items: Array.from({ length: 40 }, (_, index) => item(index)), totalCount: 40 });
    assertValid(card);
    assert.equal([...cardText(card).matchAll(/^call-\d+$/gm)].length, 10);
    assert.match(cardText(card), /…and 30 more calls\./);
  });
  it('counts the items when totalCount is lower than them', () => {
    const card = buildDigestCard({ audience: 'organizer', items: [item(1), item(2)], totalCount: 0 });
    assert.match(cardText(card), /^2 calls with poor quality or ratings$/m);
    assert.match(cardText(card), /Your calls/);
    assert.doesNotMatch(cardText(card), /more calls/);
  });
  it('the sample items (docs/cards) list each call once, newest first', () => {
    const items = sampleDigestItems();
    assert.equal(new Set(items.map((entry) => entry.callId)).size, items.length);
    const starts = items.map((entry) => Date.parse(entry.startDateTime ?? ''));
    assert.ok(starts.every((start, index) => index === 0 || start < starts[index - 1]!), 'strictly newest first');
  });
  it('works from the sample items made from the fixtures', () => {
    const card = buildDigestCard({ audience: 'admins', items: sampleDigestItems(), totalCount: 23 });
    assertValid(card);
    assert.match(cardText(card), /Abbie Wilkins/);
  });
});

describe('the recent calls card', () => {
  it('lists the calls in the order given, numbered from 1 for check N', () => {
    const card = buildRecentCallsCard([item(3), item(1), item(2)]);
    assertValid(card);
    const text = cardText(card);
    assert.match(text, /^Recent poor calls \(3\)$/m);
    assert.deepEqual([...text.matchAll(/^(\d)\. Organizer (\d)$/gm)].map((match) => `${match[1]}:${match[2]}`), ['1:3', '2:1', '3:2']);
    assert.match(text, /check 1/);
    assert.match(text, /\{\{DATE\(2026-03-02T09:00:00Z, SHORT\)\}\}/);
  });
  it('says so when there is none', () => {
    const card = buildRecentCallsCard([]);
    assertValid(card);
    assert.match(cardText(card), /^No recent poor calls$/m);
    assert.match(cardText(card), /No call was judged poor or rated badly yet\./);
  });
  it('shows at most 20 and says how many more', () => {
    const card = buildRecentCallsCard(Array.from({ length: 25 }, (_, index) => item(index)));
    assert.equal([...cardText(card).matchAll(/^call-\d+$/gm)].length, 20);
    assert.match(cardText(card), /…and 5 more calls\./);
  });
});

describe('the help card', () => {
  it('lists every command and marks the admins’ ones', () => {
    const card = buildHelpCard(SAMPLE_COMMANDS);
    assertValid(card);
    const rows = elementsOfType(card, 'TableRow').slice(1).map((row) => JSON.stringify(row));
    assert.equal(rows.length, SAMPLE_COMMANDS.length);
    SAMPLE_COMMANDS.forEach((command, index) => {
      assert.ok(rows[index]!.includes(JSON.stringify(command.name)));
      assert.ok(rows[index]!.includes(command.adminOnly ? '"Admins"' : '"Everyone"'));
    });
  });
});

describe('the status card', () => {
  const base: BotStatus = {
    now: SAMPLE_NOW,
    health: { status: 'ok', reasons: [] },
    subscriptions: [{ tenantId: 't1', subscriptionId: 's1', expiresAt: SAMPLE_NOW + 2 * 86_400_000 }],
    lastNotificationAt: SAMPLE_NOW - 5 * 60_000,
    inbox: { pending: 0, leased: 0, done: 10, dead: 0 },
    alertsSentLast24h: 4,
  };

  it('all well: "Running", data is flowing, the figures', () => {
    const card = buildStatusCard(base);
    assertValid(card);
    const text = cardText(card);
    assert.match(text, /^Running$/m);
    assert.match(text, /Data is flowing/);
    assert.match(text, /^5 min ago \(\{\{DATE\(2026-03-02T11:55:00Z, SHORT\)\}\}/m);
    assert.match(text, /^4$/m);
    assert.match(text, /^0 waiting · 0 in progress · 10 done · 0 failed$/m);
    assert.match(text, /^in 2 days$/m);
  });
  it('shows the verdict it is given, reasons worst first, and decides nothing itself', () => {
    const failing = buildStatusCard({
      ...base,
      health: {
        status: 'failing',
        reasons: [
          { severity: 'failing', summary: 'The inbox cannot be written: the webhook answers 503.' },
          { severity: 'degraded', summary: '1 tenant of 2 has no Graph subscription.' },
        ],
      },
      subscriptions: [{ tenantId: 't2', subscriptionId: 's2', expiresAt: SAMPLE_NOW - 3 * 3_600_000 }],
    });
    assertValid(failing);
    const text = cardText(failing);
    assert.match(text, /^Needs attention$/m);
    assert.ok(text.indexOf('The inbox cannot be written') < text.indexOf('1 tenant of 2 has no Graph subscription'), 'worst first');
    assert.doesNotMatch(text, /Data is flowing/);
    assert.match(text, /^expired 3 h ago$/m);
    const degraded = buildStatusCard({ ...base, health: { status: 'degraded', reasons: [{ severity: 'degraded', summary: '2 call records failed for good.' }] } });
    assert.match(cardText(degraded), /^Running, with warnings$/m);
    assert.match(cardText(degraded), /2 call records failed for good/);
  });
  it('gives the failed calls of the last 24 h when known, says when the history could not be read', () => {
    const failed = cardText(buildStatusCard({ ...base, failedCallsLast24h: 1234 }));
    assert.match(failed, /^Failed calls \(24 h\)\n1,234$/m);
    assert.match(cardText(buildStatusCard({ ...base, failedCallsLast24h: null })), /^Failed calls \(24 h\)\nunknown \(the history could not be read\)$/m);
    assert.doesNotMatch(cardText(buildStatusCard(base)), /Failed calls/, 'not shown when not asked for');
  });
  it('adds notes that are no verdict: a subscription due for renewal, no notification for a day, none at all', () => {
    const soon = buildStatusCard({ ...base, subscriptions: [{ tenantId: 't1', subscriptionId: 's1', expiresAt: SAMPLE_NOW + 3_600_000 }] });
    assert.match(cardText(soon), /^Running$/m, 'a note does not change the verdict');
    assert.match(cardText(soon), /1 subscription expires within 6 h/);
    const quiet = buildStatusCard({ ...base, lastNotificationAt: SAMPLE_NOW - 30 * 3_600_000 });
    assert.match(cardText(quiet), /No change notification for 1 day 6 h/);
    const never = buildStatusCard({ ...base, lastNotificationAt: null });
    assert.match(cardText(never), /No change notification has arrived yet/);
    assert.match(cardText(never), /^never$/m);
  });
  it('no subscription at all: no table', () => {
    const card = buildStatusCard({ ...base, subscriptions: [] });
    assertValid(card);
    assert.equal(elementsOfType(card, 'Table').length, 0);
  });
});

describe('the thresholds card', () => {
  it('every threshold of the profile, with changed ones marked', () => {
    const options = resolveScoringOptions({ profile: 'cqd', thresholds: { 'audio.averageJitter': 40 } });
    const card = buildThresholdsCard(options);
    assertValid(card);
    const text = cardText(card);
    assert.match(text, /^Profile cqd$/m);
    assert.match(text, /1 threshold changed/);
    assert.match(text, /Judged only when the stream carried more than 500 packets/);
    assert.match(text, /^Jitter$\n^above 40 ms$\n^30 ms \(changed\)$/m);
    assert.match(text, /^Round-trip time$\n^above 500 ms$\n^500 ms$/m);
    assert.match(text, /^Frame rate$\n^below 7 fps$/m);
    assert.match(text, /^Video frame loss \(not for H264S\)$/m);
    assert.match(text, /^Frame rate$\n^below 1 fps$/m);
    assert.match(text, /alert on bad, poor/);
  });
  it('cqd-classic: degradation and concealment, no packet gate', () => {
    const card = buildThresholdsCard(CLASSIC);
    assertValid(card);
    const text = cardText(card);
    assert.match(text, /^Network MOS degradation$\n^above 1$/m);
    assert.match(text, /^Concealed samples$\n^above 7 %$/m);
    assert.doesNotMatch(text, /packets/);
    assert.doesNotMatch(text, /changed/);
  });
  it('alerts off for poor quality and ratings', () => {
    const card = buildThresholdsCard(resolveScoringOptions({ alertOnPoorQuality: false, alertRatings: [] }));
    assert.match(cardText(card), /^no alert$/m);
    assert.match(cardText(card), /^no alert on ratings$/m);
  });
});
