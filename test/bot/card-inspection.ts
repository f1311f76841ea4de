import { validateCard } from '../../src/alerts';

/** Every string in a card (texts, fact values, titles), for assertions on what it says. */
export function cardStrings(card: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') found.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(card);
  return found;
}

/** True when some string of the card matches. */
export function cardSays(card: unknown, pattern: RegExp | string): boolean {
  return cardStrings(card).some((text) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)));
}

/** The `Action.Execute` actions of a card (anywhere in it). */
export function executeActions(card: unknown): { verb: string; data: Record<string, unknown>; title?: string }[] {
  const found: { verb: string; data: Record<string, unknown>; title?: string }[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'Action.Execute' && typeof record.verb === 'string') {
        found.push({ verb: record.verb, data: (record.data ?? {}) as Record<string, unknown>, title: record.title as string | undefined });
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** Asserts a card the bot sent is a valid Adaptive Card for Teams (parse, validation, version, size). */
export function assertValidCard(card: unknown): void {
  const validation = validateCard(card as object);
  if (!validation.ok) throw new Error(`The card is not valid: ${validation.errors.join(' ')}`);
}
