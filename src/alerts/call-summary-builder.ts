import { asNumber, asObject, asString, endOf, mediaStreamsOf, organizerOf, SessionPeople, streamRoles, uniqueSessions, type EndpointRole, type JsonObject } from '../quality';
import { CallHintCollector } from './call-hints';
import { PersonList, UNKNOWN_PERSON } from './call-people';
import type { CallOrganizer, CallSummary, CallSummaryOptions, StreamParties } from './call-summary';
import { endpointPlace, placeWords } from './endpoint-place';
import { nameOf } from './endpoint-name';

/**
 * Builds a call's summary as its sessions arrive page by page, so that a large meeting is never
 * held whole: each page adds its streams' parties, its hints (the worst per kind and person) and
 * the people it names, and is then dropped. `summary()` after the last page gives what
 * {@link summarizeCall} gives for the record with every page merged.
 *
 * It keeps one small entry per stream (who sent it to whom, no metrics); the stored row keeps only
 * the poor ones and the first few (`compactAssessment`).
 */
export class CallSummaryBuilder {
  private readonly people = new PersonList();
  private readonly streams: StreamParties[] = [];
  private readonly hints: CallHintCollector;

  /**
   * `call`: the record's own fields (its `sessions` are not read here). `sessionPeople`: the
   * distinct people of the same sessions, for the participant count, which the caller adds each
   * page to (read here, not fed: the worker shares one with the history).
   */
  constructor(
    private readonly call: JsonObject,
    private readonly sessionPeople: SessionPeople,
    private readonly options: CallSummaryOptions = {},
  ) {
    this.hints = new CallHintCollector(options.place, true);
  }

  /**
   * Adds sessions already de-duplicated against every page before (as `CallScorer.addSessions` returns them).
   * `keep`: for each of their streams in order, whether to keep its entry (the engine's
   * `CallScorer.compact` says which a stored report keeps); every one when not given. A stream not
   * kept still names its people, so the people list is the same either way.
   */
  addSessions(sessions: readonly JsonObject[], keep?: readonly boolean[]): this {
    const { place } = this.options;
    let position = 0;
    for (const entry of mediaStreamsOf(this.call, sessions)) {
      const { session, segment, stream, label, kind } = entry;
      const kept = keep === undefined || keep[position++] === true;
      const direction = asString(stream.streamDirection);
      const roles = streamRoles(direction);
      const nameAt = (role: EndpointRole) => {
        const end = endOf(entry, role);
        return nameOf(end.endpoint) ?? nameOf(end.sessionEndpoint);
      };
      const whereAt = (role: EndpointRole) => placeWords(endpointPlace(endOf(entry, role).network, place));
      if (!kept) {
        if (roles) [roles.from, roles.to].forEach((role) => this.people.indexOf(entry, role));
        continue;
      }
      this.streams.push({
        sessionId: asString(session.id),
        segmentId: asString(segment.id),
        streamId: asString(stream.streamId),
        direction,
        label,
        kind,
        from: roles ? nameAt(roles.from) : null,
        to: roles ? nameAt(roles.to) : null,
        fromWhere: roles ? whereAt(roles.from) : null,
        toWhere: roles ? whereAt(roles.to) : null,
        fromPerson: roles ? this.people.indexOf(entry, roles.from) : UNKNOWN_PERSON,
        toPerson: roles ? this.people.indexOf(entry, roles.to) : UNKNOWN_PERSON,
      });
    }
    this.hints.add(sessions);
    return this;
  }

  /**
   * The summary of the sessions added so far. `call`: the record's own fields as known at the end
   * (with `participants_v2` when it was read); the constructor's when not given. Call it once.
   */
  summary(call: JsonObject = this.call): CallSummary {
    const startDateTime = asString(call.startDateTime);
    const endDateTime = asString(call.endDateTime);
    // The streams' people first, then those only the hints name: the order summarizeCall gives.
    const hints = this.hints.hints(this.people);
    return {
      callId: asString(call.id),
      version: asNumber(call.version),
      type: asString(call.type),
      startDateTime,
      endDateTime,
      durationSeconds: secondsBetween(startDateTime, endDateTime),
      organizer: cardOrganizer(call),
      participantCount: this.sessionPeople.participantCount(call),
      streams: this.streams,
      hints,
      people: this.people.list,
    };
  }
}

/**
 * Summarizes a Graph call record for the cards: type, times, organizer, participant count, who sent
 * each stream to whom, and the network and device hints. Reads `organizer_v2` and `participants_v2`
 * first (the deprecated `organizer` and `participants` stop returning data after 2026-06-30), and
 * an endpoint's `associatedIdentity` when its `identity` is gone.
 *
 * Pure and total: never throws on a JSON value.
 */
export function summarizeCall(record: unknown, options: CallSummaryOptions = {}): CallSummary {
  const call = asObject(record) ?? {};
  const sessions = uniqueSessions(call);
  return new CallSummaryBuilder(call, new SessionPeople().add(sessions), options).addSessions(sessions).summary();
}

/** The organizer as the cards keep it (the UPN is not shown, so it is not stored with the report). */
function cardOrganizer(call: JsonObject): CallOrganizer {
  const { id, displayName, tenantId } = organizerOf(call);
  return { id, displayName, tenantId };
}

function secondsBetween(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  const from = Date.parse(start);
  const to = Date.parse(end);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return null;
  return Math.round((to - from) / 1000);
}
