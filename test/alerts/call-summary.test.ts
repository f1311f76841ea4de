import assert from 'node:assert/strict';
import { readCallSummary, summarizeCall, SERVICE_ENDPOINT_NAME } from '../../src/alerts';
import { loadFixture } from '../support/graph-fixtures';
import { ALL_FIXTURES, RECORD_FIXTURES, bigMeetingRecord, v2OnlyRecord } from './card-samples';

const ABBIE = { id: '821809f5-0000-0000-0000-3b5136c0e777', displayName: 'Abbie Wilkins', tenantId: 'dc368399-474c-4d40-900c-6265431fd81f' };

describe('summarizeCall', () => {
  describe('on the Graph fixtures', () => {
    for (const name of RECORD_FIXTURES) {
      it(`${name}: the call, its organizer and its two participants`, () => {
        const summary = summarizeCall(loadFixture(name));
        assert.equal(summary.callId, 'e523d2ed-2966-4b6b-925b-754a88034cc5');
        assert.equal(summary.version, 1);
        assert.equal(summary.type, 'peerToPeer');
        assert.equal(summary.startDateTime, '2020-02-25T18:52:21.2169889Z');
        assert.equal(summary.endDateTime, '2020-02-25T18:52:46.7640013Z');
        // 18:52:21.217 to 18:52:46.764 is 25.547 s.
        assert.equal(summary.durationSeconds, 26);
        assert.deepEqual(summary.organizer, ABBIE);
        assert.equal(summary.participantCount, 2);
      });
    }

    it('the basic records (no sessions) have no streams and no hints', () => {
      for (const name of ['callrecord-beta-basic.json', 'callrecord-v1-basic.json']) {
        const summary = summarizeCall(loadFixture(name));
        assert.deepEqual(summary.streams, []);
        assert.deepEqual(summary.hints, []);
      }
    });

    it('says who sent each stream to whom: caller to callee, and back', () => {
      const summary = summarizeCall(loadFixture('callrecord-v1-expanded-2024.json'));
      assert.deepEqual(
        summary.streams.map((stream) => [stream.streamId, stream.direction, stream.kind, stream.from, stream.to]),
        [
          ['1504545584', 'callerToCallee', 'audio', 'Abbie Wilkins', 'Owen Franklin'],
          ['1785122252', 'calleeToCaller', 'audio', 'Owen Franklin', 'Abbie Wilkins'],
        ],
      );
      assert.equal(summary.streams[0]!.sessionId, 'e523d2ed-2966-4b6b-925b-754a88034cc5');
      assert.equal(summary.streams[0]!.segmentId, 'e523d2ed-2966-4b6b-925b-754a88034cc5');
      assert.equal(summary.streams[0]!.label, 'main-audio');
    });

    it('lists the people at the stream ends, and says whose end each stream and hint is', () => {
      const summary = summarizeCall(loadFixture('callrecord-v1-expanded-2024.json'));
      assert.deepEqual(summary.people, [
        { id: ABBIE.id, tenantId: ABBIE.tenantId, displayName: 'Abbie Wilkins', service: false },
        { id: 'f69e2c00-0000-0000-0000-185e5f5f5d8a', tenantId: ABBIE.tenantId, displayName: 'Owen Franklin', service: false },
      ]);
      // Abbie (0) is the caller: she sends callerToCallee to Owen (1), and he answers.
      assert.deepEqual(summary.streams.map((stream) => [stream.fromPerson, stream.toPerson]), [[0, 1], [1, 0]]);
      for (const hint of summary.hints) assert.equal(summary.people[hint.person!]!.displayName, hint.who, `${hint.kind} is ${hint.who}'s`);
    });

    it('keeps the meeting server as one service entry, never as a person', () => {
      const summary = summarizeCall(bigMeetingRecord(3));
      assert.deepEqual(summary.people.map((person) => person.service), [false, true, false, false]);
      assert.ok(summary.streams.every((stream) => summary.people[stream.fromPerson]!.service !== summary.people[stream.toPerson]!.service));
    });

    it('finds the network and device hints the 2024 record shows', () => {
      const hints = summarizeCall(loadFixture('callrecord-v1-expanded-2024.json')).hints;
      const pairs = hints.map((hint) => `${hint.kind}:${hint.who}`);
      for (const expected of [
        'wifi:Abbie Wilkins',
        'relay:Abbie Wilkins',
        'relay:Owen Franklin',
        'muted-device:Abbie Wilkins',
        'zero-volume:Abbie Wilkins',
        'glitches:Abbie Wilkins',
        'glitches:Owen Franklin',
        'network-quality:Abbie Wilkins',
        'network-quality:Owen Franklin',
      ]) {
        assert.ok(pairs.includes(expected), `expected hint ${expected} in ${pairs.join(', ')}`);
      }
      // Owen was wired: no Wi-Fi hint for him.
      assert.ok(!pairs.includes('wifi:Owen Franklin'));
      const wifi = hints.find((hint) => hint.kind === 'wifi')!;
      assert.match(wifi.text, /^Abbie Wilkins was on Wi-Fi/);
      const relay = hints.find((hint) => hint.kind === 'relay' && hint.who === 'Abbie Wilkins')!;
      assert.match(relay.text, /52\.114\.188\.32/);
      const glitches = hints.find((hint) => hint.kind === 'glitches' && hint.who === 'Abbie Wilkins')!;
      assert.match(glitches.text, /speaker 3830/);
      assert.match(glitches.text, /microphone 23/);
    });

    for (const name of ['sessions-page.json', 'sessions-page-with-segments.json']) {
      it(`${name} (a page, not a record) gives an empty summary without throwing`, () => {
        const summary = summarizeCall(loadFixture(name));
        assert.equal(summary.callId, null);
        assert.equal(summary.durationSeconds, null);
        assert.deepEqual(summary.organizer, { id: null, displayName: null, tenantId: null });
        assert.equal(summary.participantCount, 0);
        assert.deepEqual(summary.streams, []);
      });
    }

    it('every fixture gives a summary that survives a JSON round trip (it is stored as JSON)', () => {
      for (const name of ALL_FIXTURES) {
        const summary = summarizeCall(loadFixture(name));
        assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
      }
    });
  });

  describe('after June 2026: organizer_v2, participants_v2 and associatedIdentity only', () => {
    const summary = summarizeCall(v2OnlyRecord());

    it('reads the organizer from organizer_v2', () => {
      assert.deepEqual(summary.organizer, ABBIE);
    });
    it('counts participants_v2', () => {
      assert.equal(summary.participantCount, 2);
    });
    it('names stream endpoints from associatedIdentity', () => {
      assert.deepEqual(
        summary.streams.map((stream) => [stream.from, stream.to]),
        [
          ['Abbie Wilkins', 'Owen Franklin'],
          ['Owen Franklin', 'Abbie Wilkins'],
        ],
      );
      assert.ok(summary.hints.some((hint) => hint.kind === 'wifi' && hint.who === 'Abbie Wilkins'));
    });
    it('prefers organizer_v2 over the deprecated organizer when both are there', () => {
      const record = v2OnlyRecord();
      record.organizer = { user: { id: 'old-id', displayName: 'Old Name' } };
      assert.equal(summarizeCall(record).organizer.displayName, 'Abbie Wilkins');
    });
    it('takes the organizer id from organizer_v2.id when its identity has none', () => {
      const organizer = summarizeCall({ id: 'x', organizer_v2: { id: 'org-1', identity: { user: { displayName: 'Dana' } } } }).organizer;
      assert.deepEqual(organizer, { id: 'org-1', displayName: 'Dana', tenantId: null });
    });
    it('reads a guest or phone organizer when there is no user', () => {
      const organizer = summarizeCall({ id: 'x', organizer_v2: { id: 'g-1', identity: { guest: { id: 'g-1', displayName: 'Visitor' } } } }).organizer;
      assert.equal(organizer.displayName, 'Visitor');
    });
  });

  describe('participant count', () => {
    it('uses the distinct users of the sessions when participants is capped (130 entries) below them', () => {
      const record = bigMeetingRecord(200);
      record.participants = Array.from({ length: 130 }, (_, index) => ({ user: { id: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}` } }));
      assert.equal(summarizeCall(record).participantCount, 200);
    });
    it('does not count the meeting server as a participant', () => {
      assert.equal(summarizeCall(bigMeetingRecord(5)).participantCount, 5);
    });
    it('counts each participants_v2 id once', () => {
      const record = { id: 'x', participants_v2: [{ id: 'a' }, { id: 'a' }, { id: 'b', identity: { user: { id: 'b' } } }] };
      assert.equal(summarizeCall(record).participantCount, 2);
    });
  });

  describe('endpoints', () => {
    it(`calls a service endpoint "${SERVICE_ENDPOINT_NAME}"`, () => {
      const summary = summarizeCall(bigMeetingRecord(1));
      assert.equal(summary.streams[0]!.to, SERVICE_ENDPOINT_NAME);
      assert.equal(summary.streams[1]!.from, SERVICE_ENDPOINT_NAME);
    });
    it('falls back to the session endpoints when a segment has none, and leaves an unknown direction unnamed', () => {
      const summary = summarizeCall({
        id: 'x',
        sessions: [
          {
            id: 's',
            caller: { identity: { user: { id: 'a', displayName: 'Ann' } } },
            callee: { identity: { user: { id: 'b', displayName: 'Ben' } } },
            segments: [{ id: 'g', media: [{ label: 'main-video', streams: [{ streamId: '1', streamDirection: 'calleeToCaller' }, { streamId: '2', streamDirection: 'sideways' }] }] }],
          },
        ],
      });
      assert.deepEqual(
        summary.streams.map((stream) => [stream.from, stream.to, stream.kind]),
        [
          ['Ben', 'Ann', 'video'],
          [null, null, 'video'],
        ],
      );
    });
  });

  describe('robustness', () => {
    it('never throws on any JSON value', () => {
      for (const value of [null, undefined, 42, 'text', [], [1, 2], {}, { sessions: 'no' }, { sessions: [null, 1, { segments: [null, { media: [null, { streams: [null, 'x'] }] }] }] }]) {
        const summary = summarizeCall(value);
        assert.equal(summary.callId, null);
        assert.ok(Array.isArray(summary.streams));
      }
    });
    it('gives no duration when the end is before the start or a time is malformed', () => {
      assert.equal(summarizeCall({ startDateTime: '2026-01-01T10:00:00Z', endDateTime: '2026-01-01T09:00:00Z' }).durationSeconds, null);
      assert.equal(summarizeCall({ startDateTime: 'yesterday', endDateTime: '2026-01-01T09:00:00Z' }).durationSeconds, null);
      assert.equal(summarizeCall({ startDateTime: '2026-01-01T09:00:00Z', endDateTime: '2026-01-01T10:30:00Z' }).durationSeconds, 5400);
    });
    it('de-duplicates repeated sessions (Graph repeats them across pages)', () => {
      const record = loadFixture('callrecord-v1-expanded-2024.json');
      const sessions = record.sessions as unknown[];
      record.sessions = [...sessions, ...sessions];
      assert.equal(summarizeCall(record).streams.length, 2);
    });
  });

  describe('readCallSummary (a summary read back from the store)', () => {
    it('gives back what summarizeCall stored', () => {
      for (const name of ALL_FIXTURES) {
        const summary = summarizeCall(loadFixture(name));
        assert.deepEqual(readCallSummary(JSON.parse(JSON.stringify(summary))), summary);
      }
    });
    it('fills safe defaults for anything missing or of the wrong type', () => {
      assert.deepEqual(readCallSummary({ callId: 'c', participantCount: 'many', streams: [null, { kind: 'smell' }], hints: [{ kind: 'wifi' }, 3, { kind: 'gremlins', text: 'x' }, { kind: 'relay', who: 7, text: 'Relayed.' }] }), {
        callId: 'c',
        version: null,
        type: null,
        startDateTime: null,
        endDateTime: null,
        durationSeconds: null,
        organizer: { id: null, displayName: null, tenantId: null },
        participantCount: 0,
        streams: [{ sessionId: null, segmentId: null, streamId: null, direction: null, label: null, kind: null, from: null, to: null, fromWhere: null, toWhere: null, fromPerson: -1, toPerson: -1 }],
        hints: [{ kind: 'relay', who: null, text: 'Relayed.' }],
        people: [],
      });
      assert.equal(readCallSummary('not json').callId, null);
    });
  });
});
