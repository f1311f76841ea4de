import assert from 'node:assert/strict';
import { ConversationSendBudget, TEAMS_CONVERSATION_LIMITS } from '../../src/bot';

describe('bot: per-conversation send budget (sliding windows)', () => {
  it('allows 7 sends in a second, then none until the first leaves the window', () => {
    const budget = new ConversationSendBudget();
    const start = 1_000_000;
    for (let index = 0; index < 7; index++) assert.equal(budget.take('chat', start + index * 10), true, `send ${index + 1} fits`);
    assert.equal(budget.available('chat', start + 70), 0);
    assert.equal(budget.take('chat', start + 70), false);
    assert.equal(budget.nextFreeAt('chat', start + 70), start + 1_001, 'free once the first send is more than a second old');
    assert.equal(budget.available('chat', start + 1_001), 1, 'the 8 / 2 s window leaves room for one more');
  });

  it('keeps conversations apart', () => {
    const budget = new ConversationSendBudget();
    for (let index = 0; index < 7; index++) budget.take('a', 5_000);
    assert.equal(budget.available('a', 5_000), 0);
    assert.equal(budget.available('b', 5_000), 7);
  });

  it('holds 60 sends in any 30 seconds even when each second stays under 7', () => {
    const budget = new ConversationSendBudget();
    let now = 0;
    let sent = 0;
    // Four sends every two seconds keep the 7 / 1 s and 8 / 2 s windows happy.
    while (now < 30_000) {
      for (let index = 0; index < 4; index++) if (budget.take('chat', now + index)) sent++;
      now += 2_000;
    }
    assert.equal(sent, 60);
    const afterLast = now - 2_000 + 10;
    assert.equal(budget.available('chat', afterLast), 0, 'the 30 s window is full');
    assert.equal(budget.nextFreeAt('chat', afterLast), 30_001, 'until the first send is 30 s old');
  });

  it('uses the limits Teams documents by default', () => {
    assert.deepEqual(
      TEAMS_CONVERSATION_LIMITS.map((window) => `${window.limit}/${window.windowMs}`),
      ['7/1000', '8/2000', '60/30000', '1800/3600000'],
    );
  });

  it('forgets conversations whose sends all left the longest window', () => {
    const budget = new ConversationSendBudget([{ limit: 2, windowMs: 1_000 }]);
    budget.take('old', 0);
    budget.prune(5_000);
    assert.equal(budget.available('old', 5_000), 2);
  });

  it('refuses windows without a positive limit and length', () => {
    assert.throws(() => new ConversationSendBudget([]), /at least one window/);
    assert.throws(() => new ConversationSendBudget([{ limit: 0, windowMs: 1_000 }]), /positive limit/);
  });
});
