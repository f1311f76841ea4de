/** Teams' "rate my call" answers on its five-star scale. */
const RATING_STARS: Readonly<Record<string, number>> = { bad: 1, poor: 2, fair: 3, good: 4, excellent: 5 };

/** How a rating reads on a card: `★★☆☆☆ poor`; `not rated` for `notRated` or none. */
export function ratingWords(rating: string | null): string {
  if (rating === null || rating === 'notRated') return 'not rated';
  const stars = RATING_STARS[rating];
  return stars === undefined ? rating : `${'★'.repeat(stars)}${'☆'.repeat(5 - stars)} ${rating}`;
}

/** Sort key: worst rating first (bad before poor before fair…), unrated last. */
export function ratingRank(rating: string | null): number {
  return rating === null ? 9 : (RATING_STARS[rating] ?? 8);
}

/** True for the ratings that read as a complaint (one or two stars). */
export function isLowRating(rating: string | null): boolean {
  const stars = rating === null ? undefined : RATING_STARS[rating];
  return stars !== undefined && stars <= 2;
}
