import assert from 'node:assert/strict';
import { identityOf, organizerOf } from '../../src/quality';

describe('the person in an identity set', () => {
  it('takes user when it has an id, else the first other identity with an id, in the order the record lists them', () => {
    assert.equal(identityOf({ user: { id: 'u1', displayName: 'Ann' }, guest: { id: 'g1' } }).id, 'u1');
    const guest = identityOf({ '@odata.type': '#microsoft.graph.identitySet', user: { displayName: 'No id' }, guest: { id: 'g1', displayName: 'Guest', tenantId: 't1' }, phone: { id: 'p1' } });
    assert.deepEqual(guest, { id: 'g1', displayName: 'Guest', tenantId: 't1', userPrincipalName: null });
  });

  it('falls back to the first identity with a name (user first), and to nobody', () => {
    assert.deepEqual(identityOf({ user: { displayName: 'Ann' }, guest: { displayName: 'Guest' } }), { id: null, displayName: 'Ann', tenantId: null, userPrincipalName: null });
    assert.equal(identityOf({ user: { id: '' }, phone: { displayName: 'Phone' }, guest: { displayName: 'Guest' } }).displayName, 'Phone');
    assert.deepEqual(identityOf({ user: null, application: 'not an object' }), { id: null, displayName: null, tenantId: null, userPrincipalName: null });
    assert.deepEqual(identityOf(undefined), { id: null, displayName: null, tenantId: null, userPrincipalName: null });
  });

  it('gives the organizer from organizer_v2, else from the deprecated organizer', () => {
    assert.equal(organizerOf({ organizer_v2: { id: 'o2', identity: { user: { displayName: 'Org' } } }, organizer: { user: { id: 'o1' } } }).id, 'o2');
    assert.equal(organizerOf({ organizer: { guest: { id: 'o1', displayName: 'Old' } } }).displayName, 'Old');
  });
});
