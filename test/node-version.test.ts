import assert from 'node:assert/strict';
import { nodeVersionProblem, REQUIRED_NODE, supportsNodeVersion } from '../src/node-version';

describe('Node.js version check of the entry points', () => {
  it('accepts the versions with node:sqlite built in without a flag: 22.13+, 23.4+, 24 and later', () => {
    for (const version of ['22.13.0', 'v22.23.3', '23.4.0', '24.0.0', '25.1.0']) assert.equal(supportsNodeVersion(version), true, version);
  });

  it('refuses older versions and those where node:sqlite still needs --experimental-sqlite', () => {
    for (const version of ['18.20.4', '20.20.2', '21.7.3', '22.5.0', '22.12.0', '23.3.0']) assert.equal(supportsNodeVersion(version), false, version);
  });

  it('explains in one line which Node is needed, which one is running and how to get the right one', () => {
    const line = nodeVersionProblem('v20.20.2');
    assert.ok(line);
    assert.doesNotMatch(line, /\n/);
    assert.ok(line.includes(REQUIRED_NODE), 'names the Node it needs');
    assert.ok(line.includes('20.20.2'), 'names the Node in use');
    assert.match(line, /npm start/);
    assert.match(line, /node_modules\/\.bin\/node/);
    assert.match(line, /https:\/\/nodejs\.org/);
    assert.equal(nodeVersionProblem(process.versions.node), undefined, 'the Node running this suite is fine');
  });
});
