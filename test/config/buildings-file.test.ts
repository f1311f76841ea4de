import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig: BUILDINGS_FILE', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'cqb-buildings-'));
    writeFileSync(path.join(folder, 'good.csv'), '10.1.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0\n2001:db8:10::,HQ v6,48,HQ Building,,,,,,,,,1,0,0\n10.2.0.0,Annex,16,Annex,,,,,,,,,1,0,0\n');
    writeFileSync(path.join(folder, 'broken.csv'), '10.1.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0\n10.2.0.0,Annex,33,Annex,,,,,,,,,1,0,0\n');
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  /** The error loadConfig throws for the variable. */
  function refusal(value: string): ConfigError {
    try {
      loadConfig({ BUILDINGS_FILE: value }, folder);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error;
    }
    assert.fail(`BUILDINGS_FILE=${value} was accepted`);
  }

  it('without it, places no endpoint', () => {
    const { buildings } = loadConfig({});
    assert.equal(buildings.file, undefined);
    assert.equal(buildings.map.place({ ip: '10.1.2.3', subnet: null }), null);
  });

  it('reads the file relative to the working folder and places endpoints by it', () => {
    const { buildings } = loadConfig({ BUILDINGS_FILE: 'good.csv' }, folder);
    assert.equal(buildings.file, path.join(folder, 'good.csv'));
    assert.deepEqual(buildings.map.counts(), { networks: 3, ipv4: 2, ipv6: 1, buildings: 2 });
    assert.equal(buildings.map.place({ ip: '10.2.9.9', subnet: null })?.buildingName, 'Annex');
    assert.equal(buildings.map.place({ ip: '2001:db8:10::7', subnet: null })?.buildingName, 'HQ Building');
  });

  it('a wrong line stops start-up with one line naming the file, the line and the column', () => {
    const error = refusal('broken.csv');
    assert.equal(error.variable, 'BUILDINGS_FILE');
    assert.equal(error.message, `Configuration error: BUILDINGS_FILE ${path.join(folder, 'broken.csv')}: line 2, column NetworkRange: "33" is not a prefix length for an IPv4 network (0 to 32)`);
  });

  it('a file that cannot be read stops start-up, naming it', () => {
    const error = refusal('missing.csv');
    assert.equal(error.variable, 'BUILDINGS_FILE');
    assert.match(error.message, new RegExp(`^Configuration error: BUILDINGS_FILE ${escape(path.join(folder, 'missing.csv'))}: cannot read it: ENOENT`));
    assert.doesNotMatch(error.message, /\n/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
