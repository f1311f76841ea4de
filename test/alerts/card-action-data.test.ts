import assert from 'node:assert/strict';
import { CARD_ACTIONS, InvalidCardActionError, readAlertActionData } from '../../src/alerts';

describe('card actions', () => {
  it('verbs are distinct and namespaced', () => {
    const verbs = Object.values(CARD_ACTIONS);
    assert.equal(new Set(verbs).size, verbs.length);
    for (const verb of verbs) assert.match(verb, /^alert\.[a-z]+$/);
  });
  it('reads the data an alert card sends back', () => {
    assert.deepEqual(readAlertActionData({ callId: 'c', tenantId: 't', version: 3, audience: 'admins', extra: true }), {
      callId: 'c',
      tenantId: 't',
      version: 3,
      audience: 'admins',
    });
    assert.deepEqual(readAlertActionData({ callId: 'c', tenantId: '', version: null, audience: 'organizer', hours: 24 }), {
      callId: 'c',
      tenantId: null,
      version: null,
      audience: 'organizer',
      hours: 24,
    });
  });
  it('refuses data that did not come from an alert card, saying what is wrong', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /no data object/],
      ['text', /no data object/],
      [{ audience: 'admins' }, /no "callId"/],
      [{ callId: 'c', audience: 'everyone' }, /audience "everyone"/],
      [{ callId: 'c', audience: 'organizer', hours: -1 }, /hours -1/],
      [{ callId: 'c', audience: 'organizer', hours: '24' }, /hours "24"/],
    ];
    for (const [data, message] of cases) {
      assert.throws(
        () => readAlertActionData(data),
        (error: unknown) => error instanceof InvalidCardActionError && error.status === 400 && message.test(error.message),
      );
    }
  });
});
