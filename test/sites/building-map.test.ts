import assert from 'node:assert/strict';
import { BuildingFileError, BuildingMap, parseBuildingFile } from '../../src/sites';

/** A campus with nested ranges (supernet, building, floor), a /32 VPN address, a guest network outside corp, and IPv6. */
const FILE = [
  '10.0.0.0,Campus,8,Campus,,,,,,,,,1,0,0',
  '10.1.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0',
  '10.1.2.0,HQ floor 2,24,HQ Building 2F,,,,,,,,,1,0,0',
  '10.1.2.77,VPN,32,VPN,,,,,,,,,1,0,1',
  '192.168.50.0,Guest Wi-Fi,24,HQ Building,,,,,,,,,0,0,0',
  '2001:db8:10::,HQ v6,48,HQ Building,,,,,,,,,1,0,0',
  '2001:db8:10:20::,HQ v6 lab,64,Lab,,,,,,,,,1,0,0',
].join('\n');

describe('building map: placing endpoints', () => {
  const map = parseBuildingFile(FILE);
  const where = (ip: string | null, subnet: string | null = null) => {
    const network = map.place({ ip, subnet });
    return network && [network.buildingName, network.networkName, network.line];
  };

  it('picks the longest range that holds the address', () => {
    assert.deepEqual(where('10.1.2.9'), ['HQ Building 2F', 'HQ floor 2', 3]);
    assert.deepEqual(where('10.1.3.9'), ['HQ Building', 'HQ LAN', 2]);
    assert.deepEqual(where('10.200.0.1'), ['Campus', 'Campus', 1]);
    assert.deepEqual(where('10.1.2.77'), ['VPN', 'VPN', 4]);
    assert.deepEqual(where('10.1.2.78'), ['HQ Building 2F', 'HQ floor 2', 3]);
  });

  it('places the first and last address of a range in it, and the next one out', () => {
    assert.deepEqual(where('10.1.2.0'), ['HQ Building 2F', 'HQ floor 2', 3]);
    assert.deepEqual(where('10.1.2.255'), ['HQ Building 2F', 'HQ floor 2', 3]);
    assert.deepEqual(where('10.255.255.255'), ['Campus', 'Campus', 1]);
    assert.equal(where('11.0.0.0'), null);
    assert.equal(where('9.255.255.255'), null);
  });

  it('places IPv6 addresses, and an IPv4-mapped IPv6 address as its IPv4 address', () => {
    assert.deepEqual(where('2001:db8:10:20::5'), ['Lab', 'HQ v6 lab', 7]);
    assert.deepEqual(where('2001:db8:10:21::5'), ['HQ Building', 'HQ v6', 6]);
    assert.deepEqual(where('2001:DB8:0010:0000:0000:0000:0000:0001'), ['HQ Building', 'HQ v6', 6]);
    assert.equal(where('2001:db8:11::1'), null);
    assert.deepEqual(where('::ffff:10.1.2.9'), ['HQ Building 2F', 'HQ floor 2', 3]);
  });

  it('says whether the network is inside corp, as the file does', () => {
    assert.equal(map.place({ ip: '192.168.50.20', subnet: null })?.insideCorp, false);
    assert.equal(map.place({ ip: '10.1.3.1', subnet: null })?.insideCorp, true);
    assert.equal(map.place({ ip: '10.1.2.77', subnet: null })?.vpn, true);
  });

  it('uses the subnet when the address is absent, not an address, or in no range', () => {
    assert.deepEqual(where(null, '10.1.2.0'), ['HQ Building 2F', 'HQ floor 2', 3]);
    assert.deepEqual(where('not an address', '10.1.0.0'), ['HQ Building', 'HQ LAN', 2]);
    assert.deepEqual(where('172.16.0.4', '10.1.0.0'), ['HQ Building', 'HQ LAN', 2]);
    assert.deepEqual(where('10.1.2.9', '10.1.0.0'), ['HQ Building 2F', 'HQ floor 2', 3], 'the address wins when it is in a range');
    assert.equal(where(null, null), null);
    assert.equal(where('', ''), null);
  });

  it('an empty map places nothing', () => {
    assert.equal(BuildingMap.empty().place({ ip: '10.1.2.9', subnet: '10.1.2.0' }), null);
    assert.deepEqual(BuildingMap.empty().counts(), { networks: 0, ipv4: 0, ipv6: 0, buildings: 0 });
  });

  it('a /0 range holds every address of its family only', () => {
    const everything = parseBuildingFile('0.0.0.0,Anywhere,0,Internet,,,,,,,,,0,0,0');
    assert.equal(everything.place({ ip: '203.0.113.9', subnet: null })?.buildingName, 'Internet');
    assert.equal(everything.place({ ip: '2001:db8::1', subnet: null }), null);
  });

  it('refuses networks given to it directly that repeat, naming both lines', () => {
    const [first] = map.networks;
    assert.throws(() => new BuildingMap([first!, { ...first!, line: 9 }]), (error: unknown) => error instanceof BuildingFileError && error.message === 'line 9, column NetworkIP: 10.0.0.0/8 is already on line 1: each network may appear once');
  });

  it('places 200,000 endpoints in a 10,000-network file in under 2 seconds (about 1 µs each when the machine is idle)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i += 1) lines.push(`10.${(i >> 8) & 255}.${i & 255}.0,Net ${i},24,Building ${i % 400},,,,,,,,,1,0,0`);
    lines.push('10.0.0.0,Campus,8,Campus,,,,,,,,,1,0,0', '2001:db8::,v6,32,V6,,,,,,,,,1,0,0');
    const big = parseBuildingFile(lines.join('\n'));
    const started = performance.now();
    let placed = 0;
    for (let i = 0; i < 200_000; i += 1) {
      if (big.place({ ip: `10.${(i >> 8) & 63}.${i & 255}.${i & 127}`, subnet: null })) placed += 1;
    }
    const elapsed = performance.now() - started;
    assert.equal(placed, 200_000);
    assert.equal(big.place({ ip: '10.39.15.3', subnet: null })?.networkName, `Net ${39 * 256 + 15}`);
    assert.ok(elapsed < 2_000, `took ${Math.round(elapsed)} ms`);
  });
});
