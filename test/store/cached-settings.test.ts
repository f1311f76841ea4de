import assert from 'node:assert/strict';
import { currentScoringOptions, SCORING_SETTINGS_MAX_AGE_MS, setThresholdOverride } from '../../src/settings';
import { openSqliteStore, type Store } from '../../src/store';
import { withSettingsCache } from '../../src/store/cached-settings';

describe('settings read with a maximum age', () => {
  let reads = 0;
  let now = 1_000;
  let store: Store;

  beforeEach(() => {
    reads = 0;
    now = 1_000;
    store = openSqliteStore({ path: ':memory:' }, { onStatement: (sql) => void (sql.startsWith('SELECT value FROM settings') && (reads += 1)) });
  });
  afterEach(async () => {
    await store.close();
  });

  const cached = () => withSettingsCache(store.settings, () => now);

  it('answers from the first read until it is older than asked, then reads again', async () => {
    const settings = cached();
    await store.settings.setSetting('t', 'k', { n: 1 });
    reads = 0;
    assert.deepEqual(await settings.getSetting('t', 'k', { maxAgeMs: 30_000 }), { n: 1 });
    now += 29_999;
    assert.deepEqual(await settings.getSetting('t', 'k', { maxAgeMs: 30_000 }), { n: 1 });
    assert.equal(reads, 1);
    now += 1;
    await settings.getSetting('t', 'k', { maxAgeMs: 30_000 });
    assert.equal(reads, 2);
  });

  it('reads every time without a maximum age, and shares one read among reads in flight together', async () => {
    const settings = cached();
    await settings.getSetting('t', 'k');
    await settings.getSetting('t', 'k');
    assert.equal(reads, 2);
    await Promise.all([1, 2, 3].map(() => settings.getSetting('t', 'k', { maxAgeMs: 1_000 })));
    assert.equal(reads, 3);
  });

  it('sees a change made through it at once, and one made elsewhere once the answer is too old', async () => {
    const settings = cached();
    assert.equal(await settings.getSetting('t', 'k', { maxAgeMs: 30_000 }), undefined);
    await settings.setSetting('t', 'k', { n: 2 });
    assert.deepEqual(await settings.getSetting('t', 'k', { maxAgeMs: 30_000 }), { n: 2 }, 'changed through this store');
    await settings.deleteSetting('t', 'k');
    assert.equal(await settings.getSetting('t', 'k', { maxAgeMs: 30_000 }), undefined, 'deleted through this store');
    // Another instance's change (straight to the database, past this cache).
    await store.settings.setSetting('t', 'k', { n: 3 });
    assert.equal(await settings.getSetting('t', 'k', { maxAgeMs: 30_000 }), undefined, 'not yet');
    now += 30_000;
    assert.deepEqual(await settings.getSetting('t', 'k', { maxAgeMs: 30_000 }), { n: 3 });
  });

  // The store's own settings are read this way by the worker.
  it('lets the worker score with a threshold set in Teams on the same instance at once, reading once per tenant meanwhile', async () => {
    const base = { thresholds: { 'audio.averageJitter': 35 } };
    for (let call = 0; call < 5; call += 1) await currentScoringOptions(store, 'tenant-a', base, SCORING_SETTINGS_MAX_AGE_MS);
    assert.equal(reads, 1);
    await setThresholdOverride(store, 'tenant-a', base, 'audio.averageJitter', '45', 'admin', 1);
    const options = await currentScoringOptions(store, 'tenant-a', base, SCORING_SETTINGS_MAX_AGE_MS);
    assert.equal(options.thresholds.audio.averageJitter, 45);
  });
});
