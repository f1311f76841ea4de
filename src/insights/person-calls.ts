import type { Classification, StreamKind } from '../quality';
import type { CallHistory, ConnectionType } from './call-history';
import { STREAM_KINDS } from './day-aggregate';
import { OUTSIDE_CORP } from './dimensions';
import type { AnswerPeriod } from './utc-days';

/** One call as `my calls` and `user` show it: the person's own side of it. */
export interface PersonCall {
  callId: string;
  /** Epoch ms, null when Graph gave none. */
  startedAt: number | null;
  type: string | null;
  organizerName: string | null;
  participantCount: number;
  /** The whole call's verdict. */
  quality: Classification;
  /** Streams the person's endpoints sent or received. */
  streams: number;
  poorStreams: number;
  /** The kinds among their poor streams, audio first. */
  poorKinds: StreamKind[];
  /** Their "rate my call" answer, null when they gave none. */
  rating: string | null;
  /** Their building, {@link OUTSIDE_CORP} when none is known; null when no stream was theirs. */
  site: string | null;
  /** How their first endpoint was connected, null when no stream was theirs. */
  connection: ConnectionType | null;
}

/** A person's calls, newest first. */
export interface PersonCalls {
  /** Who was asked for: an Entra id or UPN as given, and what the calls say of them. */
  person: { query: string; userId: string | null; upn: string | null; name: string | null };
  calls: PersonCall[];
}

/** `my calls` and `user`: a person's calls in a period, at most the limit asked for. */
export interface PersonCallsAnswer extends PersonCalls, AnswerPeriod {
  /** True when the person had more calls than the limit. */
  more: boolean;
}

/**
 * The calls of `person` (an Entra object id or a UPN, any case) among `calls`, those where they
 * had an endpoint, organized or rated: each call once (its highest version), newest first, with
 * the streams their own endpoints sent or received.
 */
export function personCallsOf(person: string, calls: Iterable<CallHistory>): PersonCalls {
  const query = person.trim().toLowerCase();
  const newest = new Map<string, CallHistory>();
  for (const call of calls) {
    const known = newest.get(call.callId);
    if (!known || call.version > known.version) newest.set(call.callId, call);
  }
  const found: PersonCalls['person'] = { query: person, userId: null, upn: null, name: null };
  const result: PersonCall[] = [];
  for (const call of newest.values()) {
    const ids = new Set<string>([query]);
    const mine = new Set<number>();
    call.endpoints.forEach((endpoint, index) => {
      if (endpoint.userId?.toLowerCase() === query || endpoint.upn?.toLowerCase() === query) {
        mine.add(index);
        if (endpoint.userId) ids.add(endpoint.userId.toLowerCase());
        found.userId ??= endpoint.userId;
        found.upn ??= endpoint.upn;
        found.name ??= endpoint.name;
      }
    });
    const organizer = call.organizer;
    const organized = organizer.userId?.toLowerCase() === query || organizer.upn?.toLowerCase() === query;
    if (organized) {
      if (organizer.userId) ids.add(organizer.userId.toLowerCase());
      found.userId ??= organizer.userId;
      found.upn ??= organizer.upn;
      found.name ??= organizer.name;
    }
    const ownStreams = call.streams.filter((stream) => mine.has(stream.from) || mine.has(stream.to));
    const poor = ownStreams.filter((stream) => stream.classification === 'poor');
    const rating = call.ratings.find((entry) => entry.userId !== null && ids.has(entry.userId.toLowerCase()));
    // The store finds calls by person, but a caller may pass any calls: skip those without them.
    if (mine.size === 0 && !organized && !rating) continue;
    if (rating?.name) found.name ??= rating.name;
    const endpoints = [...mine].map((index) => call.endpoints[index]!);
    result.push({
      callId: call.callId,
      startedAt: call.startedAt,
      type: call.type,
      organizerName: organizer.name,
      participantCount: call.participantCount,
      quality: call.quality,
      streams: ownStreams.length,
      poorStreams: poor.length,
      poorKinds: STREAM_KINDS.filter((kind) => poor.some((stream) => stream.kind === kind)),
      rating: rating?.rating && rating.rating !== 'notRated' ? rating.rating : null,
      site: endpoints.length === 0 ? null : (endpoints.find((endpoint) => endpoint.building)?.building ?? OUTSIDE_CORP),
      connection: endpoints[0]?.connection ?? null,
    });
  }
  result.sort((a, b) => (b.startedAt ?? -Infinity) - (a.startedAt ?? -Infinity) || a.callId.localeCompare(b.callId));
  return { person: found, calls: result };
}
