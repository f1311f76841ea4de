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
import { decodeCallHistory, encodeCallHistoryWith, encodeHistoryEndpoint, encodeHistoryStream, peopleOfParts, type CallHistory, type HistoryEndpoint } from './call-history';
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

/** A call's history as the store keeps it: the encoded summary and the people it names. */
export interface EncodedCallHistory {
  summary: string;
  /** As {@link peopleOf} gives them for the decoded summary. */
  people: string[];
  startedAt: number | null;
}

/**
 * Builds the history summary of a call as its sessions arrive page by page, beside the engine
 * scoring the same pages: each page adds its scored streams (kind, class, reasons, who to whom) and
 * the endpoints they name, already encoded as the summary's text (a large meeting's history is
 * held as a few strings, not an object per stream), and is then dropped. `encoded()` after the
 * last page gives what `encodeCallHistory(callHistoryOf(...))` gives for the record with every page
 * merged, and `history()` the same decoded.
 */
export class CallHistoryBuilder {
  private readonly endpoints: EndpointList;
  /** Each page's streams, encoded and joined by commas. */
  private readonly streams: string[] = [];

  /**
   * `call`: the record's own fields (its `sessions` are not read here). `sessionPeople`: the
   * distinct people of the same sessions, for the participant count, which the caller adds each
   * page to (read here, not fed: the worker shares one with the card's summary).
   */
  constructor(
    private readonly call: JsonObject,
    private readonly sessionPeople: SessionPeople,
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
    const page: string[] = [];
    for (const entry of mediaStreamsOf(this.call, sessions)) {
      const verdict = verdicts[index++];
      if (!verdict || verdict.kind === null) continue;
      const roles = streamRoles(verdict.direction);
      page.push(
        encodeHistoryStream({
          kind: verdict.kind,
          direction: verdict.direction,
          classification: verdict.classification,
          reasons: verdict.reasons,
          from: roles ? this.endpoints.indexOf(entry, roles.from) : -1,
          to: roles ? this.endpoints.indexOf(entry, roles.to) : -1,
        }),
      );
    }
    if (page.length > 0) this.streams.push(page.join(','));
    return this;
  }

  /**
   * The history of the sessions added so far, encoded, with the engine's report of them and the
   * alert decision (the report's `alert` when not given). `call`: the record's own fields as known
   * at the end (with `participants_v2` when read); the constructor's when not given. `callId`: the
   * id to record it under, when it must not be the report's.
   */
  encoded(report: CallQualityReport, alert: boolean = report.alert, call: JsonObject = this.call, callId?: string): EncodedCallHistory {
    const organizer = organizerOf(call);
    const head = {
      tenantId: this.context.tenantId,
      callId: callId ?? report.callId ?? asString(call.id) ?? '',
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
      ratings: report.feedback.map((entry) => ({ userId: entry.userId, name: entry.displayName, rating: entry.rating, tokens: [...entry.tokens] })),
      failures: (report.failures ?? []).map((failure) => ({ stage: failure.stage, reason: failure.reason })),
    };
    return {
      summary: encodeCallHistoryWith(head, this.endpoints.texts.join(','), this.streams.join(',')),
      people: peopleOfParts(head.organizer, Array.from(this.endpoints.people, (userId) => ({ userId, upn: null })), head.ratings),
      startedAt: head.startedAt,
    };
  }

  /** {@link encoded}, decoded: the history as objects. */
  history(report: CallQualityReport, alert: boolean = report.alert, call: JsonObject = this.call): CallHistory {
    return decodeCallHistory(this.encoded(report, alert, call).summary);
  }
}

/**
 * The distinct endpoints of a call, each once, in the order the streams first name them: kept as
 * their encoded text (which is also what tells them apart), with the people they name.
 */
class EndpointList {
  readonly texts: string[] = [];
  /** The endpoints' Entra ids and UPNs, lower-cased, in the order the endpoints came. */
  readonly people = new Set<string>();
  private readonly indexes = new Map<string, number>();

  constructor(private readonly place: PlaceEndpoint | undefined) {}

  indexOf(entry: MediaStreamEntry, role: EndpointRole): number {
    const endpoint = this.endpointAt(entry, role);
    const text = encodeHistoryEndpoint(endpoint);
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.texts.push(text) - 1;
      this.indexes.set(text, index);
      if (endpoint.userId) this.people.add(endpoint.userId.toLowerCase());
      if (endpoint.upn) this.people.add(endpoint.upn.toLowerCase());
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
