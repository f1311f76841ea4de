import type { AdaptiveCardDocument } from '../../src/alerts';

/** Every `text` of the card (TextBlocks and TextRuns, in document order), each on its own line. */
export function cardText(card: AdaptiveCardDocument): string {
  const texts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (typeof node.text === 'string') texts.push(node.text);
    if (typeof node.title === 'string' && typeof node.type === 'string' && node.type.startsWith('Action.')) texts.push(`[${node.title}]`);
    for (const [key, child] of Object.entries(node)) if (key !== 'data') visit(child);
  };
  visit(card.body);
  visit(card.actions);
  return texts.join('\n');
}

/** The card's actions, by title. */
export function actionsByTitle(card: AdaptiveCardDocument): Map<string, Record<string, unknown>> {
  return new Map((card.actions ?? []).map((action) => [String(action.title), action]));
}

/** Every element of the card with the given `type`, anywhere in the body. */
export function elementsOfType(card: AdaptiveCardDocument, type: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (node.type === type) found.push(node);
    for (const [key, child] of Object.entries(node)) if (key !== 'data') visit(child);
  };
  visit(card.body);
  return found;
}

/** The element with the given id. */
export function elementById(card: AdaptiveCardDocument, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const visit = (value: unknown): void => {
    if (found) return;
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (node.id === id && typeof node.type === 'string') found = node;
    else for (const child of Object.values(node)) visit(child);
  };
  visit(card.body);
  return found;
}

/** A Table's rows as the texts of their cells (TextBlocks and TextRuns), header row first. */
export function tableRows(table: Record<string, unknown>): string[][] {
  const rows = table.rows as { cells: { items: Record<string, unknown>[] }[] }[];
  return rows.map((row) =>
    row.cells.map((cell) =>
      cell.items
        .map((item) => (typeof item.text === 'string' ? item.text : ((item.inlines as { text: string }[] | undefined) ?? []).map((run) => run.text).join('')))
        .join(' '),
    ),
  );
}
