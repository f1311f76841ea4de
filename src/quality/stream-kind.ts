import type { StreamKind } from './report';
import { asArray } from './json-reader';

const VIDEO_LABEL = /^main-video[1-9]?$/;

/**
 * The kind of a media entry, from its label; or, when the label is missing, from the session's
 * modalities when there is exactly one. `null` means the stream is not scored (data, unknown labels).
 */
export function streamKindOf(label: unknown, sessionModalities: unknown): StreamKind | null {
  if (typeof label === 'string' && label !== '') {
    const name = label.toLowerCase();
    if (name === 'main-audio') return 'audio';
    if (VIDEO_LABEL.test(name) || name === 'panoramic-video') return 'video';
    if (name === 'applicationsharing-video') return 'vbss';
    return null;
  }
  const modalities = asArray(sessionModalities);
  if (modalities.length !== 1) return null;
  switch (modalities[0]) {
    case 'audio':
      return 'audio';
    case 'video':
      return 'video';
    case 'videoBasedScreenSharing':
      return 'vbss';
    default:
      return null;
  }
}
