import { resolveScoringOptions, scoreCallRecord, type JsonObject, type ScoringOptions } from '../../src/quality';
import {
  assessCall,
  buildAlertCard,
  buildParticipantCard,
  participantSideOf,
  CHAT_COMMANDS,
  buildDigestCard,
  buildHelpCard,
  buildRecentCallsCard,
  buildStatusCard,
  buildThresholdsCard,
  digestItemOf,
  summarizeCall,
  type AdaptiveCardDocument,
  type AlertCardInput,
  type DigestItem,
} from '../../src/alerts';
import { loadFixture } from '../support/graph-fixtures';
import { meetingPerson, meetingRecord } from '../support/group-call-record';
import { sampleInsightCards } from './insight-card-samples';

/** The call-record fixtures (the sessions pages are not records). */
export const RECORD_FIXTURES = [
  'callrecord-beta-basic.json',
  'callrecord-beta-expanded.json',
  'callrecord-v1-basic.json',
  'callrecord-v1-expanded-2024.json',
  'callrecord-v1-expanded-lowercase-nextlink.json',
] as const;

/** Every fixture file, records and pages. */
export const ALL_FIXTURES = [...RECORD_FIXTURES, 'sessions-page.json', 'sessions-page-with-segments.json'] as const;

export const CLASSIC = resolveScoringOptions({ profile: 'cqd-classic' });

/** The alert card input for a record: scored with `options`, summarized, for `audience`. */
export function alertInput(record: unknown, options: ScoringOptions, audience: AlertCardInput['audience'], extra: Partial<AlertCardInput> = {}): AlertCardInput {
  return { report: scoreCallRecord(record, options), summary: summarizeCall(record), audience, tenantId: 'dc368399-474c-4d40-900c-6265431fd81f', ...extra };
}

/**
 * The 2024 fixture as a call that dropped (its session's failureInfo, stage `midcall`): under `cqd`
 * its streams are good and Owen rated it poor, so the card also shows the mismatch line.
 */
export function droppedRecord(): JsonObject {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json'));
  (record.sessions as JsonObject[])[0]!.failureInfo = { stage: 'midcall', reason: 'NetworkDisconnected' };
  return record;
}

/**
 * The 2024 fixture rewritten the way Graph sends records after June 2026: no `organizer` or
 * `participants`, `organizer_v2` and `participants_v2` instead, and endpoints that carry only
 * `associatedIdentity`.
 */
export function v2OnlyRecord(): JsonObject {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json'));
  const user = (id: string, displayName: string) => ({ id, displayName, tenantId: 'dc368399-474c-4d40-900c-6265431fd81f', userPrincipalName: null });
  const abbie = user('821809f5-0000-0000-0000-3b5136c0e777', 'Abbie Wilkins');
  const owen = user('f69e2c00-0000-0000-0000-185e5f5f5d8a', 'Owen Franklin');
  delete record.organizer;
  delete record.participants;
  record.organizer_v2 = { id: abbie.id, identity: { user: abbie }, administrativeUnitInfos: [] };
  record.participants_v2 = [
    { id: abbie.id, identity: { user: abbie } },
    { id: owen.id, identity: { user: owen } },
  ];
  const toAssociated = (endpoint: unknown) => {
    const value = endpoint as JsonObject | undefined;
    if (!value) return;
    const identity = value.identity as { user?: { id: string; displayName: string } } | undefined;
    if (identity?.user) value.associatedIdentity = { '@odata.type': '#microsoft.graph.identity', id: identity.user.id, displayName: identity.user.displayName };
    delete value.identity;
  };
  for (const session of record.sessions as JsonObject[]) {
    toAssociated(session.caller);
    toAssociated(session.callee);
    for (const segment of session.segments as JsonObject[]) {
      toAssociated(segment.caller);
      toAssociated(segment.callee);
    }
  }
  return record;
}

/**
 * A meeting of `sessionCount` sessions, each a participant talking to the meeting server, every
 * audio stream poor (high jitter) and every video stream poor (low frame rate), on Wi-Fi through a
 * relay, with a long name and, for one in three, a long "rate my call" comment.
 */
