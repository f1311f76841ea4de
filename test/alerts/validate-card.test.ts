import assert from 'node:assert/strict';
import { CARD_SIZE_LIMIT_BYTES, validateCard } from '../../src/alerts';

const card = (body: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'AdaptiveCard', version: '1.5', body, ...extra });

describe('validateCard', () => {
  it('accepts a 1.5 card with a Table, Action.Execute, ToggleVisibility and refresh', () => {
    const accepted = card(
      [
        { type: 'Table', columns: [{ width: 1 }], rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [{ type: 'TextBlock', text: 'x' }] }] }] },
        { type: 'Container', id: 'more', isVisible: false, items: [{ type: 'TextBlock', text: 'hidden' }] },
      ],
      {
        actions: [
          { type: 'Action.Execute', title: 'Go', verb: 'v', data: { id: 'more' } },
          { type: 'Action.ToggleVisibility', title: 'More', targetElements: ['more'] },
        ],
        refresh: { action: { type: 'Action.Execute', verb: 'r' }, userIds: ['a'] },
        msteams: { width: 'Full' },
      },
    );
    const result = validateCard(accepted);
    assert.deepEqual(result.errors, []);
    assert.equal(result.ok, true);
    assert.equal(result.version, '1.5');
    assert.equal(result.sizeBytes, Buffer.byteLength(JSON.stringify(accepted), 'utf8'));
  });
  it('refuses an unknown element type (an SDK parse event)', () => {
    const result = validateCard(card([{ type: 'Carousel2' }]));
    assert.equal(result.ok, false);
    assert.match(result.errors.join(' '), /UnknownElementType/);
  });
  it('refuses versions Teams does not render', () => {
    for (const version of ['1.6', '2.0', 'latest', '']) {
      const result = validateCard({ type: 'AdaptiveCard', version, body: [] });
      assert.equal(result.ok, false, version);
      assert.match(result.errors.join(' '), /Teams renders at most 1\.5/);
    }
    assert.equal(validateCard({ type: 'AdaptiveCard', version: '1.2', body: [] }).ok, true);
  });
  it('refuses a card over 80 KB and reports its byte size (UTF-8)', () => {
    const text = 'é'.repeat(CARD_SIZE_LIMIT_BYTES / 2);
    const big = card([{ type: 'TextBlock', text }]);
    const result = validateCard(big);
    assert.equal(result.ok, false);
    assert.equal(result.sizeBytes, Buffer.byteLength(JSON.stringify(big), 'utf8'));
    assert.ok(result.sizeBytes > CARD_SIZE_LIMIT_BYTES);
    assert.match(result.errors.join(' '), /the limit is 81920/);
  });
  it('refuses a toggle whose target does not exist, and duplicate ids', () => {
    const missing = validateCard(card([{ type: 'TextBlock', text: 'x' }], { actions: [{ type: 'Action.ToggleVisibility', title: 'T', targetElements: [{ elementId: 'ghost' }] }] }));
    assert.match(missing.errors.join(' '), /targets "ghost"/);
    const duplicate = validateCard(card([{ type: 'TextBlock', id: 'a', text: 'x' }, { type: 'TextBlock', id: 'a', text: 'y' }]));
    assert.match(duplicate.errors.join(' '), /The id "a" is used by 2 elements/);
  });
  it('refuses more than 60 refresh users', () => {
    const userIds = Array.from({ length: 61 }, (_, index) => `u${index}`);
    const result = validateCard(card([], { refresh: { action: { type: 'Action.Execute', verb: 'r' }, userIds } }));
    assert.match(result.errors.join(' '), /61 users; Teams refreshes at most 60/);
  });
  it('refuses what is not an Adaptive Card', () => {
    const result = validateCard({ type: 'MessageCard', version: '1.5' });
    assert.equal(result.ok, false);
    assert.match(result.errors[0]!, /"type" is "MessageCard"/);
  });
});
