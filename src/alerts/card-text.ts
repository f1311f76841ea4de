import type { StreamKind } from '../quality';

/** Words for a stream kind, as a card's "Media" column shows them. */
export const STREAM_KIND_WORDS: Readonly<Record<StreamKind, string>> = {
  audio: 'Audio',
  video: 'Video',
  vbss: 'Screen sharing',
};

/** Words for Graph's `callRecord.type`. */
export function callTypeWords(type: string | null): string {
  switch (type) {
    case 'peerToPeer':
      return 'Peer-to-peer call';
    case 'groupCall':
      return 'Meeting or group call';
    default:
      return 'Call';
  }
}

/** A duration people read: `25 s`, `4 min 5 s`, `1 h 2 min`. */
export function durationWords(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${rest} s`;
}

/**
 * A time for the Adaptive Cards `{{DATE()}}` and `{{TIME()}}` functions, which the client shows
 * in the reader's own time zone. They accept only `YYYY-MM-DDThh:mm:ssZ` (no fractions), so
 * Graph's seven-digit fractions are dropped. Null when the value is not a time.
 */
export function cardTimestamp(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const time = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(time)) return null;
  const iso = new Date(time).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

/** "25 Feb 2020, 18:52" in the reader's time zone (rendered by the client), or `fallback`. */
export function cardDateTime(value: string | number | null | undefined, fallback = 'unknown'): string {
  const stamp = cardTimestamp(value);
  return stamp ? `{{DATE(${stamp}, SHORT)}} {{TIME(${stamp})}}` : fallback;
}

/** Cuts a text people wrote (names, comments) so one of them cannot fill the card. */
export function clip(text: string, maxLength: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= maxLength ? flat : `${flat.slice(0, Math.max(1, maxLength - 1)).trimEnd()}…`;
}

/** A count with thousands separators: `1,000`. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** `1 stream`, `2 streams`, `1,000 streams`. */
export function plural(value: number, one: string, many = `${one}s`): string {
  return `${count(value)} ${value === 1 ? one : many}`;
}

/** A span of time people read: `2 days 3 h`, `45 min`, `under a minute`. */
export function spanWords(milliseconds: number): string {
  const minutes = Math.floor(Math.abs(milliseconds) / 60_000);
  if (minutes < 1) return 'under a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${plural(days, 'day')} ${hours} h` : plural(days, 'day');
  if (hours > 0) return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  return `${rest} min`;
}
