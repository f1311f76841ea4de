import assert from 'node:assert/strict';
import { alertDue, failuresOf } from '../../src/alerts';
import type { CallFailure } from '../../src/quality';

const DROP: CallFailure = { sessionId: 's', stage: 'midcall', reason: null, caller: { id: null, displayName: null, service: false }, callee: { id: null, displayName: null, service: true } };

describe('the alert decision', () => {
  it('follows the report\'s alert whatever ALERT_FAILURES says', () => {
    for (const failures of [true, false]) {
      assert.equal(alertDue({ alert: true, failures: [] }, { failures }), true);
      assert.equal(alertDue({ alert: false, failures: [] }, { failures }), false);
    }
  });

  it('alerts on a failed session on its own only with ALERT_FAILURES on', () => {
    assert.equal(alertDue({ alert: false, failures: [DROP] }, { failures: true }), true);
    assert.equal(alertDue({ alert: false, failures: [DROP] }, { failures: false }), false);
  });

  it('reads a report stored before failures were read as one without failures', () => {
    assert.deepEqual(failuresOf({}), []);
    assert.equal(alertDue({ alert: false }, { failures: true }), false);
  });
});
