import assert from 'node:assert/strict';
import { CHART_ELEMENTS, validateCard, withChartFallbacks } from '../../src/alerts';

const card = (body: unknown[]) => ({ type: 'AdaptiveCard', version: '1.5', body });
const table = {
  type: 'Table',
  columns: [{ width: 1 }, { width: 1 }],
  rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [{ type: 'TextBlock', text: '2 Mar' }] }, { type: 'TableCell', items: [{ type: 'TextBlock', text: '12.5 %' }] }] }],
};

/** The payloads of Microsoft's "Charts in Adaptive Cards" page (shortened), each with a fallback table. */
const DOCUMENTED: Record<string, Record<string, unknown>> = {
  'Chart.Line': { type: 'Chart.Line', title: 'Sample', xAxisTitle: 'Days', yAxisTitle: 'Sales', colorSet: 'categorical', data: [{ legend: 'Outlook', values: [{ x: '2023-05-01', y: 99 }, { x: '2023-05-02', y: 6 }] }] },
  'Chart.HorizontalBar': { type: 'Chart.HorizontalBar', title: 'Sample', displayMode: 'AbsoluteNoAxis', color: 'categoricalPurple', data: [{ x: 'Pear', y: 59 }, { x: 'Banana', y: 292 }] },
  'Chart.VerticalBar': { type: 'Chart.VerticalBar', colorSet: 'categorical', data: [{ x: 'Pear', y: 59 }] },
  'Chart.VerticalBar.Grouped': { type: 'Chart.VerticalBar.Grouped', stacked: true, data: [{ legend: 'Teams', values: [{ x: '2023-05-01', y: 9 }] }] },
  'Chart.Donut': { type: 'Chart.Donut', data: [{ legend: 'Pear', value: 59 }, { legend: 'Kiwi', value: 179, color: 'good' }] },
  'Chart.Pie': { type: 'Chart.Pie', colorSet: 'categorical', data: [{ legend: 'Pear', value: 59 }] },
  'Chart.HorizontalBar.Stacked': { type: 'Chart.HorizontalBar.Stacked', data: [{ title: 'Outlook', data: [{ legend: '2023-05-01', value: 24, color: 'good' }] }] },
  'Chart.Gauge': { type: 'Chart.Gauge', value: 50, segments: [{ legend: 'Low risk', size: 33, color: 'good' }, { legend: 'High risk', size: 67, color: 'attention' }] },
};

describe("Teams' chart elements in card validation", () => {
  it('knows every chart element Microsoft documents', () => {
    assert.deepEqual(Object.keys(CHART_ELEMENTS).sort(), Object.keys(DOCUMENTED).sort());
  });

  it('accepts each documented chart with a fallback table, though the SDK knows none of them', () => {
    for (const [type, chart] of Object.entries(DOCUMENTED)) {
      const result = validateCard(card([{ ...chart, fallback: table }]));
      assert.deepEqual(result.errors, [], type);
    }
  });

  it('refuses a chart without data, with empty data, or with data left as a template binding', () => {
    const missing = validateCard(card([{ type: 'Chart.Line', fallback: table }]));
    assert.deepEqual(missing.errors, ['The Chart.Line at body[0] has data undefined; it needs an array with at least one data point.']);
    const empty = validateCard(card([{ type: 'Chart.HorizontalBar', data: [], fallback: table }]));
    assert.deepEqual(empty.errors, ['The Chart.HorizontalBar at body[0] has an empty data array; it needs an array with at least one data point.']);
    const unbound = validateCard(card([{ type: 'Chart.Line', data: '${series}', fallback: table }]));
    assert.match(unbound.errors.join(' '), /has data "\$\{series\}"/);
  });

  it('refuses a value that is not a number, naming where it is', () => {
    const text = validateCard(card([{ type: 'Container', items: [{ type: 'Chart.Line', data: [{ legend: 'Audio', values: [{ x: '2 Mar', y: '12.5' }] }], fallback: table }] }]));
    assert.deepEqual(text.errors, ['The Chart.Line at body[0].items[0]: data[0].values[0].y is "12.5"; it must be a number.']);
    const nan = validateCard(card([{ type: 'Chart.HorizontalBar', data: [{ x: 'HQ', y: null }], fallback: table }]));
    assert.deepEqual(nan.errors, ['The Chart.HorizontalBar at body[0]: data[0].y is null; it must be a number.']);
    const donut = validateCard(card([{ type: 'Chart.Donut', data: [{ legend: 'a' }], fallback: table }]));
    assert.match(donut.errors.join(' '), /data\[0\]\.value is undefined; it must be a number/);
    const gauge = validateCard(card([{ type: 'Chart.Gauge', value: 'half', fallback: table }]));
    assert.match(gauge.errors.join(' '), /has value "half"; a gauge needs a number/);
  });

  it('refuses a series without points, a label that is neither text nor a number, and an unknown colour', () => {
    const noPoints = validateCard(card([{ type: 'Chart.Line', data: [{ legend: 'Audio', values: [] }], fallback: table }]));
    assert.match(noPoints.errors.join(' '), /data\[0\]\.values is \[\]; it needs at least one point/);
    const label = validateCard(card([{ type: 'Chart.VerticalBar', data: [{ x: { day: 2 }, y: 1 }], fallback: table }]));
    assert.match(label.errors.join(' '), /data\[0\]\.x is \{"day":2\}; it must be a string or a number/);
    const color = validateCard(card([{ type: 'Chart.HorizontalBar', color: 'red', data: [{ x: 'HQ', y: 1 }], fallback: table }]));
    assert.match(color.errors.join(' '), /colour "red", which Teams' charts do not know/);
  });

  it('refuses a chart without a fallback element, "drop" included: older clients must still show the numbers', () => {
    for (const fallback of [undefined, 'drop']) {
      const result = validateCard(card([{ type: 'Chart.Pie', data: [{ legend: 'a', value: 1 }], fallback }]));
      assert.equal(result.ok, false);
      assert.match(result.errors.join(' '), /The Chart\.Pie at body\[0\] has no fallback element/);
    }
  });

  it('checks the fallback with the SDK, as an older client draws it', () => {
    const result = validateCard(card([{ type: 'Chart.Line', data: [{ values: [{ x: 1, y: 2 }] }], fallback: { type: 'Carousel2' } }]));
    assert.match(result.errors.join(' '), /UnknownElementType: Unknown element type "Carousel2"/);
  });

  it('still refuses an unknown element that is not a chart, and a misspelt chart', () => {
    assert.match(validateCard(card([{ type: 'Chart.Bubble', data: [{ x: 1, y: 1 }], fallback: table }])).errors.join(' '), /Unknown element type "Chart\.Bubble"/);
    assert.match(validateCard(card([{ type: 'Graph', fallback: table }])).errors.join(' '), /Unknown element type "Graph"/);
  });

  it('replaces every chart by its fallback for clients without charts, nested ones too', () => {
    const nested = card([{ type: 'Container', items: [{ ...DOCUMENTED['Chart.Line'], fallback: table }, { type: 'TextBlock', text: 'after' }] }]);
    assert.deepEqual(withChartFallbacks(nested), card([{ type: 'Container', items: [table, { type: 'TextBlock', text: 'after' }] }]));
  });
});
