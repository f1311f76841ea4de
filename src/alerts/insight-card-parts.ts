import { CARD_SCHEMA_URL, CARD_SCHEMA_VERSION, type AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import barChartTemplate from './templates/insights/bar-chart.json';
import headerTemplate from './templates/insights/header.json';
import headingTemplate from './templates/insights/heading.json';
import lineChartTemplate from './templates/insights/line-chart.json';
import noteTemplate from './templates/insights/note.json';
import personTemplate from './templates/insights/person.json';
import plainTableTemplate from './templates/insights/plain-table.json';
import tableTemplate from './templates/insights/table.json';

/** One element of a card's body. */
export type CardPart = Record<string, unknown>;

/** A table column: its relative width, numbers aligned right. */
export interface TableColumn {
  width: number;
  horizontalCellContentAlignment?: 'Left' | 'Right';
}

/** A table cell: `name` marks text people wrote (names), which is never read as markdown. */
export interface TableCell {
  text: string;
  name?: boolean;
  color?: 'default' | 'good' | 'warning' | 'attention';
  weight?: 'Default' | 'Bolder';
}

/** One line of a line chart: a legend, a colour of Teams' chart palette, and a value per x (null: none there). */
export interface LineSeries {
  legend: string;
  color: string;
  values: (number | null)[];
}

/** A place on a chart's x axis: the value the chart plots (an ISO day, as Microsoft's examples give dates) and how its fallback table shows it. */
export interface AxisPoint {
  x: string;
  label: string;
}

/** The insight cards' chart colours for the stream kinds (Teams' categorical palette). */
export const KIND_COLORS = { audio: 'categoricalBlue', video: 'categoricalPurple', vbss: 'categoricalTeal' } as const;

/** The widest text bar a bar chart's fallback draws, in characters. */
const TEXT_BAR_WIDTH = 16;

/** An insight card (schema 1.5, full width) around its parts. */
export function insightCard(body: CardPart[]): AdaptiveCardDocument {
  return { type: 'AdaptiveCard', $schema: CARD_SCHEMA_URL, version: CARD_SCHEMA_VERSION, msteams: { width: 'Full' }, body };
}

/** The card's title band. */
export function headerPart(title: string, subtitle: string, badge = 'Call Quality Bot'): CardPart {
  return expandTemplate(headerTemplate, { title, subtitle, badge }) as unknown as CardPart;
}

/** A section heading with an optional caption, after a separator. */
export function headingPart(heading: string, caption = ''): CardPart {
  return expandTemplate(headingTemplate, { heading, caption, hasCaption: caption !== '' }) as unknown as CardPart;
}

/** Small, subtle text: a note, an empty answer, the footer (`separated` draws a line above). */
export function notePart(text: string, separated = false): CardPart {
  return expandTemplate(noteTemplate, { text, spacing: separated ? 'Large' : 'Medium', separator: separated }) as unknown as CardPart;
}

/** A person's name (text people wrote, so never markdown) and, subtle after it, how they are known. */
export function personPart(name: string, detail: string): CardPart {
  return expandTemplate(personTemplate, { name, detail: detail ? `  ${detail}` : '' }) as unknown as CardPart;
}

/** A table with a header row; numbers right-aligned by their column. */
export function tablePart(columns: TableColumn[], headers: string[], rows: TableCell[][]): CardPart {
  return expandTemplate(tableTemplate, {
    columns,
    headers,
    rows: rows.map((cells) => ({
      cells: cells.map((cell) => ({ text: cell.text, name: cell.name === true, color: cell.color ?? 'default', weight: cell.weight ?? 'Default' })),
    })),
  }) as unknown as CardPart;
}

/** A lean table of plain text (a chart's fallback: the chart's numbers, as few bytes as possible). */
export function plainTablePart(columns: TableColumn[], headers: string[], rows: string[][]): CardPart {
  return expandTemplate(plainTableTemplate, { columns, headers, rows }) as unknown as CardPart;
}

/**
 * A `Chart.Line` of series over the x values `xs`; its fallback is a table with a row per x value
 * and a column per series (`format` writes a value, `—` where a series has none). Days without a
 * value are left out of the line (the chart schema has no "missing"), and so are series without any
 * point. Null when no series has a point: there is nothing to draw.
 */
export function lineChartPart(input: {
  xAxisTitle: string;
  yAxisTitle: string;
  xs: AxisPoint[];
  series: LineSeries[];
  format: (value: number) => string;
}): CardPart | null {
  const drawn = input.series
    .map((series) => ({
      legend: series.legend,
      color: series.color,
      values: input.xs.flatMap((point, index) => (series.values[index] === null || series.values[index] === undefined ? [] : [{ x: point.x, y: series.values[index] }])),
    }))
    .filter((series) => series.values.length > 0);
  if (drawn.length === 0) return null;
  const rows = input.xs.map((point, index) => [point.label, ...input.series.map((series) => formatOrDash(series.values[index] ?? null, input.format))]);
  const fallback = plainTablePart(
    [{ width: 3 }, ...input.series.map(() => ({ width: 2, horizontalCellContentAlignment: 'Right' as const }))],
    [input.xAxisTitle, ...input.series.map((series) => series.legend)],
    rows,
  );
  return expandTemplate(lineChartTemplate, { xAxisTitle: input.xAxisTitle, yAxisTitle: input.yAxisTitle, series: drawn, fallback }) as unknown as CardPart;
}

/**
 * A `Chart.HorizontalBar`, one bar per row: the labels down the side (`labelTitle`), the values
 * along the bottom (`valueTitle`, the chart's x axis, as Teams draws a horizontal bar chart); its
 * fallback is a table of the same numbers with a bar drawn in text, so a client without charts
 * still shows which is worst. Null without rows.
 */
export function barChartPart(input: { labelTitle: string; valueTitle: string; bars: { label: string; value: number }[]; format: (value: number) => string }): CardPart | null {
  if (input.bars.length === 0) return null;
  const most = Math.max(...input.bars.map((bar) => bar.value), 1);
  const fallback = tablePart(
    [{ width: 3 }, { width: 3 }],
    [input.labelTitle, input.valueTitle],
    input.bars.map((bar) => [
      { text: bar.label, name: true },
      { text: `${'█'.repeat(Math.max(1, Math.round((bar.value / most) * TEXT_BAR_WIDTH)))} ${input.format(bar.value)}`, color: 'attention' },
    ]),
  );
  return expandTemplate(barChartTemplate, {
    xAxisTitle: input.valueTitle,
    yAxisTitle: input.labelTitle,
    color: 'categoricalRed',
    bars: input.bars.map((bar) => ({ x: bar.label, y: bar.value })),
    fallback,
  }) as unknown as CardPart;
}

function formatOrDash(value: number | null, format: (value: number) => string): string {
  return value === null ? '—' : format(value);
}
