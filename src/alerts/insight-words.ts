import type { ConnectionType, Dimension } from '../insights';
import { count } from './card-text';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A UTC day (`YYYY-MM-DD`) as a chart axis shows it: `2 Mar`. */
export function dayWords(day: string): string {
  const [, month, date] = day.split('-').map(Number);
  return `${date} ${MONTHS[(month ?? 1) - 1]}`;
}

/** A period of UTC days: `2 Mar – 8 Mar 2026`, or one day alone. */
export function periodWords(from: string, to: string): string {
  const year = to.slice(0, 4);
  if (from === to) return `${dayWords(to)} ${year}`;
  return `${dayWords(from)}${from.slice(0, 4) === year ? '' : ` ${from.slice(0, 4)}`} – ${dayWords(to)} ${year}`;
}

/** A percentage as a chart plots it: one decimal. */
export function chartPercent(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A poor % people read: `12.5 %`; `—` when nothing was classified. */
export function percentWords(value: number | null): string {
  return value === null ? '—' : `${chartPercent(value).toFixed(1)} %`;
}

/** A change of a poor % in percentage points: `+1.2 pts`, `−0.4 pts`, `±0 pts`; `—` when unknown. */
export function pointsWords(points: number | null): string {
  if (points === null) return '—';
  const rounded = chartPercent(points);
  if (rounded === 0) return '±0 pts';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(1)} pts`;
}

/** A change of a count in %: `+25 %`, `−10 %`; `new` when there was none before; `—` when neither had any. */
export function countChangeWords(percent: number | null, now: number): string {
  if (percent === null) return now > 0 ? 'new' : '—';
  const rounded = Math.round(percent);
  if (rounded === 0) return '±0 %';
  return `${rounded > 0 ? '+' : '−'}${count(Math.abs(rounded))} %`;
}

/**
 * The colour of a change where more is worse (poor %, bad ratings): red when it grew, green when
 * it shrank, plain otherwise.
 */
export function worseWhenUp(change: number | null): 'attention' | 'good' | 'default' {
  if (change === null || Math.abs(change) < 0.05) return 'default';
  return change > 0 ? 'attention' : 'good';
}

/** Graph's connection types as people say them. */
export const CONNECTION_WORDS: Readonly<Record<ConnectionType, string>> = {
  wired: 'Wired',
  wifi: 'Wi-Fi (band unknown)',
  'wifi-2.4GHz': 'Wi-Fi 2.4 GHz',
  'wifi-5GHz': 'Wi-Fi 5 GHz',
  'wifi-6GHz': 'Wi-Fi 6 GHz',
  mobile: 'Mobile data',
  tunnel: 'Tunnel (VPN)',
  unknown: 'Unknown',
};

/** What a dimension's values are called, one and many. */
export const DIMENSION_WORDS: Readonly<Record<Dimension, { one: string; many: string }>> = {
  sites: { one: 'Site', many: 'sites' },
  networks: { one: 'Subnet', many: 'subnets' },
  connections: { one: 'Connection', many: 'connection types' },
  devices: { one: 'Client / platform', many: 'clients and platforms' },
  people: { one: 'Person', many: 'people' },
};

/** A dimension's value as a card shows it (connection types in words; the rest as kept). */
export function valueWords(dimension: Dimension, value: string): string {
  return dimension === 'connections' ? (CONNECTION_WORDS[value as ConnectionType] ?? value) : value;
}
