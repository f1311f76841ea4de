import type { JsonObject } from '../../src/quality';

/** Someone in a hand-built meeting: who they are, where they were, and how their audio went. */
export interface MeetingPerson {
  id: string;
  name: string;
  upn: string;
  tenantId: string;
  /** Their client's address and subnet (what the building file places). */
  ip: string;
  subnet: string;
  connectionType: 'wired' | 'wifi' | 'mobile' | 'tunnel';
  /** Jitter of the audio they sent to the meeting, in ms (poor above 30 ms). */
  sentJitterMs: number;
  /** Their client's share of the call short of CPU (a hint above 0.1). */
  cpuRatio?: number;
  /** Their "rate my call" answer. */
  rating?: 'bad' | 'poor' | 'fair' | 'good' | 'excellent';
}

/** The tenant of the hand-built meetings. */
export const MEETING_TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';

/** Someone wired at HQ (10.1.0.0/24) whose audio is fine, with `extra` changed; their UPN is their first name at contoso.com. */
export function meetingPerson(id: string, name: string, extra: Partial<MeetingPerson> = {}): MeetingPerson {
  return {
    id,
    name,
    upn: `${name.split(' ')[0]!.toLowerCase()}@contoso.com`,
    tenantId: MEETING_TENANT,
    ip: '10.1.0.10',
    subnet: '10.1.0.0',
    connectionType: 'wired',
    sentJitterMs: 10,
    ...extra,
  };
}

const SERVER = { '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint', userAgent: { '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent', role: 'conferencingServer' } };

/**
 * A meeting (`groupCall`) as Graph records one: a session per person between their client and
 * the conferencing server, one audio stream each way; the audio they send is poor when its jitter
 * is over 30 ms, the audio they receive has 10 ms.
 */
export function meetingRecord(options: { id: string; version?: number; organizer: MeetingPerson; people: MeetingPerson[]; startDateTime?: string }): JsonObject {
  const start = options.startDateTime ?? '2026-03-02T09:00:00Z';
  const identity = (person: MeetingPerson) => ({ user: { id: person.id, displayName: person.name, tenantId: person.tenantId, userPrincipalName: person.upn } });
  return {
    id: options.id,
    version: options.version ?? 1,
    type: 'groupCall',
    modalities: ['audio'],
    startDateTime: start,
    endDateTime: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
    organizer_v2: { id: options.organizer.id, identity: identity(options.organizer) },
    sessions: options.people.map((person, index) => ({
      id: `session-${index}`,
      modalities: ['audio'],
      caller: {
        '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
        identity: identity(person),
        ...(person.rating ? { feedback: { rating: person.rating, tokens: { Noisy: true } } } : {}),
      },
      callee: SERVER,
      segments: [
        {
          id: `segment-${index}`,
          startDateTime: start,
          endDateTime: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
          caller: { '@odata.type': '#microsoft.graph.callRecords.participantEndpoint', identity: identity(person) },
          callee: SERVER,
          media: [
            {
              label: 'main-audio',
              callerNetwork: { ipAddress: person.ip, subnet: person.subnet, connectionType: person.connectionType },
              calleeNetwork: { ipAddress: '52.114.7.7', connectionType: 'wired' },
              callerDevice: person.cpuRatio ? { cpuInsufficentEventRatio: person.cpuRatio } : {},
              streams: [
                { streamId: `${index}1`, streamDirection: 'callerToCallee', packetUtilization: 3000, averageJitter: `PT${(person.sentJitterMs / 1000).toFixed(3)}S` },
                { streamId: `${index}2`, streamDirection: 'calleeToCaller', packetUtilization: 3000, averageJitter: 'PT0.010S' },
              ],
            },
          ],
        },
      ],
    })),
  };
}
