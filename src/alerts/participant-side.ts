import type { PoorStreamReason, StreamKind } from '../quality';
import type { CallAssessment } from './call-assessment';
import type { CallHint } from './call-hints';
import type { CallPerson } from './call-people';
import { ratingRank } from './rating-words';

/** A poor stream put on one person's side: what kind, whether they sent or received it, and the thresholds it crossed. */
export interface SidePoorStream {
  kind: StreamKind | null;
  /** True when they sent it, false when they received it. */
  sent: boolean;
  reasons: PoorStreamReason[];
}

/** One person's side of a call: what the record puts on their own network and devices, and their rating. */
export interface ParticipantSide {
  /** Their index in the summary's people, -1 when only their rating names them. */
  index: number;
  person: CallPerson;
  /** The poor streams their own network or device caused (see {@link poorSidesOf}). */
  poorStreams: SidePoorStream[];
  /** Their "rate my call" answer, null when they gave none. */
  rating: string | null;
  /** The hints about their own endpoints, most direct cause first. */
  hints: CallHint[];
}

/**
 * Whose side each poor stream was on, by index in the summary's people. A stream has two ends:
 * - when one end is a Teams service (in a meeting or group call every stream runs between a
 *   person and the conferencing server), the person's end is the one: the server's network is
 *   Microsoft's, so what the stream suffered was the person's own network or device;
 * - otherwise (a peer-to-peer call, or an end the record does not name), each person's end whose
 *   own network or device shows a cause (a hint: Wi-Fi, VPN, relay, mobile data, CPU, a failing
 *   device, …) is on the hook;
 * - when neither end shows one, nobody is: the metrics of a stream are measured across the whole
 *   path, so blaming one person without a cause on their side would be a coin toss, and telling
 *   someone their connection failed when it was the other person's would do harm.
 * Streams the summary cannot match to the report (an older stored summary) count for nobody.
 */
export function poorSidesOf(assessment: CallAssessment): Map<number, SidePoorStream[]> {
  const { report, summary } = assessment;
  const sides = new Map<number, SidePoorStream[]>();
  const people = summary.people ?? [];
  if (summary.streams.length !== report.streams.length) return sides;
  const showsCause = new Set((summary.hints ?? []).map((hint) => hint.person ?? -1).filter((index) => index >= 0));
  report.streams.forEach((verdict, position) => {
    if (verdict.classification !== 'poor') return;
    const { fromPerson, toPerson } = summary.streams[position]!;
    const ends = [fromPerson, toPerson];
    const isService = (index: number) => people[index]?.service === true;
    const isPerson = (index: number) => people[index] !== undefined && !isService(index);
    const persons = ends.filter(isPerson);
    const onTheHook = persons.length === 1 && ends.some(isService) ? persons : persons.filter((index) => showsCause.has(index));
    for (const index of new Set(onTheHook)) {
      const list = sides.get(index) ?? [];
      list.push({ kind: verdict.kind, sent: index === fromPerson, reasons: verdict.reasons });
      sides.set(index, list);
    }
  });
  return sides;
}

/**
 * The side of one person (by Entra object id, any case): their poor streams, rating and hints.
 * Undefined when the call names nobody with that id in its streams or its ratings.
 */
export function participantSideOf(assessment: CallAssessment, userId: string, poorSides = poorSidesOf(assessment)): ParticipantSide | undefined {
  const wanted = userId.toLowerCase();
  const people = assessment.summary.people ?? [];
  const index = people.findIndex((person) => person.id?.toLowerCase() === wanted);
  // One answer per session: someone who joined twice may have rated twice; the worst one counts.
  const feedback = assessment.report.feedback
    .filter((entry) => entry.userId?.toLowerCase() === wanted && entry.rating !== null && entry.rating !== 'notRated')
    .sort((a, b) => ratingRank(a.rating) - ratingRank(b.rating))[0];
  if (index < 0 && !feedback) return undefined;
  const person = index >= 0 ? people[index]! : { id: feedback!.userId, tenantId: null, displayName: feedback!.displayName, service: false };
  return {
    index,
    person,
    poorStreams: poorSides.get(index) ?? [],
    rating: feedback?.rating ?? null,
    hints: index < 0 ? [] : (assessment.summary.hints ?? []).filter((hint) => hint.person === index),
  };
}
