import assert from 'node:assert/strict';
import { adminsGetCard, alertSummaryLine, cardPlanFor, digestSummaryLine } from '../../src/alerts';
import type { CallFailure } from '../../src/quality';

describe('alerts: who gets a new card, an update or nothing', () => {
  describe('cardPlanFor', () => {
    it('a new card for an alerting version the conversation has nothing of, nothing for one that does not alert', () => {
      assert.equal(cardPlanFor({ version: 1, alert: true }, undefined), 'new');
      assert.equal(cardPlanFor({ version: 1, alert: false }, undefined), 'none');
    });

    it('updates an older alert card in place, whether or not the newer version alerts', () => {
      assert.equal(cardPlanFor({ version: 2, alert: true }, { version: 1, cardType: 'alert' }), 'update');
      assert.equal(cardPlanFor({ version: 2, alert: false }, { version: 1, cardType: 'alert' }), 'update');
    });

    it('posts a card of its own for a newer version of a call that was only a digest line, even when it no longer alerts', () => {
      assert.equal(cardPlanFor({ version: 2, alert: true }, { version: 1, cardType: 'digest' }), 'new');
      assert.equal(cardPlanFor({ version: 2, alert: false }, { version: 1, cardType: 'digest' }), 'new');
    });

    it('nothing when the conversation shows this version or a newer one, card or digest line', () => {
      for (const cardType of ['alert', 'digest']) {
        assert.equal(cardPlanFor({ version: 2, alert: true }, { version: 2, cardType }), 'none');
        assert.equal(cardPlanFor({ version: 2, alert: false }, { version: 3, cardType }), 'none');
      }
    });
  });

  describe('adminsGetCard', () => {
    it('a new card under the poor policy only for poor quality, under all for every alert', () => {
      assert.equal(adminsGetCard('new', 'poor', 'poor'), true);
      assert.equal(adminsGetCard('new', 'poor', 'good'), false);
      assert.equal(adminsGetCard('new', 'all', 'good'), true);
    });

    it('always updates, and always posts the card that follows a digest line of the call', () => {
      assert.equal(adminsGetCard('update', 'poor', 'good'), true);
      assert.equal(adminsGetCard('new', 'poor', 'good', { version: 1, cardType: 'digest' }), true);
      assert.equal(adminsGetCard('new', 'poor', 'good', { version: 1, cardType: 'alert' }), false);
      assert.equal(adminsGetCard('none', 'all', 'poor', { version: 1, cardType: 'digest' }), false);
    });

    it('a failed call goes to the channel under the poor policy too, whatever its quality', () => {
      assert.equal(adminsGetCard('new', 'poor', 'good', undefined, true), true);
      assert.equal(adminsGetCard('new', 'poor', 'unclassified', undefined, true), true);
      assert.equal(adminsGetCard('none', 'poor', 'good', undefined, true), false, 'no plan, no card');
    });
  });

  describe('the notification line', () => {
    const drop: CallFailure = { sessionId: 's', stage: 'midcall', reason: null, caller: { id: null, displayName: null, service: false }, callee: { id: null, displayName: null, service: false } };

    it('names a failed call first, in the card title\'s words, then poor quality, then a rating', () => {
      assert.equal(alertSummaryLine('poor', 'Abbie', [drop]), 'Call dropped: call organized by Abbie');
      assert.equal(alertSummaryLine('poor', 'Abbie'), 'Poor call quality: call organized by Abbie');
      assert.equal(alertSummaryLine('good', null, []), 'Bad call rating');
      assert.equal(digestSummaryLine(3), '3 calls with failures, poor quality or bad ratings');
    });
  });
});
