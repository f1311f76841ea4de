import type { CallQualityReport, FeedbackEntry, StreamVerdict } from '../quality';
import { count, plural, STREAM_KIND_WORDS } from './card-text';
import { reasonWords } from './poor-reason-words';
import { isLowRating } from './rating-words';
import { failuresOf } from './alert-decision';
import { failureClause, failureTitle } from './failure-words';

/* The alert card's verdict: its title and the one sentence that says what happened. */

/** The card's title and accent colour: a failed session first (a call that never started or dropped is the news), then the quality. */
export function headline(report: CallQualityReport, feedback: readonly FeedbackEntry[]): { title: string; accentColor: string } {
  const failures = failuresOf(report);
  if (failures.length > 0) return { title: failureTitle(failures), accentColor: 'attention' };
  if (report.quality === 'poor') return { title: 'Poor call quality', accentColor: 'attention' };
  if (feedback.some((entry) => isLowRating(entry.rating))) return { title: 'Poor call rating', accentColor: 'warning' };
  if (report.quality === 'good') return { title: 'Good call quality', accentColor: 'good' };
  return { title: 'Call quality not measured', accentColor: 'default' };
}

/** The verdict in one sentence (two when sessions failed), without names (names only appear in plain-text runs). */
export function verdictSentence(report: CallQualityReport, poor: number, judged: number, feedback: readonly FeedbackEntry[]): string {
  const failures = failuresOf(report);
  if (failures.length === 0) return qualitySentence(report, poor, judged, feedback);
  // A session that never started has no metrics: "not yet" would promise data that will not come.
  const quality = report.quality === 'unclassified' && !feedback.some((entry) => isLowRating(entry.rating)) ? 'No stream could be judged.' : qualitySentence(report, poor, judged, feedback);
  return `${failureClause(failures)}. ${quality}`;
}

function qualitySentence(report: CallQualityReport, poor: number, judged: number, feedback: readonly FeedbackEntry[]): string {
  const low = feedback.filter((entry) => isLowRating(entry.rating));
  const ratingPart = low.length > 0 ? `${plural(low.length, 'participant')} rated the call ${joinWords(distinct(low.map((entry) => entry.rating ?? '')))}` : '';
  if (report.quality === 'poor') {
    const main = mainProblem(report.streams);
    const streams = `${count(poor)} of ${plural(judged, 'stream')} crossed a Call Quality Dashboard threshold${main ? ` (mostly ${main})` : ''}`;
    return `The quality was poor: ${streams}${ratingPart ? `, and ${ratingPart}` : ''}.`;
  }
  const measured =
    report.quality === 'good'
      ? `The measured quality was good (${plural(judged, 'stream')}, none poor)`
      : 'No stream could be judged (the record has no usable metrics yet)';
  return ratingPart ? `${measured}, but ${ratingPart}.` : `${measured}.`;
}

/** The metric and media that made the most streams poor: "Jitter on audio". */
function mainProblem(streams: readonly StreamVerdict[]): string | null {
  const counts = new Map<string, number>();
  for (const stream of streams) {
    if (stream.classification !== 'poor' || !stream.kind) continue;
    for (const reason of stream.reasons) {
      const key = `${reasonWords(reason).metric} on ${STREAM_KIND_WORDS[stream.kind].toLowerCase()}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [key, count] of counts) if (count > bestCount) [best, bestCount] = [key, count];
  return best;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
