import type { CallRecords } from '@microsoft/microsoft-graph-types';
import { durationToMilliseconds } from './duration';

/** A `mediaStream` property the rules look at. */
export type StreamMetric = keyof CallRecords.MediaStream &
  (
    | 'packetUtilization'
    | 'averageRoundTripTime'
    | 'averagePacketLossRate'
    | 'averageJitter'
    | 'averageAudioDegradation'
    | 'averageRatioOfConcealedSamples'
    | 'averageVideoFrameLossPercentage'
    | 'averageVideoFrameRate'
    | 'postForwardErrorCorrectionPacketLossRate'
  );

/**
 * The unit a metric's value and threshold are expressed in.
 * - `ms`: an ISO 8601 duration in Graph, milliseconds here;
 * - `fraction`: 0.1 means 10 %;
 * - `percent`: 50 means 50 %;
 * - `fps`: frames per second;
 * - `packets`: a packet count;
 * - `score`: a unitless score (network MOS degradation).
 */
export type MetricUnit = 'ms' | 'fraction' | 'percent' | 'fps' | 'packets' | 'score';

/** What the engine and the people reading its output need to know about a metric. */
export interface MetricDescription {
  unit: MetricUnit;
  /** A name people read on a card or in the CLI's text output. */
  title: string;
}

/** Every metric a rule can look at. */
export const METRICS: Readonly<Record<StreamMetric, MetricDescription>> = {
  packetUtilization: { unit: 'packets', title: 'Packets' },
  averageRoundTripTime: { unit: 'ms', title: 'Round-trip time' },
  averagePacketLossRate: { unit: 'fraction', title: 'Packet loss' },
  averageJitter: { unit: 'ms', title: 'Jitter' },
  averageAudioDegradation: { unit: 'score', title: 'Network MOS degradation' },
  averageRatioOfConcealedSamples: { unit: 'fraction', title: 'Concealed samples' },
  averageVideoFrameLossPercentage: { unit: 'percent', title: 'Video frame loss' },
  averageVideoFrameRate: { unit: 'fps', title: 'Frame rate' },
  postForwardErrorCorrectionPacketLossRate: { unit: 'fraction', title: 'Packet loss after FEC' },
};

/** True when `name` is a metric the rules know. */
export function isStreamMetric(name: string): name is StreamMetric {
  return Object.prototype.hasOwnProperty.call(METRICS, name);
}

/**
 * Reads a metric from a stream in its catalogue unit. `null`, a missing property, a value of the
 * wrong type and a malformed duration are all "not reported" (`undefined`).
 */
export function readMetric(stream: Record<string, unknown>, metric: StreamMetric): number | undefined {
  const raw = stream[metric];
  if (METRICS[metric].unit === 'ms') return durationToMilliseconds(raw);
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
}

/** Formats a value of a metric in units people read: `61 ms`, `12.5 %`, `5 fps`. */
export function formatMetricValue(metric: StreamMetric, value: number): string {
  switch (METRICS[metric].unit) {
    case 'ms':
      return `${round(value, 1)} ms`;
    case 'fraction':
      return `${round(value * 100, 2)} %`;
    case 'percent':
      return `${round(value, 2)} %`;
    case 'fps':
      return `${round(value, 1)} fps`;
    case 'packets':
      return `${round(value, 0)} packets`;
    case 'score':
      return `${round(value, 2)}`;
  }
}

function round(value: number, digits: number): string {
  const factor = 10 ** digits;
  return String(Math.round(value * factor) / factor);
}
