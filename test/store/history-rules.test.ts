import assert from 'node:assert/strict';
import { assertDay, daysFrom, MAX_DAYS_IN_RANGE, namesPerson, newestFirst, peopleKeys, personKey, scrubbedRecord } from '../../src/store/history-rules';
import { historyCall } from './history-contract';

describe('history rules', () => {
  it('lists every day of a range across month ends and a leap day, none when reversed', () => {
    assert.deepEqual(daysFrom('2024-02-27', '2024-03-02'), ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
    assert.deepEqual(daysFrom('2024-12-31', '2025-01-01'), ['2024-12-31', '2025-01-01']);
    assert.deepEqual(daysFrom('2025-03-01', '2025-03-01'), ['2025-03-01']);
    assert.deepEqual(daysFrom('2025-03-02', '2025-03-01'), []);
    assert.throws(() => daysFrom('2000-01-01', '2025-01-01'), new RegExp(`has 9133 days, more than the ${MAX_DAYS_IN_RANGE}`));
  });

  it('accepts only real dates written YYYY-MM-DD, naming the value', () => {
    assertDay('2024-02-29', 'day');
    for (const bad of ['2025-02-29', '2025-13-01', '2025-3-01', '2025-03-01T00:00:00Z', '']) {
      assert.throws(() => assertDay(bad, 'day'), (error: Error) => error instanceof RangeError && error.message.includes(`"${bad}"`));
    }
  });

  it('matches people by id or UPN in any case, and refuses an empty one', () => {
    assert.equal(personKey('  Abbie@Contoso.COM '), 'abbie@contoso.com');
    assert.throws(() => personKey(' '), /empty/);
    assert.deepEqual(peopleKeys(['AA11', 'aa11', '', 'B@x.com']), ['aa11', 'b@x.com']);
    assert.equal(namesPerson(['AA11'], 'aa11'), true);
    assert.equal(namesPerson(['aa1'], 'aa11'), false);
  });

  it('orders newest first: by day, then start with no start last, then call id', () => {
    const calls = [
      historyCall('a', '2025-03-01', { minute: 10 }),
      historyCall('b', '2025-03-02', { minute: null }),
      historyCall('c', '2025-03-02', { minute: 5 }),
      historyCall('d', '2025-03-02', { minute: 50 }),
      historyCall('e', '2025-03-02', { minute: null }),
    ];
    assert.deepEqual([...calls].sort(newestFirst).map((call) => call.callId), ['d', 'c', 'e', 'b', 'a']);
  });

  it('takes the person out of the people even when the scrub leaves them in, and refuses a scrub that returns nothing', () => {
    const record = historyCall('c1', '2025-03-01', { people: ['aa11', 'Abbie@contoso.com', 'bb22'] });
    const scrubbed = scrubbedRecord(record, 'abbie@contoso.com', (call) => ({ summary: 'x', people: call.people }));
    assert.deepEqual(scrubbed, { ...record, summary: 'x', people: ['aa11', 'bb22'] });
    assert.throws(() => scrubbedRecord(record, 'aa11', () => undefined as never), /must return both/);
  });
});
