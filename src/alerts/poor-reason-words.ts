import { formatMetricValue, isStreamMetric, METRICS, type PoorStreamReason } from '../quality';

/** A reason a stream was poor, in words a card shows in separate columns. */
export interface ReasonWords {
  /** "Jitter", "Network MOS degradation". */
  metric: string;
  /** The measured value in its unit: "61 ms". */
  measured: string;
  /** The line it crossed: "above 30 ms", "below 7 fps". */
  poorWhen: string;
}

/** Puts a threshold crossing in words, using the metric catalogue's titles and units. */
export function reasonWords(reason: PoorStreamReason): ReasonWords {
  const name = reason.metric;
  const direction = reason.comparison === '>' ? 'above' : 'below';
  if (!isStreamMetric(name)) {
    return { metric: name, measured: String(reason.value), poorWhen: `${direction} ${reason.threshold}` };
  }
  return {
    metric: METRICS[name].title,
    measured: formatMetricValue(name, reason.value),
    poorWhen: `${direction} ${formatMetricValue(name, reason.threshold)}`,
  };
}

/** One reason as a phrase: "Jitter 61 ms (poor above 30 ms)". */
export function reasonPhrase(reason: PoorStreamReason): string {
  const words = reasonWords(reason);
  return `${words.metric} ${words.measured} (poor ${words.poorWhen})`;
}

/** How far past its threshold a value is, as a ratio: 2 is twice a maximum, or half a minimum. */
export function reasonSeverity(reason: PoorStreamReason): number {
  if (reason.comparison === '>') return reason.threshold > 0 ? reason.value / reason.threshold : Number.MAX_VALUE;
  return reason.value > 0 ? reason.threshold / reason.value : Number.MAX_VALUE;
}
