import type { Classification } from '../quality';
import { isLowRating, ratingRank } from './rating-words';

/**
 * Where what people said and what was measured disagree: a call rated bad or poor while every
 * classified stream was good, or a poor call nobody rated. These are the calls where the thresholds
 * or the network data may mislead, worth a look before trusting either.
 */
export type CallMismatch = 'rated-low-measured-good' | 'poor-not-rated';

/** The mismatch of a call from its verdict and its ratings (Graph's values; `notRated` and null are no answer); null when they agree. */
export function mismatchOf(quality: Classification | string, ratings: readonly (string | null)[]): CallMismatch | null {
  // `good` means no stream was poor and at least one was classified good (overallQuality).
  if (quality === 'good' && ratings.some(isLowRating)) return 'rated-low-measured-good';
  if (quality === 'poor' && !ratings.some(isAnswer)) return 'poor-not-rated';
  return null;
}

/** The alert card's line saying what the mismatch means. */
export function mismatchLine(mismatch: CallMismatch): string {
  return mismatch === 'rated-low-measured-good'
    ? 'Mismatch: rated bad or poor, yet every measured stream was within the thresholds. The thresholds or the network data may miss what people experienced (echo, noise, a device).'
    : 'Mismatch: the streams were poor, yet nobody rated the call. The thresholds or the network data may mislead here; check before acting on it.';
}

/** The short marker `recent` shows on the row. */
export function mismatchMarker(mismatch: CallMismatch): string {
  return mismatch === 'rated-low-measured-good' ? '≠ rated low, measured good' : '≠ poor, nobody rated';
}

/** An answer on the five-star scale (`bad` … `excellent`), not `notRated` or an unknown value. */
function isAnswer(rating: string | null): boolean {
  return rating !== null && ratingRank(rating) <= 5;
}
