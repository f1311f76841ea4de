import type { StreamKind } from './report';
import { asArray, asObject, asString, uniqueSessions, type JsonObject } from './json-reader';
import { streamKindOf } from './stream-kind';

/** One media stream of a record, with where it lives and the kind its label gives it. */
export interface MediaStreamEntry {
  session: JsonObject;
  segment: JsonObject;
  media: JsonObject;
  stream: JsonObject;
  /** `media.label` as Graph spelled it, null when absent. */
  label: string | null;
  /** The kind that decides its rule, null when it is not scored. */
  kind: StreamKind | null;
}

/** One media entry of a session's segment (a label, networks, devices and its streams). */
export interface MediaEntry {
  session: JsonObject;
  segment: JsonObject;
  media: JsonObject;
}

/**
 * Every media entry of the given sessions, in record order. Segments and media that are not
 * objects (nulls, numbers) are passed over.
 */
export function* mediaEntriesOf(sessions: readonly JsonObject[]): Generator<MediaEntry> {
  for (const session of sessions) {
    for (const segmentItem of asArray(session.segments)) {
      const segment = asObject(segmentItem);
      if (!segment) continue;
      for (const mediaItem of asArray(segment.media)) {
        const media = asObject(mediaItem);
        if (media) yield { session, segment, media };
      }
    }
  }
}

/**
 * Every media stream of a call record, in record order, sessions de-duplicated: the one walk the
 * engine scores and the alerts describe, so that both list the same streams in the same order.
 * Entries that are not objects (nulls, numbers) are passed over.
 */
export function* mediaStreamsOf(record: JsonObject, sessions: readonly JsonObject[] = uniqueSessions(record)): Generator<MediaStreamEntry> {
  for (const { session, segment, media } of mediaEntriesOf(sessions)) {
    const label = asString(media.label);
    const kind = streamKindOf(media.label, session.modalities);
    for (const streamItem of asArray(media.streams)) {
      const stream = asObject(streamItem);
      if (stream) yield { session, segment, media, stream, label, kind };
    }
  }
}
