import assert from 'node:assert/strict';
import { ExpectedClientState } from '../../src/ingest/change-notifications';

describe('ExpectedClientState (the clientState check of every notification)', () => {
  const secret = 'a-client-state-secret-0123456789';
  const expected = new ExpectedClientState(secret);

  it('accepts the secret itself, again and again (its scratch buffer is reused)', () => {
    assert.equal(expected.matches(secret), true);
    assert.equal(expected.matches('x'.repeat(secret.length)), false);
    assert.equal(expected.matches(secret), true);
  });

  it('refuses a value of the same length that differs in one byte, first or last', () => {
    assert.equal(expected.matches(`b${secret.slice(1)}`), false);
    assert.equal(expected.matches(`${secret.slice(0, -1)}8`), false);
  });

  it('refuses the secret with something after it, whose first bytes fill the comparison exactly', () => {
    assert.equal(expected.matches(`${secret}0`), false);
    assert.equal(expected.matches(`${secret}${secret}`), false);
  });

  it('refuses a prefix of the secret, and an empty value', () => {
    assert.equal(expected.matches(secret.slice(0, -1)), false);
    assert.equal(expected.matches(''), false);
  });

  it('refuses a shorter value whose zero padding would spell the secret', () => {
    const endsInZero = new ExpectedClientState('abc\u0000');
    assert.equal(endsInZero.matches('abc'), false);
    assert.equal(endsInZero.matches('abc\u0000'), true);
  });

  it('compares UTF-8 bytes: a secret with accents, and a value cut inside a character', () => {
    const accented = new ExpectedClientState('clé-secrète-ünïcode');
    assert.equal(accented.matches('clé-secrète-ünïcode'), true);
    assert.equal(accented.matches('cle-secrete-unicode'), false);
    assert.equal(accented.matches('clé-secrète-ünïcodé'), false);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, { secret }, [secret], Buffer.from(secret)]) assert.equal(expected.matches(value), false, String(value));
  });
});