export function bigMeetingRecord(sessionCount = 1000): JsonObject {
  const sessions: JsonObject[] = [];
  for (let index = 0; index < sessionCount; index++) {
    const id = `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`;
    const person = { id, displayName: `Participant ${index} with a rather long display name from the directory`, tenantId: 'dc368399-474c-4d40-900c-6265431fd81f' };
    const server = { '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint', userAgent: { '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent', role: 'conferencingServer' } };
    const caller: JsonObject = { '@odata.type': '#microsoft.graph.callRecords.participantEndpoint', identity: { user: person } };
    if (index % 3 === 0) {
      caller.feedback = {
        rating: index % 2 === 0 ? 'bad' : 'poor',
        text: `Comment ${index}: `.padEnd(600, 'the audio kept breaking up and people could not hear me. '),
        tokens: { Noisy: true, Interruptions: true, FrozenVideo: index % 2 === 0 },
      };
    }
    sessions.push({
      id: `session-${index}`,
      modalities: ['audio', 'video'],
      caller,
      callee: server,
      segments: [
        {
          id: `segment-${index}`,
          caller: { identity: { user: person } },
          callee: server,
          media: [
            {
              label: 'main-audio',
              callerNetwork: { connectionType: 'wifi', relayIPAddress: `52.114.0.${index % 255}`, wifiSignalStrength: 30, bandwidthLowEventRatio: 0.4 },
              callerDevice: { micGlitchRate: 50, renderMuteEventRatio: 0.2 },
              streams: [
                { streamId: `${index}1`, streamDirection: 'callerToCallee', packetUtilization: 2000, averageJitter: 'PT0.080S', averageRoundTripTime: 'PT0.700S', averagePacketLossRate: 0.2 },
                { streamId: `${index}2`, streamDirection: 'calleeToCaller', packetUtilization: 2000, averageJitter: 'PT0.050S' },
              ],
            },
            {
              label: 'main-video',
              streams: [
                { streamId: `${index}3`, streamDirection: 'callerToCallee', averageVideoFrameRate: 3 },
                { streamId: `${index}4`, streamDirection: 'calleeToCaller', averageVideoFrameRate: 30 },
              ],
            },
          ],
        },
      ],
    });
  }
  return {
    id: 'b16b16b1-0000-4000-8000-000000001000',
    version: 3,
    type: 'groupCall',
    modalities: ['audio', 'video'],
    startDateTime: '2026-03-02T09:00:00Z',
    endDateTime: '2026-03-02T10:30:00Z',
    organizer_v2: { id: '00000000-0000-0000-0000-000000000000', identity: { user: { id: '00000000-0000-0000-0000-000000000000', displayName: 'Participant 0 with a rather long display name from the directory' } } },
    sessions,
  };
}

/**
 * Digest items made from the 2024 fixture (moved to the sample day), the big meeting and generated
 * calls: each call once, newest first, as `recent` lists them (the store answers newest first) and
 * as a digest gets them (it ranks worst first and keeps that order among equals).
 */
export function sampleDigestItems(): DigestItem[] {
  const rated = structuredClone(loadFixture('callrecord-v1-expanded-2024.json'));
  rated.startDateTime = '2026-03-02T11:05:21Z';
  rated.endDateTime = '2026-03-02T11:05:47Z';
  const records = [rated, bigMeetingRecord(40)];
  const items = records.map((record) => digestItemOf(scoreCallRecord(record, CLASSIC), summarizeCall(record)));
  const firstGenerated = Date.parse('2026-03-02T08:15:00Z');
  const more: DigestItem[] = Array.from({ length: 14 }, (_, index) => ({
    callId: `c0ffee00-0000-4000-8000-${String(index).padStart(12, '0')}`,
    // Every 5 h 20 min further back: distinct days and hours over the three days before.
    startDateTime: new Date(firstGenerated - index * 320 * 60_000).toISOString().replace('.000Z', 'Z'),
    organizerName: ['Megan Bowen', 'Alex Wilber', 'Lee Gu', 'Nestor Wilke'][index % 4]!,
    quality: index % 3 === 0 ? 'good' : 'poor',
    worstReason: index % 3 === 0 ? null : 'Jitter 61 ms (poor above 30 ms)',
    ratings: index % 3 === 0 ? ['bad'] : [],
  }));
  return [...items, ...more].sort((a, b) => Date.parse(b.startDateTime ?? '') - Date.parse(a.startDateTime ?? ''));
}

/** The chat commands as the bot lists them (a sample; the bot owns the real table). */
export const SAMPLE_COMMANDS = [
  { name: 'help', description: 'Show this list.' },
  { name: 'status', description: 'Is data flowing: subscriptions, last notification, inbox, alerts sent in the last 24 hours.' },
  { name: 'recent N', description: 'The last N poor calls (10 when N is left out).' },
  { name: 'check CALL-ID', description: 'Fetch a call record now, score it and show its card.' },
  { name: 'thresholds', description: 'The quality profile and every threshold.' },
  { name: 'set threshold KIND.METRIC VALUE', description: 'Change one threshold, e.g. set threshold audio.averageJitter 40.', adminOnly: true },
  { name: 'profile NAME', description: 'Switch the quality profile (cqd or cqd-classic).', adminOnly: true },
  { name: 'alert here', description: 'Send the admins’ alerts to this channel.', adminOnly: true },
  { name: 'alert off', description: 'Stop sending alerts to this channel.', adminOnly: true },
  { name: 'mute HOURS', description: 'Mute your own alerts for HOURS hours (24 when left out).' },
  { name: 'unmute', description: 'Get your alerts again.' },
];

