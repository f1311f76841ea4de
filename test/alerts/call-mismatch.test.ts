import assert from 'node:assert/strict';
import { mismatchLine, mismatchMarker, mismatchOf } from '../../src/alerts';

describe('mismatch between ratings and measurements', () => {
  it('flags a call rated bad or poor whose classified streams were all good', () => {
    assert.equal(mismatchOf('good', ['bad']), 'rated-low-measured-good');
    assert.equal(mismatchOf('good', ['excellent', 'poor']), 'rated-low-measured-good');
  });

  it('flags a poor call nobody rated (notRated and no answer are no rating)', () => {
    assert.equal(mismatchOf('poor', []), 'poor-not-rated');
    assert.equal(mismatchOf('poor', ['notRated', null]), 'poor-not-rated');
    assert.equal(mismatchOf('poor', ['unknownFutureValue']), 'poor-not-rated');
  });

  it('flags nothing when they agree or when nothing was measured', () => {
    assert.equal(mismatchOf('good', ['good', 'fair', 'notRated']), null, 'good and rated fair or better');
    assert.equal(mismatchOf('good', []), null, 'good and not rated');
    assert.equal(mismatchOf('poor', ['bad']), null, 'poor and rated bad');
    assert.equal(mismatchOf('poor', ['excellent']), null, 'poor but rated: someone answered');
    assert.equal(mismatchOf('unclassified', ['bad']), null, 'no stream classified: nothing to contradict');
  });

  it('says on the card what it means, and marks the recent row briefly', () => {
    assert.match(mismatchLine('rated-low-measured-good'), /^Mismatch: rated bad or poor, yet every measured stream was within the thresholds\. The thresholds or the network data may miss/);
    assert.match(mismatchLine('poor-not-rated'), /^Mismatch: the streams were poor, yet nobody rated the call\. The thresholds or the network data may mislead/);
    assert.equal(mismatchMarker('rated-low-measured-good'), '≠ rated low, measured good');
    assert.equal(mismatchMarker('poor-not-rated'), '≠ poor, nobody rated');
  });
});
