import { loadAdaptiveCardsSdk } from './adaptive-cards-sdk';
import { chartErrors, withChartFallbacks } from './chart-elements';
import { CARD_SCHEMA_VERSION, CARD_SIZE_LIMIT_BYTES, cardSizeBytes, type AdaptiveCardDocument } from './card-document';

/** The outcome of {@link validateCard}. */
export interface CardValidation {
  ok: boolean;
  /** Every parse and validation event of the `adaptivecards` SDK, version and size problems, as sentences. */
  errors: string[];
  sizeBytes: number;
  /** The card's declared `version`, '' when it has none. */
  version: string;
}

/**
 * Checks a card the way the bot must before sending it: the `adaptivecards` SDK parses it for
 * schema 1.5 with no parse event and no validation event, its `version` is at most 1.5 (what Teams
 * renders), and its compact JSON is within {@link CARD_SIZE_LIMIT_BYTES}. Also checks what the SDK
 * lets pass: element ids are unique, every `Action.ToggleVisibility` target exists, and
 * `refresh.userIds` has at most 60 entries (the Universal Actions limit). Teams' chart elements
 * (`Chart.Line`, `Chart.HorizontalBar`, …), which the SDK does not know, are checked against their
 * documented shape and must have a fallback element; the SDK then parses the card as a client
 * without charts sees it (each chart replaced by its fallback), so any other unknown element is
 * still an error.
 */
export function validateCard(card: object | AdaptiveCardDocument): CardValidation {
  const sdk = loadAdaptiveCardsSdk();
  const errors: string[] = [];
  const sizeBytes = cardSizeBytes(card);
  const json = card as Record<string, unknown>;
  const version = typeof json.version === 'string' ? json.version : '';
  if (json.type !== 'AdaptiveCard') errors.push(`The card's "type" is ${JSON.stringify(json.type)}; it must be "AdaptiveCard".`);
  if (!isVersionWithin(version, CARD_SCHEMA_VERSION)) {
    errors.push(`The card declares version ${JSON.stringify(version)}; Teams renders at most ${CARD_SCHEMA_VERSION}, so declare ${CARD_SCHEMA_VERSION} or lower.`);
  }
  if (sizeBytes > CARD_SIZE_LIMIT_BYTES) {
    errors.push(`The card is ${sizeBytes} bytes; the limit is ${CARD_SIZE_LIMIT_BYTES}. Truncate its tables.`);
  }
  errors.push(...structureErrors(json));
  errors.push(...chartErrors(json));
  const context = new sdk.SerializationContext(sdk.Versions.v1_5);
  const parsed = new sdk.AdaptiveCard();
  try {
    parsed.parse(withChartFallbacks(json), context);
  } catch (error) {
    errors.push(`The adaptivecards SDK could not parse the card: ${(error as Error).message}`);
  }
  for (let index = 0; index < context.eventCount; index++) {
    const event = context.getEventAt(index);
    errors.push(`Parse event ${sdk.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) {
    errors.push(`Validation event ${sdk.ValidationEvent[event.event]}: ${event.message}`);
  }
  return { ok: errors.length === 0, errors, sizeBytes, version };
}

function isVersionWithin(version: string, highest: string): boolean {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  const limit = /^(\d+)\.(\d+)$/.exec(highest);
  if (!match || !limit) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const [maxMajor, maxMinor] = [Number(limit[1]), Number(limit[2])];
  return major < maxMajor || (major === maxMajor && minor <= maxMinor);
}

/** Universal Actions refresh at most this many listed users. */
const MAX_REFRESH_USERS = 60;

function structureErrors(card: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const ids = new Map<string, number>();
  const targets: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (typeof node.id === 'string' && typeof node.type === 'string') ids.set(node.id, (ids.get(node.id) ?? 0) + 1);
    if (node.type === 'Action.ToggleVisibility') {
      for (const target of Array.isArray(node.targetElements) ? node.targetElements : []) {
        const id = typeof target === 'string' ? target : (target as { elementId?: unknown } | null)?.elementId;
        if (typeof id === 'string') targets.push(id);
      }
    }
    // Action data is the bot's own JSON, not card structure.
    for (const [key, child] of Object.entries(node)) if (key !== 'data') visit(child);
  };
  visit(card.body);
  visit(card.actions);
  for (const [id, count] of ids) if (count > 1) errors.push(`The id "${id}" is used by ${count} elements; ids must be unique for Action.ToggleVisibility to work.`);
  for (const target of targets) if (!ids.has(target)) errors.push(`An Action.ToggleVisibility targets "${target}", which no element of the card has as its id.`);
  const refresh = card.refresh as { userIds?: unknown } | undefined;
  if (refresh && Array.isArray(refresh.userIds) && refresh.userIds.length > MAX_REFRESH_USERS) {
    errors.push(`refresh.userIds lists ${refresh.userIds.length} users; Teams refreshes at most ${MAX_REFRESH_USERS}.`);
  }
  return errors;
}
