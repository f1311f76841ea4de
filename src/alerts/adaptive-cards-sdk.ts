import type * as AdaptiveCards from 'adaptivecards';

/** The `adaptivecards` SDK's exports, typed from the package. */
export type AdaptiveCardsSdk = typeof AdaptiveCards;

/**
 * Loads the `adaptivecards` SDK from its UMD bundle. The package's `main` is ESM without
 * `"type": "module"`, which plain `node` cannot load (tsx hides that); the UMD bundle loads under
 * both and needs no DOM to parse and validate. `require` caches it, so calling this often is cheap.
 */
export function loadAdaptiveCardsSdk(): AdaptiveCardsSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsSdk;
}

/** The path of the UMD bundle on disk, for pages that render cards in a browser. */
export function adaptiveCardsBundlePath(): string {
  return require.resolve('adaptivecards/dist/adaptivecards.js');
}
