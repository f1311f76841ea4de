import type { CallFailure, CallQualityReport } from './report';
import { formatMetricValue, isStreamMetric } from './metrics';
import { feedbackTokenWords } from './feedback-tokens';

const KIND_NAMES = { audio: 'audio', video: 'video', vbss: 'screen sharing' } as const;

/** A short summary people read: the verdict, each poor stream with its reasons, each failed session, the feedback. */
export function formatReportText(report: CallQualityReport): string {
  const lines: string[] = [];
  const poor = report.streams.filter((stream) => stream.classification === 'poor');
  const counted = report.streams.filter((stream) => stream.kind !== null).length;
  lines.push(
    `Call ${report.callId ?? '(no id)'} version ${report.version ?? '?'}: ${report.quality.toUpperCase()} ` +
      `(profile ${report.profile}; ${poor.length} of ${counted} scored streams poor)`,
  );
  lines.push(`Alert: ${report.alert ? 'yes' : 'no'}`);
  for (const stream of poor) {
    const kind = stream.kind ? KIND_NAMES[stream.kind] : 'stream';
    const reasons = stream.reasons.map((reason) => {
      const show = (value: number) => (isStreamMetric(reason.metric) ? formatMetricValue(reason.metric, value) : String(value));
      return `${reason.metric} ${show(reason.value)} ${reason.comparison} ${show(reason.threshold)}`;
    });
    lines.push(`  poor ${kind} ${stream.direction ?? ''} (stream ${stream.streamId ?? '?'}, session ${stream.sessionId ?? '?'}): ${reasons.join('; ')}`);
  }
  for (const failure of report.failures ?? []) {
    const end = (party: CallFailure['caller']) => party.displayName ?? party.id ?? (party.service ? 'service' : 'someone');
    lines.push(`Failure: session ${failure.sessionId ?? '?'} (${end(failure.caller)} → ${end(failure.callee)}) at stage ${failure.stage}: ${failure.reason ?? 'no reason given'}`);
  }
  if (report.feedback.length === 0) lines.push('Feedback: none');
  for (const entry of report.feedback) {
    const who = entry.displayName ?? entry.userId ?? 'someone';
    const tokens = entry.tokens.length > 0 ? `: ${entry.tokens.map(feedbackTokenWords).join(', ')}` : '';
    const text = entry.text ? ` "${entry.text}"` : '';
    lines.push(`Feedback: ${who} rated ${entry.rating ?? 'unknown'}${tokens}${text}`);
  }
  return lines.join('\n');
}
