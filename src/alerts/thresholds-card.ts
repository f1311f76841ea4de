import { formatMetricValue, METRICS, PROFILES, STREAM_KINDS, type ScoringOptions, type StreamKind } from '../quality';
import type { AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import { STREAM_KIND_WORDS } from './card-text';
import thresholdsTemplate from './templates/thresholds-card.json';

/**
 * The answer to `thresholds`: the profile, for each stream kind how the rule works and every
 * threshold next to the profile's default (changed ones stand out), and when alerts are sent.
 */
export function buildThresholdsCard(options: ScoringOptions): AdaptiveCardDocument {
  const profile = PROFILES[options.profile];
  const kinds = STREAM_KINDS.map((kind) => {
    const rule = profile.rules[kind];
    const thresholds = options.thresholds[kind];
    const defaults = profile.defaults[kind];
    const checks = rule.type === 'anyOf' ? rule.checks : rule.steps;
    const rows = checks.map((check) => {
      const value = thresholds[check.metric];
      const original = defaults[check.metric];
      const changed = value !== original;
      const codec = 'unlessCodec' in check && typeof check.unlessCodec === 'string' ? check.unlessCodec : null;
      const unless = codec ? ` (not for ${codec.toUpperCase()})` : '';
      return {
        metric: `${METRICS[check.metric].title}${unless}`,
        poorWhen: value === undefined ? 'not used' : `${check.comparison === '>' ? 'above' : 'below'} ${formatMetricValue(check.metric, value)}`,
        color: changed ? 'warning' : 'default',
        default: original === undefined ? '—' : `${formatMetricValue(check.metric, original)}${changed ? ' (changed)' : ''}`,
      };
    });
    return { heading: headingOf(kind), rule: ruleWords(options, kind), rows, separator: kind !== STREAM_KINDS[0] };
  });
  const changedCount = kinds.reduce((count, kind) => count + kind.rows.filter((row) => row.color === 'warning').length, 0);
  return expandTemplate(thresholdsTemplate, {
    title: `Profile ${options.profile}`,
    subtitle: `${profile.description}${changedCount > 0 ? ` · ${changedCount} threshold${changedCount === 1 ? '' : 's'} changed` : ''}`,
    badge: 'Quality thresholds',
    kinds,
    alertFacts: [
      { label: 'Poor quality', value: options.alertOnPoorQuality ? 'alerts (a call is poor when any stream is poor)' : 'no alert' },
      { label: 'Ratings', value: options.alertRatings.length > 0 ? `alert on ${options.alertRatings.join(', ')}` : 'no alert on ratings' },
    ],
    footer: 'Admins change these with set threshold KIND.METRIC VALUE and profile cqd or profile cqd-classic.',
  });
}

function headingOf(kind: StreamKind): string {
  return STREAM_KIND_WORDS[kind];
}

function ruleWords(options: ScoringOptions, kind: StreamKind): string {
  const rule = PROFILES[options.profile].rules[kind];
  if (rule.type === 'ordered') return 'The first of these metrics the stream reports decides; poor when it crosses its threshold.';
  const gate = rule.gate;
  const gateValue = gate ? options.thresholds[kind][gate.metric] : undefined;
  const gateWords =
    gate && gateValue !== undefined
      ? gate.metric === 'packetUtilization'
        ? ` Judged only when the stream carried more than ${formatMetricValue(gate.metric, gateValue)}, so short or silent streams are left out.`
        : ` Judged only when ${METRICS[gate.metric].title.toLowerCase()} is ${gate.comparison === '>' ? 'above' : 'below'} ${formatMetricValue(gate.metric, gateValue)}.`
      : '';
  return `Poor when any of these crosses its threshold.${gateWords}`;
}
