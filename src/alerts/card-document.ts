/** The Adaptive Card schema version every card of the bot declares: the highest Teams renders, and the first with `Action.Execute`. */
export const CARD_SCHEMA_VERSION = '1.5';

/** The JSON schema URL cards name in `$schema` (informative; hosts ignore it). */
export const CARD_SCHEMA_URL = 'http://adaptivecards.io/schemas/adaptive-card.json';

/**
 * The largest card the bot sends, as UTF-8 JSON. Teams refuses messages over about 100 KB
 * (413 `MessageSizeTooBig`) and the activity around the card needs room too.
 */
export const CARD_SIZE_LIMIT_BYTES = 80 * 1024;

/** The MIME type of an Adaptive Card attachment (what `CardFactory.adaptiveCard` sets). */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * An Adaptive Card as plain JSON, ready to be sent as an attachment's `content`. Send this object
 * itself, not the SDK's `toJSON()` of it: that drops `msteams`.
 */
export interface AdaptiveCardDocument {
  type: 'AdaptiveCard';
  $schema?: string;
  version: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
  /** Teams extensions: `width: 'Full'` lets the card use the whole message width. */
  msteams?: { width?: 'Full' };
  /** Universal Actions refresh: Teams calls `action` for the listed users when they view the card. */
  refresh?: { action: Record<string, unknown>; userIds?: string[] };
  [property: string]: unknown;
}

/** The byte size of a card as it goes over the wire (compact UTF-8 JSON). */
export function cardSizeBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
