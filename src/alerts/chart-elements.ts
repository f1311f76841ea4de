/**
 * Teams' chart elements for Adaptive Cards, as Microsoft documents them ("Charts in Adaptive Cards",
 * learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/charts-in-adaptive-cards):
 * card version 1.5, the shape of each element's `data`, and the colour names. The `adaptivecards`
 * SDK knows none of them, so {@link chartErrors} checks them and {@link withChartFallbacks} gives the
 * SDK the card as a client without charts draws it.
 */

/** How a chart's `data` is shaped. */
type ChartShape =
  /** `[{ x, y, color? }]`: bar charts. */
  | 'points'
  /** `[{ legend?, color?, values: [{ x, y }] }]`: line and grouped bar charts. */
  | 'series'
  /** `[{ legend?, value, color? }]`: donut and pie. */
  | 'slices'
  /** `[{ title?, data: [{ legend?, value, color? }] }]`: stacked horizontal bars. */
  | 'stacks'
  /** No `data`: a `value` and optional `segments: [{ legend?, size, color? }]`. */
  | 'gauge';

/** Every chart element Teams renders, with the shape of its data. */
export const CHART_ELEMENTS: Readonly<Record<string, ChartShape>> = {
  'Chart.Donut': 'slices',
  'Chart.Pie': 'slices',
  'Chart.Gauge': 'gauge',
  'Chart.VerticalBar': 'points',
  'Chart.VerticalBar.Grouped': 'series',
  'Chart.HorizontalBar': 'points',
  'Chart.HorizontalBar.Stacked': 'stacks',
  'Chart.Line': 'series',
};

/** The colour names a chart or a data point may use. */
export const CHART_COLORS: readonly string[] = [
  'good',
  'warning',
  'attention',
  'neutral',
  ...['Red', 'Purple', 'Lavender', 'Blue', 'LightBlue', 'Teal', 'Green', 'Lime', 'Marigold'].map((name) => `categorical${name}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((index) => `sequential${index}`),
  ...['Blue', 'LightBlue', 'Cyan', 'Teal', 'Yellow', 'Peach', 'LightRed', 'Red', 'Maroon', 'Gray'].map((name) => `diverging${name}`),
];

type Json = Record<string, unknown>;

/** Whether a JSON node is one of Teams' chart elements. */
export function isChartElement(node: unknown): node is Json {
  if (typeof node !== 'object' || node === null) return false;
  const type = (node as Json).type;
  return typeof type === 'string' && Object.hasOwn(CHART_ELEMENTS, type);
}

/**
 * Every mistake in the card's charts, as sentences naming where: data missing, empty or of the wrong
 * shape, a value that is not a number, an unknown colour, and no fallback element (the bot's rule:
 * a client without charts must still show the numbers, so `"drop"` is not enough).
 */
export function chartErrors(card: Json): string[] {
  const errors: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${where}[${index}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Json;
    if (isChartElement(node)) errors.push(...errorsOfChart(node, where));
    for (const [key, child] of Object.entries(node)) if (key !== 'data' || !isChartElement(node)) visit(child, `${where}.${key}`);
  };
  visit(card.body, 'body');
  return errors;
}

/**
 * A deep copy of `value` with every chart replaced by its fallback (or removed when it has none):
 * the card as a client without charts, such as the `adaptivecards` SDK, sees it.
 */
export function withChartFallbacks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withChartFallbacks).filter((item) => item !== undefined);
  if (value === null || typeof value !== 'object') return value;
  if (isChartElement(value)) {
    const fallback = value.fallback;
    return typeof fallback === 'object' && fallback !== null ? withChartFallbacks(fallback) : undefined;
  }
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, withChartFallbacks(child)]));
}

function errorsOfChart(chart: Json, where: string): string[] {
  const type = chart.type as string;
  const at = `The ${type} at ${where}`;
  const errors: string[] = [];
  const fallback = chart.fallback;
  if (typeof fallback !== 'object' || fallback === null || typeof (fallback as Json).type !== 'string') {
    errors.push(`${at} has no fallback element: clients without charts would show nothing, so give it a Table or ColumnSet with the same numbers.`);
  }
  if (chart.color !== undefined) errors.push(...colorErrors(chart.color, `${at} has`));
  const shape = CHART_ELEMENTS[type]!;
  if (shape === 'gauge') {
    if (!isNumber(chart.value)) errors.push(`${at} has value ${JSON.stringify(chart.value)}; a gauge needs a number.`);
    if (chart.segments !== undefined) errors.push(...itemsErrors(chart.segments, `${at}: segments`, ['size'], []));
    return errors;
  }
  const data = chart.data;
  if (!Array.isArray(data) || data.length === 0) {
    errors.push(`${at} has ${Array.isArray(data) ? 'an empty data array' : `data ${JSON.stringify(data)}`}; it needs an array with at least one data point.`);
    return errors;
  }
  if (shape === 'points') errors.push(...itemsErrors(data, `${at}: data`, ['y'], ['x']));
  if (shape === 'slices') errors.push(...itemsErrors(data, `${at}: data`, ['value'], []));
  if (shape === 'series' || shape === 'stacks') {
    const inner = shape === 'series' ? 'values' : 'data';
    data.forEach((entry, index) => {
      const series = entry as Json;
      const name = `${at}: data[${index}].${inner}`;
      if (typeof entry !== 'object' || entry === null) errors.push(`${at}: data[${index}] is ${JSON.stringify(entry)}; it must be an object with ${inner}.`);
      else if (!Array.isArray(series[inner]) || (series[inner] as unknown[]).length === 0) errors.push(`${name} is ${JSON.stringify(series[inner])}; it needs at least one point.`);
      else errors.push(...(shape === 'series' ? itemsErrors(series[inner], name, ['y'], ['x']) : itemsErrors(series[inner], name, ['value'], [])));
      if (typeof entry === 'object' && entry !== null && series.color !== undefined) errors.push(...colorErrors(series.color, `${at}: data[${index}] has`));
    });
  }
  return errors;
}

/** Errors of data points: `numbers` must be finite numbers, `labels` strings or numbers, colours known. */
function itemsErrors(items: unknown, name: string, numbers: string[], labels: string[]): string[] {
  if (!Array.isArray(items)) return [`${name} is ${JSON.stringify(items)}; it must be an array.`];
  const errors: string[] = [];
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null) {
      errors.push(`${name}[${index}] is ${JSON.stringify(item)}; it must be an object.`);
      return;
    }
    const point = item as Json;
    for (const key of numbers) if (!isNumber(point[key])) errors.push(`${name}[${index}].${key} is ${JSON.stringify(point[key])}; it must be a number.`);
    for (const key of labels) {
      if (typeof point[key] !== 'string' && !isNumber(point[key])) errors.push(`${name}[${index}].${key} is ${JSON.stringify(point[key])}; it must be a string or a number.`);
    }
    if (point.color !== undefined) errors.push(...colorErrors(point.color, `${name}[${index}] has`));
  });
  return errors;
}

function colorErrors(color: unknown, who: string): string[] {
  return typeof color === 'string' && CHART_COLORS.includes(color) ? [] : [`${who} colour ${JSON.stringify(color)}, which Teams' charts do not know (e.g. attention, categoricalBlue, sequential3).`];
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
