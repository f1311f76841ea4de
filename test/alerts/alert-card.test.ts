import assert from 'node:assert/strict';
import { resolveScoringOptions, scoreCallRecord, type JsonObject } from '../../src/quality';
import {
  buildAlertCard,
  buildAlertCardWithin,
  cardSizeBytes,
  CARD_ACTIONS,
  CARD_SCHEMA_VERSION,
  CARD_SIZE_LIMIT_BYTES,
  readAlertActionData,
  summarizeCall,
  validateCard,
  type AdaptiveCardDocument,
} from '../../src/alerts';
import { loadFixture } from '../support/graph-fixtures';
import { actionsByTitle, cardText, elementById, elementsOfType } from './card-inspection';
import { CLASSIC, RECORD_FIXTURES, alertInput, bigMeetingRecord, v2OnlyRecord } from './card-samples';

const CQD = resolveScoringOptions();
const CALL_ID = 'e523d2ed-2966-4b6b-925b-754a88034cc5';
const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';

function assertValid(card: AdaptiveCardDocument): void {
  const validation = validateCard(card);
  assert.deepEqual(validation.errors, []);
  assert.equal(validation.ok, true);
  assert.equal(validation.version, CARD_SCHEMA_VERSION);
  assert.ok(validation.sizeBytes <= CARD_SIZE_LIMIT_BYTES, `${validation.sizeBytes} bytes is over the limit`);
  // A binding the data did not fill would be left in the card as `${…}`.
  assert.doesNotMatch(JSON.stringify(card), /\$\{/);
}

describe('the alert card', () => {
  describe('every fixture, both profiles, both audiences', () => {
    for (const name of RECORD_FIXTURES) {
      for (const [profile, options] of [['cqd', CQD], ['cqd-classic', CLASSIC]] as const) {
        for (const audience of ['organizer', 'admins'] as const) {
          it(`${name}, ${profile}, ${audience}: valid Adaptive Card 1.5 within 80 KB`, () => {
            const card = buildAlertCard(alertInput(loadFixture(name), options, audience));
            assertValid(card);
            assert.deepEqual(card.msteams, { width: 'Full' });
            assert.match(cardText(card), new RegExp(CALL_ID));
          });
        }
      }
    }
    it('the organizer_v2-only record', () => {
      const card = buildAlertCard(alertInput(v2OnlyRecord(), CLASSIC, 'admins'));
      assertValid(card);
      assert.match(cardText(card), /Abbie Wilkins/);
      assert.match(cardText(card), /Owen Franklin → Abbie Wilkins/);
    });
  });

  describe('what the 2024 record’s admins card says under cqd-classic', () => {
    const card = buildAlertCard(alertInput(loadFixture('callrecord-v1-expanded-2024.json'), CLASSIC, 'admins'));
    const text = cardText(card);

    it('the call: type, start, duration, organizer, participants, id', () => {
      assert.match(text, /Peer-to-peer call/);
      // Start as the client-side date function, with Graph's fraction of a second dropped.
      assert.match(text, /\{\{DATE\(2020-02-25T18:52:21Z, SHORT\)\}\} \{\{TIME\(2020-02-25T18:52:21Z\)\}\}/);
      assert.match(text, /^26 s$/m);
      assert.match(text, /^Abbie Wilkins$/m);
      assert.match(text, /^2$/m);
      assert.match(text, new RegExp(`^${CALL_ID}$`, 'm'));
      assert.match(text, /version 1 · profile cqd-classic/);
    });
    it('the verdict in one sentence', () => {
      assert.match(text, /^Poor call quality$/m);
      assert.match(text, /The quality was poor: 1 of 2 streams crossed a Call Quality Dashboard threshold \(mostly Network MOS degradation on audio\), and 1 participant rated the call poor\./);
    });
    it('the poor stream: who to whom, media, metric, value and threshold in readable units', () => {
      assert.match(text, /Poor streams \(1 of 2\)/);
      assert.match(text, /^Owen Franklin → Abbie Wilkins$/m);
      assert.match(text, /^Audio$/m);
      assert.match(text, /^Network MOS degradation $/m);
      // averageAudioDegradation 1.160898, rounded to two decimals, against the classic threshold 1.0.
      assert.match(text, /^1\.16$/m);
      assert.match(text, /^ \(poor above 1\)$/m);
    });
    it('the feedback: who, rating, tokens in plain words', () => {
      assert.match(text, /What people said \(1\)/);
      assert.match(text, /^Owen Franklin$/m);
      assert.match(text, /★★☆☆☆ poor/);
      assert.match(text, /Problems: background noise/);
    });
    it('the network and device hints: Wi-Fi, relay, muted speaker, glitches', () => {
      assert.match(text, /Abbie Wilkins was on Wi-Fi/);
      assert.match(text, /relay server \(52\.114\.188\.32\)/);
      assert.match(text, /Abbie Wilkins’s speaker was muted for 100 % of the call/);
      assert.match(text, /speaker volume was set to zero/);
      assert.match(text, /glitched often/);
    });
    it('the first five hints are shown, the rest are under Details', () => {
      const hintsSection = JSON.stringify(card.body.filter((element) => JSON.stringify(element).includes('What may have caused it')));
      assert.match(hintsSection, /Wi-Fi/);
      assert.match(hintsSection, /…and 4 more hints under Details\./);
      const details = JSON.stringify(elementById(card, 'alertDetails'));
      assert.match(details, /More hints/);
      assert.match(details, /52\.114\.188\.102/);
    });
    it('Acknowledge, Details and Teams admin center, no mute button on the admins’ card', () => {
      const actions = actionsByTitle(card);
      assert.deepEqual([...actions.keys()], ['Acknowledge', 'Details', 'Teams admin center']);
      const acknowledge = actions.get('Acknowledge')!;
      assert.equal(acknowledge.type, 'Action.Execute');
      assert.equal(acknowledge.verb, CARD_ACTIONS.acknowledge);
      assert.deepEqual(readAlertActionData(acknowledge.data), { callId: CALL_ID, tenantId: TENANT, version: 1, audience: 'admins' });
    });
    it('says where the call is in call analytics, naming the organizer, and opens Teams admin center at its documented address', () => {
      assert.match(text, /In call analytics: Teams admin center › Users › Manage users › Abbie Wilkins › Meetings & calls, the call of \{\{DATE\(2020-02-25T18:52:21Z, SHORT\)\}\}/);
      const open = actionsByTitle(card).get('Teams admin center')!;
      assert.equal(open.type, 'Action.OpenUrl');
      assert.equal(open.url, 'https://admin.teams.microsoft.com/');
    });
    it('Details toggles a hidden container with every stream', () => {
      const details = actionsByTitle(card).get('Details')!;
      assert.equal(details.type, 'Action.ToggleVisibility');
      assert.equal(details.id, CARD_ACTIONS.details);
      const [target] = details.targetElements as string[];
      const container = elementById(card, target!)!;
      assert.equal(container.isVisible, false);
      const rows = JSON.stringify(container);
      assert.match(rows, /Every stream \(2\)/);
      assert.match(rows, /Abbie Wilkins → Owen Franklin.*Good.*within every threshold/);
      assert.match(rows, /Owen Franklin → Abbie Wilkins.*Poor.*Network MOS degradation 1\.16 \(above 1\)/);
    });
    it('uses a 1.5 Table with a header row for the poor streams', () => {
      const tables = elementsOfType(card, 'Table');
      assert.ok(tables.length >= 2);
      for (const table of tables) assert.equal(table.firstRowAsHeaders, true);
    });
  });

  describe('the organizer’s card', () => {
    const record = loadFixture('callrecord-v1-expanded-2024.json');

    it('speaks to the organizer and offers Acknowledge, Details and Mute my alerts for 24 h', () => {
      const card = buildAlertCard(alertInput(record, CLASSIC, 'organizer'));
      assert.match(cardText(card), /Your peer-to-peer call/);
      const actions = actionsByTitle(card);
      assert.deepEqual([...actions.keys()], ['Acknowledge', 'Details', 'Mute my alerts for 24 h']);
      const mute = actions.get('Mute my alerts for 24 h')!;
      assert.equal(mute.type, 'Action.Execute');
      assert.equal(mute.verb, CARD_ACTIONS.mute);
      assert.deepEqual(readAlertActionData(mute.data), { callId: CALL_ID, tenantId: TENANT, version: 1, audience: 'organizer', hours: 24 });
    });
    it('when muted: says so, until when, and drops the mute button', () => {
      const card = buildAlertCard(alertInput(record, CLASSIC, 'organizer', { muted: true, mutedUntil: '2026-03-03T11:42:07.123Z' }));
      assertValid(card);
      assert.match(cardText(card), /Your call-quality alerts are muted until \{\{DATE\(2026-03-03T11:42:07Z, SHORT\)\}\}/);
      assert.match(cardText(card), /Send \*\*unmute\*\*/);
      assert.ok(!actionsByTitle(card).has('Mute my alerts for 24 h'));
      assert.ok(actionsByTitle(card).has('Acknowledge'));
    });
    it('has no call analytics line or admin center button: organizers cannot open call analytics', () => {
      const card = buildAlertCard(alertInput(record, CLASSIC, 'organizer'));
      assert.doesNotMatch(cardText(card), /call analytics/);
      assert.ok(!actionsByTitle(card).has('Teams admin center'));
    });
    it('never says the organizer could not be reached', () => {
      const card = buildAlertCard(alertInput(record, CLASSIC, 'organizer', { organizerReachable: false }));
      assert.doesNotMatch(cardText(card), /organizer was not told/);
    });
  });

  describe('variants', () => {
    const record = loadFixture('callrecord-v1-expanded-2024.json');

    it('admins’ card when the organizer could not be reached: says so, with the reason', () => {
      const card = buildAlertCard(alertInput(record, CLASSIC, 'admins', { organizerReachable: false, organizerUnreachableReason: 'the app is not installed for them' }));
      assertValid(card);
      assert.match(cardText(card), /The organizer was not told about this call: the app is not installed for them\. Only this channel got the alert\./);
      const unknownReason = buildAlertCard(alertInput(record, CLASSIC, 'admins', { organizerReachable: false }));
      assert.match(cardText(unknownReason), /the bot could not reach them in Teams/);
      for (const reachable of [true, undefined]) {
        assert.doesNotMatch(cardText(buildAlertCard(alertInput(record, CLASSIC, 'admins', { organizerReachable: reachable }))), /organizer was not told/);
      }
    });
    it('acknowledged: shows who and when, and drops the Acknowledge button', () => {
      const card = buildAlertCard(alertInput(record, CLASSIC, 'admins', { acknowledgedBy: { name: 'Megan Bowen', at: '2026-03-02T11:42:07Z' } }));
      assertValid(card);
      const text = cardText(card);
      assert.match(text, /✓ Acknowledged by \nMegan Bowen/);
      assert.match(text, /\{\{DATE\(2026-03-02T11:42:07Z, SHORT\)\}\} \{\{TIME\(2026-03-02T11:42:07Z\)\}\}/);
      assert.deepEqual([...actionsByTitle(card).keys()], ['Details', 'Teams admin center']);
    });
    it('viewOnly (the answer to check): Details only, no Acknowledge or Mute, for either audience', () => {
      const admins = buildAlertCard(alertInput(record, CLASSIC, 'admins', { viewOnly: true }));
      assertValid(admins);
      assert.deepEqual([...actionsByTitle(admins).keys()], ['Details', 'Teams admin center']);
      const organizer = buildAlertCard(alertInput(record, CLASSIC, 'organizer', { viewOnly: true }));
      assertValid(organizer);
      assert.deepEqual([...actionsByTitle(organizer).keys()], ['Details']);
      assert.match(cardText(organizer), /Abbie Wilkins/);
      const forSomeoneElse = buildAlertCard(alertInput(record, CLASSIC, 'admins', { viewOnly: true, adminCenterLink: false }));
      assertValid(forSomeoneElse);
      assert.deepEqual([...actionsByTitle(forSomeoneElse).keys()], ['Details'], 'no Teams admin center for someone who is not an admin');
      assert.doesNotMatch(cardText(forSomeoneElse), /call analytics/i);
    });
    it('showDetails: the details container starts visible', () => {
      const card = buildAlertCard(alertInput(record, CLASSIC, 'admins', { showDetails: true }));
      assertValid(card);
      assert.equal(elementById(card, 'alertDetails')!.isVisible, true);
    });
    it('refresh: Action.Execute with the refresh verb for at most 60 distinct users, only when asked', () => {
      const userIds = Array.from({ length: 100 }, (_, index) => `user-${index % 80}`);
      const card = buildAlertCard(alertInput(record, CLASSIC, 'admins', { refreshUserIds: userIds }));
      assertValid(card);
      assert.equal(card.refresh!.userIds!.length, 60);
      assert.equal(new Set(card.refresh!.userIds).size, 60);
      assert.equal(card.refresh!.action.type, 'Action.Execute');
      assert.equal(card.refresh!.action.verb, CARD_ACTIONS.refresh);
      assert.equal(readAlertActionData(card.refresh!.action.data).callId, CALL_ID);
      assert.equal(buildAlertCard(alertInput(record, CLASSIC, 'admins')).refresh, undefined);
    });
    it('a call only rated poor: "Poor call rating", quality measured good', () => {
      const card = buildAlertCard(alertInput(record, CQD, 'admins'));
      const text = cardText(card);
      assert.match(text, /^Poor call rating$/m);
      assert.match(text, /The measured quality was good \(2 streams, none poor\), but 1 participant rated the call poor\./);
      assert.doesNotMatch(text, /Poor streams/);
    });
    it('a record without sessions: nothing judged, no tables, no Details button', () => {
      const card = buildAlertCard(alertInput(loadFixture('callrecord-v1-basic.json'), CQD, 'admins'));
      assertValid(card);
      const text = cardText(card);
      assert.match(text, /^Call quality not measured$/m);
      assert.match(text, /No stream could be judged/);
      assert.equal(elementsOfType(card, 'Table').length, 0);
      assert.deepEqual([...actionsByTitle(card).keys()], ['Acknowledge', 'Teams admin center']);
    });
    it('names and comments are plain text runs, never markdown', () => {
      const record2 = structuredClone(record);
      const sessions = record2.sessions as JsonObject[];
      const callee = sessions[0]!.callee as JsonObject;
      (callee.identity as { user: { displayName: string } }).user.displayName = '**Boss** [click](https://example.invalid)';
      (callee.feedback as JsonObject).text = 'see [this](https://example.invalid) _now_';
      const card = buildAlertCard(alertInput(record2, CLASSIC, 'admins'));
      assertValid(card);
      for (const block of elementsOfType(card, 'TextBlock')) assert.doesNotMatch(String(block.text), /example\.invalid/);
      const runs = elementsOfType(card, 'TextRun').map((run) => String(run.text));
      assert.ok(runs.includes('**Boss** [click](https://example.invalid)'));
      assert.ok(runs.some((run) => run.includes('see [this](https://example.invalid) _now_')));
    });
  });

  describe('big meetings', () => {
    const record = bigMeetingRecord(1000);
    const card = buildAlertCard(alertInput(record, CQD, 'admins', { showDetails: true }));
    const text = cardText(card);

    it('a 1,000-session meeting gives a valid card within 80 KB', () => {
      assertValid(card);
    });
    it('the tables end with "and N more"', () => {
      // Per session: audio up (round trip, loss, jitter), audio down (jitter) and video up (frame rate) are poor.
      assert.match(text, /Poor streams \(3,000 of 4,000\)/);
      assert.match(text, /…and 2,988 more poor streams\./);
      // Every third session rated the call: 334 answers, 10 shown.
      assert.match(text, /What people said \(334\)/);
      assert.match(text, /…and 324 more answers\./);
      assert.match(text, /Every stream \(4,000\)/);
      assert.match(text, /…and 3,960 more streams\./);
      assert.match(text, /^1,000$/m);
    });
    it('hints shared by many people are one line each', () => {
      assert.match(text, /1,000 people had their speaker muted: Participant 0 .*, Participant 1 .*, Participant 2 .* and 997 more\./);
      assert.match(text, /1,000 people were on Wi-Fi/);
    });
    it('shows the worst streams first', () => {
      const rows = elementsOfType(card, 'TableRow');
      const firstData = JSON.stringify(rows[1]);
      assert.match(firstData, /Round-trip time|Packet loss|Jitter/);
      assert.match(firstData, /700 ms/);
    });
    it('stays within the limit when every row is as long as it can be: the card drops rows until it fits', () => {
      const long = '長'.repeat(200);
      const sessions = (record.sessions as JsonObject[]).slice(0, 300).map((session, index) => {
        const copy = structuredClone(session);
        const user = { id: `u-${index}`, displayName: `${long} ${index}` };
        copy.caller = { identity: { user }, feedback: { rating: 'bad', text: long.repeat(5), tokens: { Noisy: true, Echo: true, DistortedSound: true } } };
        const segment = (copy.segments as JsonObject[])[0]!;
        segment.caller = { identity: { user } };
        const audio = (segment.media as JsonObject[])[0]!;
        audio.streams = [
          {
            streamId: `${index}`,
            streamDirection: 'callerToCallee',
            averageAudioDegradation: 3,
            averageRoundTripTime: 'PT1S',
            averagePacketLossRate: 0.5,
            averageJitter: 'PT0.5S',
            averageRatioOfConcealedSamples: 0.5,
          },
        ];
        return copy;
      });
      const input = alertInput({ ...record, sessions }, CLASSIC, 'admins');
      const worst = buildAlertCard(input);
      assertValid(worst);
      // 300 sessions with a poor audio and a poor video stream each; 12 shown.
      assert.match(cardText(worst), /…and 588 more poor streams/);
      // Under a tighter limit the same call drops to the next, smaller tables.
      const tight = buildAlertCardWithin(input, 50 * 1024);
      assert.ok(cardSizeBytes(tight) <= 50 * 1024);
      assert.ok(validateCard(tight).ok);
      assert.match(cardText(tight), /…and 592 more poor streams/);
      assert.match(cardText(tight), /…and 294 more answers/);
    });
  });

  it('report and summary round-trip through JSON (as the store keeps them) to the same card', () => {
    const record = loadFixture('callrecord-v1-expanded-2024.json');
    const report = scoreCallRecord(record, CLASSIC);
    const summary = summarizeCall(record);
    const direct = buildAlertCard({ report, summary, audience: 'admins' });
    const stored = buildAlertCard({ report: JSON.parse(JSON.stringify(report)), summary: JSON.parse(JSON.stringify(summary)), audience: 'admins' });
    assert.deepEqual(stored, direct);
  });
});