/** A moment of the sample status (2026-03-02 12:00 UTC). */
export const SAMPLE_NOW = Date.parse('2026-03-02T12:00:00Z');

/** Every card type the alerts module produces, built from the fixtures and generated data, by name. */
export function sampleCards(): Record<string, AdaptiveCardDocument> {
  const record = loadFixture('callrecord-v1-expanded-2024.json');
  const big = bigMeetingRecord(1000);
  return {
    'alert-organizer': buildAlertCard(alertInput(record, CLASSIC, 'organizer')),
    'alert-admins': buildAlertCard(alertInput(record, CLASSIC, 'admins', { organizerReachable: false, organizerUnreachableReason: 'the app is not installed for them' })),
    'alert-acknowledged': buildAlertCard(alertInput(record, CLASSIC, 'admins', { acknowledgedBy: { name: 'Megan Bowen', at: '2026-03-02T11:42:07Z' } })),
    'alert-muted': buildAlertCard(alertInput(record, CLASSIC, 'organizer', { muted: true, mutedUntil: '2026-03-03T11:42:07Z' })),
    'alert-details': buildAlertCard(alertInput(record, CLASSIC, 'admins', { showDetails: true })),
    'alert-big-meeting': buildAlertCard(alertInput(big, resolveScoringOptions(), 'admins')),
    'alert-failed': buildAlertCard(alertInput(droppedRecord(), resolveScoringOptions(), 'organizer')),
    digest: buildDigestCard({ audience: 'admins', items: sampleDigestItems(), totalCount: 23 }),
    recent: buildRecentCallsCard(sampleDigestItems().slice(0, 8)),
    help: buildHelpCard(CHAT_COMMANDS),
    status: buildStatusCard({
      now: SAMPLE_NOW,
      // As decideHealth words it for this state (one of two tenants without a subscription, two dead records).
      health: {
        status: 'degraded',
        reasons: [
          { severity: 'degraded', summary: '1 tenant of 2 has no Graph subscription: only the reconciliation sweep finds their calls.' },
          { severity: 'degraded', summary: '2 call records failed for good (dead in the inbox), the newest 41 minutes ago.' },
        ],
      },
      subscriptions: [
        { tenantId: 'dc368399-474c-4d40-900c-6265431fd81f', subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07', expiresAt: SAMPLE_NOW + 2 * 86_400_000 + 3 * 3_600_000 },
        { tenantId: '5f1c8a2e-0000-4000-8000-00000000beef', subscriptionId: null, expiresAt: null },
      ],
      lastNotificationAt: SAMPLE_NOW - 7 * 60_000,
      inbox: { pending: 3, leased: 1, done: 1284, dead: 2 },
      oldestPendingAgeMs: 95_000,
      alertJobs: { pending: 0, leased: 0, done: 311, dead: 0 },
      alertsSentLast24h: 17,
      failedCallsLast24h: 3,
    }),
    thresholds: buildThresholdsCard(resolveScoringOptions({ profile: 'cqd', thresholds: { 'audio.averageJitter': 40 } })),
    participant: sampleParticipantCard(),
    ...sampleInsightCards(),
  };
}

/**
 * A participant's card (ALERT_PARTICIPANTS): Owen, on the branch office's Wi-Fi and short of CPU,
 * sent poor audio to a meeting Megan organized; his card shows only his side.
 */
export function sampleParticipantCard(): AdaptiveCardDocument {
  const megan = meetingPerson('0d000000-0000-4000-8000-000000000001', 'Megan Bowen');
  const owen = meetingPerson('0d000000-0000-4000-8000-000000000002', 'Owen Franklin', { ip: '10.2.0.44', subnet: '10.2.0.0', connectionType: 'wifi', cpuRatio: 0.35, sentJitterMs: 64 });
  const record = meetingRecord({ id: 'b16b16b1-0000-4000-8000-000000002000', organizer: megan, people: [megan, owen] });
  const place = ({ subnet }: { subnet: string | null }) => (subnet === '10.2.0.0' ? { buildingName: 'Branch Office', networkName: 'Branch Wi-Fi' } : null);
  const assessment = assessCall(record, resolveScoringOptions(), { place });
  return buildParticipantCard({ assessment, side: participantSideOf(assessment, owen.id)! });
}
