import {
  asNumber,
  asObject,
  asString,
  asTime,
  endOf,
  endpointUser,
  mediaStreamsOf,
  organizerOf,
  SessionPeople,
  streamRoles,
  type CallQualityReport,
  type EndpointRole,
  type JsonObject,
  type MediaStreamEntry,
  type StreamVerdict,
} from '../quality';
import type { CallHistory, HistoryEndpoint, HistoryStream } from './call-history';
import type { BuildingNetwork, EndpointNetwork } from '../sites';
import { connectionTypeOf } from './connection-type';

/** Where an endpoint's network is in the building file (`BuildingMap.place`), null when in none. */
export type PlaceEndpoint = (network: EndpointNetwork) => Pick<BuildingNetwork, 'buildingName' | 'networkName'> | null;

/** Who and where a {@link CallHistoryBuilder} records. */
export interface CallHistoryContext {
  tenantId: string;
  /** How the bot learnt of the call (the inbox item's source). */
  source: string;
  /** Places endpoints in buildings; without it no endpoint has a building. */
  place?: PlaceEndpoint;
}

/**
 * Builds the history summary of a call as its sessions arrive page by page, beside the engine
 * scoring the same pages: each page adds its scored streams (kind, class, reasons, who to whom) and
 * the endpoints they name, and is then dropped. `history()` after the last page gives what
 * {@link callHistoryOf} gives for the record with every page merged.
 */
export class CallHistoryBuilder {
  private readonly endpoints: EndpointList;
  private readonly streams: HistoryStream[] = [];
  private readonly sessionPeople = new SessionPeople();

  /** `call`: the record's own fields (its `sessions` are not read here). */
  constructor(
    private readonly call: JsonObject,
    private readonly context: CallHistoryContext,
  ) {
    this.endpoints = new EndpointList(context.place);
  }

  /**
   * Adds sessions already de-duplicated against every page before. `verdicts[first]` on are the
   * engine's verdicts of these sessions' streams (it scores on the same walk, `mediaStreamsOf`, so
   * the n-th verdict is the n-th stream).
   */
  addSessions(sessions: readonly JsonObject[], verdicts: readonly StreamVerdict[], first = 0): this {
    let index = first;
    for (const session of sessions) this.sessionPeople.add(session);
    for (const entry of mediaStreamsOf(this.call, sessions)) {
      const verdict = verdicts[index++];
      if (!verdict || verdict.kind === null) continue;
      const roles = streamRoles(verdict.direction);
      this.streams.push({
        kind: verdict.kind,
        direction: verdict.direction,
        classification: verdict.classification,
        // Shared with the verdict, not copied: both are only read (and encoded) once the call is done.
        reasons: verdict.reasons,
        from: roles ? this.endpoints.indexOf(entry, roles.from) : -1,
        to: roles ? this.endpoints.indexOf(entry, roles.to) : -1,
      });
    }
    return this;
  }

  /**
   * The history of the sessions added so far, with the engine's report of them and the alert
   * decision (the report's `alert` when not given). `call`: the record's own fields as known at the
   * end (with `participants_v2` when read); the constructor's when not given.
   */
  history(report: CallQualityReport, alert: boolean = report.alert, call: JsonObject = this.call): CallHistory {
    const organizer = organizerOf(call);
    return {
      tenantId: this.context.tenantId,
      callId: report.callId ?? asString(call.id) ?? '',
      version: report.version ?? asNumber(call.version) ?? 0,
      startedAt: asTime(call.startDateTime),
      endedAt: asTime(call.endDateTime),
      type: asString(call.type),
      organizer: { userId: organizer.id, upn: organizer.userPrincipalName, name: organizer.displayName },
      participantCount: this.sessionPeople.participantCount(call),
      quality: report.quality,
      alert,
      profile: report.profile,
      source: this.context.source,
      endpoints: this.endpoints.list,
      streams: this.streams,
      ratings: report.feedback.map((entry) => ({ userId: entry.userId, name: entry.displayName, rating: entry.rating, tokens: [...entry.tokens] })),
      failures: (report.failures ?? []).map((failure) => ({ stage: failure.stage, reason: failure.reason })),
    };
  }
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
