import assert from 'node:assert/strict';
import { BuildingFileError, decodeBuildingFile, parseBuildingFile } from '../../src/sites';

/** Microsoft's sample row (learn.microsoft.com, "Upload tenant and building data in CQD"). */
const SAMPLE = '192.168.1.0,USA/Seattle/SEATTLE-SEA-1,26,SEATTLE-SEA-1,Contoso,IT Termination,Engineering,Seattle,98001,US,WA,MSUS,1,0,0';

/** A line of 15 columns: the address, the range and the building, the rest as in the sample. */
function line(ip: string, range: string, building = 'HQ', bits = '1,0,0'): string {
  return `${ip},${building} net,${range},${building},Contoso,Office,Sales,Lyon,69001,FR,ARA,EMEA,${bits}`;
}

/** The message the file's first error gives. */
function errorOf(text: string): string {
  try {
    parseBuildingFile(text);
  } catch (error) {
    assert.ok(error instanceof BuildingFileError, `a BuildingFileError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the file was accepted');
}

describe('building file (CQD format)', () => {
  describe('reading', () => {
    it("reads Microsoft's sample row with every column in place", () => {
      const [network] = parseBuildingFile(SAMPLE).networks;
      assert.deepEqual(network, {
        line: 1,
        family: 'ipv4',
        address: '192.168.1.0',
        prefixLength: 26,
        networkName: 'USA/Seattle/SEATTLE-SEA-1',
        buildingName: 'SEATTLE-SEA-1',
        ownershipType: 'Contoso',
        buildingType: 'IT Termination',
        buildingOfficeType: 'Engineering',
        city: 'Seattle',
        zipCode: '98001',
        country: 'US',
        state: 'WA',
        region: 'MSUS',
        insideCorp: true,
        expressRoute: false,
        vpn: false,
      });
    });

    it('reads the same row tab-separated', () => {
      const [network] = parseBuildingFile(SAMPLE.split(',').join('\t')).networks;
      assert.equal(network?.networkName, 'USA/Seattle/SEATTLE-SEA-1');
      assert.equal(network?.prefixLength, 26);
      assert.equal(network?.region, 'MSUS');
    });

    it('keeps a comma inside quotes, trims spaces around values and reads empty strings as absent', () => {
      const text = '10.2.0.0, "Lyon, 2nd floor" ,24,,,,,Lyon,,FR,,,1,1,1';
      const [network] = parseBuildingFile(text).networks;
      assert.equal(network?.networkName, 'Lyon, 2nd floor');
      assert.equal(network?.buildingName, null);
      assert.equal(network?.zipCode, null);
      assert.deepEqual([network?.insideCorp, network?.expressRoute, network?.vpn], [true, true, true]);
    });

    it('accepts a 14-column line (written before CQD added VPN) with VPN off', () => {
      const [network] = parseBuildingFile('10.3.0.0,Old,16,Old site,,,,,,,,,0,1').networks;
      assert.equal(network?.vpn, false);
      assert.equal(network?.insideCorp, false);
      assert.equal(network?.expressRoute, true);
    });

    it('counts lines as an editor does: a byte order mark, CRLF and blank lines', () => {
      const text = `\uFEFF${line('10.1.0.0', '16')}\r\n\r\n${line('10.2.0.0', '16', 'Annex')}\r\n`;
      assert.deepEqual(parseBuildingFile(text).networks.map((n) => [n.line, n.buildingName]), [
        [1, 'HQ'],
        [3, 'Annex'],
      ]);
      assert.equal(errorOf(`${line('10.1.0.0', '16')}\r\n\r\n${line('10.2.0.0', '33')}\r\n`), 'line 3, column NetworkRange: "33" is not a prefix length for an IPv4 network (0 to 32)');
    });

    it('reads IPv6 networks in canonical form, however they are written', () => {
      const map = parseBuildingFile([line('2001:0DB8:0001:0000::', '48'), line('fd00:0:0:12::', '64', 'Lab')].join('\n'));
      assert.deepEqual(map.networks.map((n) => [n.family, n.address, n.prefixLength]), [
        ['ipv6', '2001:db8:1::', 48],
        ['ipv6', 'fd00:0:0:12::', 64],
      ]);
    });

    it('counts networks by family and distinct buildings', () => {
      const map = parseBuildingFile([line('10.1.0.0', '16'), line('10.1.5.0', '24'), line('2001:db8::', '32'), line('10.9.0.0', '16', 'Annex')].join('\n'));
      assert.deepEqual(map.counts(), { networks: 4, ipv4: 3, ipv6: 1, buildings: 2 });
    });

    it('decodes UTF-8 and the UTF-16 Excel saves as "Unicode text"', () => {
      const text = `${line('10.1.0.0', '16', 'Zürich')}\n`;
      assert.equal(decodeBuildingFile(new TextEncoder().encode(text)), text);
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      assert.equal(parseBuildingFile(decodeBuildingFile(utf16)).networks[0]?.buildingName, 'Zürich');
      assert.throws(() => decodeBuildingFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xc3, 0x28])), /is not text/);
    });
  });

  describe('errors name the line, the column and what was wrong', () => {
    const cases: Array<[string, string, string]> = [
      ['a prefix too long for IPv4', line('10.0.0.0', '33'), 'line 1, column NetworkRange: "33" is not a prefix length for an IPv4 network (0 to 32)'],
      ['a prefix too long for IPv6', line('2001:db8::', '129'), 'line 1, column NetworkRange: "129" is not a prefix length for an IPv6 network (0 to 128)'],
      ['a prefix that is not a number', line('10.0.0.0', 'x24'), 'line 1, column NetworkRange: "x24" is not a prefix length for an IPv4 network (0 to 32)'],
      ['a negative prefix', line('10.0.0.0', '-1'), 'line 1, column NetworkRange: "-1" is not a prefix length for an IPv4 network (0 to 32)'],
      ['a fractional prefix', line('10.0.0.0', '24.5'), 'line 1, column NetworkRange: "24.5" is not a prefix length for an IPv4 network (0 to 32)'],
      ['an empty prefix', line('10.0.0.0', ''), 'line 1, column NetworkRange: is empty: a prefix length for an IPv4 network (0 to 32)'],
      ['host bits set (IPv4)', line('10.1.2.5', '24'), 'line 1, column NetworkIP: "10.1.2.5" has host bits set for a /24 network: write its network address, 10.1.2.0'],
      ['host bits set (IPv6)', line('2001:db8:1:2::', '48'), 'line 1, column NetworkIP: "2001:db8:1:2::" has host bits set for a /48 network: write its network address, 2001:db8:1::'],
      ['an address in CIDR form', line('10.1.0.0/16', '16'), 'line 1, column NetworkIP: "10.1.0.0/16" is not an IP address: write the address alone and its prefix length in NetworkRange'],
      ['IPv4 shorthand', line('10.1', '16'), 'line 1, column NetworkIP: "10.1" is not an IPv4 or IPv6 address'],
      ['an octet over 255', line('10.256.0.0', '16'), 'line 1, column NetworkIP: "10.256.0.0" is not an IPv4 or IPv6 address'],
      ['an IPv6 zone', line('fe80::%eth0', '64'), 'line 1, column NetworkIP: "fe80::%eth0" is not an IPv4 or IPv6 address'],
      ['no address', line('', '16'), 'line 1, column NetworkIP: is empty: every line needs the network address'],
      ['a header row', `NetworkIP,NetworkName,NetworkRange,BuildingName,OwnershipType,BuildingType,BuildingOfficeType,City,ZipCode,Country,State,Region,InsideCorp,ExpressRoute,VPN\n${SAMPLE}`, 'line 1, column NetworkIP: "NetworkIP" looks like a header: a building file has no header row, its first line is a network'],
      ['InsideCorp not a bit', line('10.0.0.0', '8', 'HQ', 'yes,0,0'), 'line 1, column InsideCorp: "yes" is not 0 or 1'],
      ['InsideCorp empty', line('10.0.0.0', '8', 'HQ', ',0,0'), 'line 1, column InsideCorp: is empty: it must be 0 or 1'],
      ['ExpressRoute not a bit', line('10.0.0.0', '8', 'HQ', '1,2,0'), 'line 1, column ExpressRoute: "2" is not 0 or 1'],
      ['VPN not a bit', line('10.0.0.0', '8', 'HQ', '1,0,true'), 'line 1, column VPN: "true" is not 0 or 1'],
      ['too many columns', `${line('10.0.0.0', '8')},extra`, 'line 1, column 16: the line has 16 columns, a building file has 15 (NetworkIP to VPN)'],
      ['too few columns', '10.0.0.0,HQ net,8,HQ,Contoso,Office,Sales,Lyon,69001,FR,ARA,EMEA,1', 'line 1, column ExpressRoute: missing: the line has 13 of the 15 columns (NetworkIP to VPN)'],
      ['a value over two lines', `${line('10.0.0.0', '8')}\n10.1.0.0,"HQ\nnet",16,HQ,,,,,,,,,1,0,0`, 'line 2, column NetworkName: the value runs over several lines: check the quotes on this line'],
      ['an empty file', '\n\n', 'the file has no networks: a building file has one line per network and no header row'],
    ];
    for (const [name, text, message] of cases) {
      it(name, () => assert.equal(errorOf(text), message));
    }

    it('an unclosed quote names the line it opens on', () => {
      assert.match(errorOf(`${line('10.0.0.0', '8')}\n10.1.0.0,"HQ net,16,HQ,,,,,,,,,1,0,0\n`), /^line 2, column NetworkName: a quote opens here and is never closed$/);
    });

    it('a stray quote names the line and the column', () => {
      assert.match(errorOf(`${line('10.0.0.0', '8')}\n${line('10.1.0.0', '16')}\n10.2.0.0,"HQ" net,16,HQ,,,,,,,,,1,0,0`), /^line 3, column NetworkName: a quoted value goes on after its closing quote \(inside quotes, write a quote as ""\)$/);
    });

    it('a network given twice names both lines, also when written differently', () => {
      assert.equal(errorOf([line('10.1.0.0', '16'), line('10.2.0.0', '16'), line('10.1.0.0', '16', 'Annex')].join('\n')), 'line 3, column NetworkIP: 10.1.0.0/16 is already on line 1: each network may appear once');
      assert.equal(errorOf([line('2001:db8:1::', '48'), line('2001:0db8:0001:0::', '48')].join('\n')), 'line 2, column NetworkIP: 2001:db8:1::/48 is already on line 1: each network may appear once');
    });

    it('the same address with another prefix length is another network (a supernet and its subnet)', () => {
      assert.equal(parseBuildingFile([line('10.1.0.0', '16'), line('10.1.0.0', '24', 'Floor 1')].join('\n')).networks.length, 2);
    });
  });
});
