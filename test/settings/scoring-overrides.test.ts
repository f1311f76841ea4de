import assert from 'node:assert/strict';
import { currentScoringOptions, setProfileOverride, setThresholdOverride, SETTING_KEYS, tenantScope } from '../../src/settings';
import { openSqliteStore, type Store } from '../../src/store';

describe('settings: scoring overrides set in Teams', () => {
  let store: Store;

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });

  afterEach(async () => {
    await store.close();
  });

  it('is the configuration\'s settings when admins changed nothing', async () => {
    const options = await currentScoringOptions(store, 'tenant-a', { profile: 'cqd-classic', thresholds: { audio: { averageJitter: 35 } } });
    assert.equal(options.profile, 'cqd-classic');
    assert.equal(options.thresholds.audio.averageJitter, 35);
  });

  it('puts a tenant\'s threshold and profile on top of the configuration, for that tenant only', async () => {
    const base = { thresholds: { 'audio.averageJitter': 35, 'audio.averageRoundTripTime': 400 } };
    await setThresholdOverride(store, 'tenant-a', base, 'audio.averageJitter', '45', 'admin', 1);
    await setProfileOverride(store, 'tenant-a', base, 'cqd-classic', 'admin', 2);
    const a = await currentScoringOptions(store, 'tenant-a', base);
    assert.equal(a.profile, 'cqd-classic');
    assert.equal(a.thresholds.audio.averageJitter, 45);
    assert.equal(a.thresholds.audio.averageRoundTripTime, 400, 'other configured thresholds stay');
    const b = await currentScoringOptions(store, 'tenant-b', base);
    assert.equal(b.profile, 'cqd');
    assert.equal(b.thresholds.audio.averageJitter, 35);
  });

  it('refuses bad keys, values and profiles without storing anything', async () => {
    await assert.rejects(setThresholdOverride(store, 't', {}, 'speech.averageJitter', '1', null, 1), /Unknown stream kind/);
    await assert.rejects(setThresholdOverride(store, 't', {}, 'audio.averageJitter', 'lots', null, 1), /must be a number/);
    await assert.rejects(setProfileOverride(store, 't', {}, 'strict', null, 1), /Unknown quality profile "strict"/);
    assert.equal(await store.settings.getSetting(tenantScope('t'), SETTING_KEYS.quality), undefined);
  });

  it('falls back to the configuration when a stored override no longer resolves', async () => {
    await store.settings.setSetting(tenantScope('t'), SETTING_KEYS.quality, { profile: 'gone-profile' });
    const options = await currentScoringOptions(store, 't', { profile: 'cqd-classic' });
    assert.equal(options.profile, 'cqd-classic');
  });
});
