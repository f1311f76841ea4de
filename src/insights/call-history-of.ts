import {
  asNumber,
  asObject,
  asString,
  asTime,
  endOf,
  endpointUser,
  mediaStreamsOf,
  organizerOf,
  participantCountOf,
  streamRoles,
  uniqueSessions,
  type CallQualityReport,
  type EndpointRole,
  type MediaStreamEntry,
} from '../quality';
import type { BuildingNetwork, EndpointNetwork } from '../sites';
import type { CallHistory, HistoryEndpoint, HistoryStream } from './call-history';
import { connectionTypeOf } from './connection-type';

/** Where an endpoint's network is in the building file (`BuildingMap.place`), null when in none. */
export type PlaceEndpoint = (network: EndpointNetwork) => Pick<BuildingNetwork, 'buildingName' | 'networkName'> | null;

/** What {@link callHistoryOf} summarizes. */
export interface CallHistoryInput {
  /** The Graph call record, as fetched (sessions and segments expanded). */
  record: unknown;
  /** The engine's report of that same record: its streams follow the record's streams one to one. */
  report: CallQualityReport;
  tenantId: string;
  /** How the bot learnt of the call (the inbox item's source: `notification`, `sweep`, `backfill`, ...). */
  source: string;
  /** Places endpoints in buildings; without it no endpoint has a building. */
  place?: PlaceEndpoint;
  /** The alert decision taken for the call (the report's `alert`, or a failure under `ALERT_FAILURES`); the report's `alert` when not given. */
  alert?: boolean;
}

/**
 * The history summary of one scored version of a call: times, type, organizer, participant count,
 * the verdict, every scored stream with who sent it to whom, every endpoint those streams name
 * (person, network, connection, client, building), every rating and every failed session. Pure and total: fields the
 * record lacks are null, never an error.
 */
export function callHistoryOf(input: CallHistoryInput): CallHistory {
  const { report } = input;
  const call = asObject(input.record) ?? {};
  const sessions = uniqueSessions(call);
  const organizer = organizerOf(call);
  const endpoints = new EndpointList(input.place);
  const streams: HistoryStream[] = [];
  // The report was scored on the same walk (mediaStreamsOf), so the n-th verdict is the n-th stream.
  let index = 0;
  for (const entry of mediaStreamsOf(call, sessions)) {
    const verdict = report.streams[index++];
    if (!verdict || verdict.kind === null) continue;
    const roles = streamRoles(verdict.direction);
    streams.push({
      kind: verdict.kind,
      direction: verdict.direction,
      classification: verdict.classification,
      reasons: verdict.reasons.map((reason) => ({ ...reason })),
      from: roles ? endpoints.indexOf(entry, roles.from) : -1,
      to: roles ? endpoints.indexOf(entry, roles.to) : -1,
    });
  }
  return {
    tenantId: input.tenantId,
    callId: report.callId ?? asString(call.id) ?? '',
    version: report.version ?? asNumber(call.version) ?? 0,
    startedAt: asTime(call.startDateTime),
    endedAt: asTime(call.endDateTime),
    type: asString(call.type),
    organizer: { userId: organizer.id, upn: organizer.userPrincipalName, name: organizer.displayName },
    participantCount: participantCountOf(call, sessions),
    quality: report.quality,
    alert: input.alert ?? report.alert,
    profile: report.profile,
    source: input.source,
    endpoints: endpoints.list,
    streams,
    ratings: report.feedback.map((entry) => ({ userId: entry.userId, name: entry.displayName, rating: entry.rating, tokens: [...entry.tokens] })),
    failures: (report.failures ?? []).map((failure) => ({ stage: failure.stage, reason: failure.reason })),
  };
}

/** The distinct endpoints of a call, each once, in the order the streams first name them. */
class EndpointList {
  readonly list: HistoryEndpoint[] = [];
  private readonly indexes = new Map<string, number>();

  constructor(private readonly place: PlaceEndpoint | undefined) {}

  indexOf(entry: MediaStreamEntry, role: EndpointRole): number {
    const endpoint = this.endpointAt(entry, role);
    const key = JSON.stringify(Object.values(endpoint));
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.list.push(endpoint) - 1;
      this.indexes.set(key, index);
    }
    return index;
  }

  private endpointAt(entry: MediaStreamEntry, role: EndpointRole): HistoryEndpoint {
    const { endpoint, sessionEndpoint, network } = endOf(entry, role);
    // The segment names who was there; what it leaves out, the session's endpoint often has.
    const segmentUser = endpointUser(endpoint);
    const user = segmentUser.id !== null || segmentUser.displayName !== null ? segmentUser : endpointUser(sessionEndpoint);
    const agent = asObject(endpoint?.userAgent) ?? asObject(sessionEndpoint?.userAgent);
    const subnet = asString(network?.subnet);
    const ip = asString(network?.ipAddress);
    const placed = this.place && (subnet || ip) ? this.place({ subnet, ip }) : null;
    return {
      userId: user.id,
      upn: user.userPrincipalName,
      name: user.displayName,
      subnet,
      ip,
      connection: connectionTypeOf(network),
      relayed: Boolean(asString(network?.relayIPAddress)),
      platform: asString(agent?.platform),
      product: asString(agent?.productFamily),
      building: placed?.buildingName ?? null,
      network: placed?.networkName ?? null,
    };
  }
}
