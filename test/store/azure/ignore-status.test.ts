import assert from 'node:assert/strict';
import { RestError } from '@azure/storage-blob';
import { ignoreStatus, landed } from '../../../src/store/azure/ignore-status';

const failing = (statusCode: number) => Promise.reject(new RestError(`HTTP ${statusCode}`, { statusCode }));

describe('Azure: statuses that mean something specific', () => {
  it('turns only the named statuses into undefined', async () => {
    assert.equal(await ignoreStatus(failing(404), [404]), undefined);
    assert.equal(await ignoreStatus(Promise.resolve('row'), [404]), 'row');
    await assert.rejects(ignoreStatus(failing(403), [404]), /HTTP 403/);
    await assert.rejects(ignoreStatus(Promise.reject(new Error('socket hang up')), [404]), /socket hang up/);
  });

  it('reads a conditional write that lost the race as false, and any other failure as an error', async () => {
    assert.equal(await landed(Promise.resolve()), true);
    for (const status of [404, 409, 412]) assert.equal(await landed(failing(status)), false);
    assert.equal(await landed(failing(409), [409]), false);
    await assert.rejects(landed(failing(412), [409]), /HTTP 412/);
    await assert.rejects(landed(failing(500)), /HTTP 500/);
  });
});
