import { parse } from 'csv-parse/sync';
import { BuildingFileError } from './building-file-error';
import { BuildingMap, type BuildingNetwork } from './building-map';
import { formatAddress, networkOf, parseAddress } from './network-address';

/**
 * The columns of CQD's building file, in order (learn.microsoft.com, "Upload tenant and building
 * data in Call Quality Dashboard"). The file has no header row.
 */
export const BUILDING_FILE_COLUMNS = [
  'NetworkIP',
  'NetworkName',
  'NetworkRange',
  'BuildingName',
  'OwnershipType',
  'BuildingType',
  'BuildingOfficeType',
  'City',
  'ZipCode',
  'Country',
  'State',
  'Region',
  'InsideCorp',
  'ExpressRoute',
  'VPN',
] as const;

type Column = (typeof BUILDING_FILE_COLUMNS)[number];

/** A record as csv-parse gives it with `info`: the fields, and the line it ended on. */
interface ParsedLine {
  record: string[];
  info: { lines: number };
}

/** Files written before CQD added the optional VPN column have 14 columns; VPN is then 0, as CQD defaults it. */
const COLUMNS_WITHOUT_VPN = BUILDING_FILE_COLUMNS.length - 1;

const AFTER_CLOSING_QUOTE = 'a quoted value goes on after its closing quote (inside quotes, write a quote as "")';

/** What csv-parse's quoting errors mean for someone editing the file. */
const QUOTE_PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote opens here and is never closed',
  CSV_INVALID_CLOSING_QUOTE: AFTER_CLOSING_QUOTE,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: AFTER_CLOSING_QUOTE,
  CSV_INVALID_OPENING_QUOTE: 'a quote in the middle of a value (quote the whole value, and write a quote inside it as "")',
};

/**
 * Reads a building file as CQD accepts it: TSV or CSV (the first line decides), no header row,
 * 15 columns (14 without VPN), `NetworkIP` a network address with `NetworkRange` its prefix length,
 * IPv4 or IPv6, `InsideCorp`, `ExpressRoute` (and `VPN`) 0 or 1. Ranges may nest (the longest
 * match wins when placing), but the same network twice is refused.
 *
 * Throws {@link BuildingFileError} for the first line that is wrong, naming the line, the column and
 * what was wrong.
 */
export function parseBuildingFile(text: string): BuildingMap {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  let rows: ParsedLine[];
  try {
    // With `info`, csv-parse gives each record with where it ended; its types only know plain records.
    rows = parse(text, {
      delimiter: firstLine.includes('\t') ? '\t' : ',',
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      info: true,
    }) as unknown as ParsedLine[];
  } catch (error) {
    const { lines, column, code } = error as { lines?: number; column?: number | string; code?: string };
    const name = typeof column === 'number' ? columnName(column) : null;
    throw new BuildingFileError(lines ?? 0, name, QUOTE_PROBLEMS[code ?? ''] ?? `${(error as Error).message}: check the quotes on this line`);
  }
  if (rows.length === 0) throw new BuildingFileError(0, null, 'the file has no networks: a building file has one line per network and no header row');
  // csv-parse counts the line a record ends on; a value over several lines is refused, from its first line.
  return new BuildingMap(rows.map(({ record, info }) => networkOfLine(record, info.lines - newlinesIn(record))));
}

/**
 * The text of a building file's bytes: UTF-8 (with or without a byte order mark), or UTF-16 with
 * its byte order mark, as Excel saves "Unicode text". Throws {@link BuildingFileError} for
 * anything else, so a binary file is refused rather than read as nonsense.
 */
export function decodeBuildingFile(bytes: Uint8Array): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new BuildingFileError(0, null, 'the file is not text (UTF-8, or UTF-16 with a byte order mark): save it as CSV or tab-separated text');
  }
}

function networkOfLine(record: string[], line: number): BuildingNetwork {
  if (record.length > BUILDING_FILE_COLUMNS.length) {
    throw new BuildingFileError(line, columnName(BUILDING_FILE_COLUMNS.length), `the line has ${record.length} columns, a building file has ${BUILDING_FILE_COLUMNS.length} (NetworkIP to VPN)`);
  }
  if (record.length < COLUMNS_WITHOUT_VPN) {
    throw new BuildingFileError(line, columnName(record.length), `missing: the line has ${record.length} of the ${BUILDING_FILE_COLUMNS.length} columns (NetworkIP to VPN)`);
  }
  const value = (column: Column): string => record[BUILDING_FILE_COLUMNS.indexOf(column)] ?? '';
  const text = (column: Column): string | null => value(column) || null;
  record.forEach((field, index) => {
    if (/[\r\n]/.test(field)) throw new BuildingFileError(line, columnName(index), 'the value runs over several lines: check the quotes on this line');
  });
  const ip = value('NetworkIP');
  const address = parseAddress(ip);
  if (!address) throw new BuildingFileError(line, 'NetworkIP', addressProblem(ip, line));
  const prefixLength = prefixLengthOf(value('NetworkRange'), address.family, line);
  const network = networkOf(address, prefixLength);
  if (network !== address.value) {
    const expected = formatAddress(address.family, network);
    throw new BuildingFileError(line, 'NetworkIP', `"${ip}" has host bits set for a /${prefixLength} network: write its network address, ${expected}`);
  }
  return {
    line,
    family: address.family,
    address: formatAddress(address.family, network),
    prefixLength,
    networkName: text('NetworkName'),
    buildingName: text('BuildingName'),
    ownershipType: text('OwnershipType'),
    buildingType: text('BuildingType'),
    buildingOfficeType: text('BuildingOfficeType'),
    city: text('City'),
    zipCode: text('ZipCode'),
    country: text('Country'),
    state: text('State'),
    region: text('Region'),
    insideCorp: bit(value('InsideCorp'), 'InsideCorp', line, true),
    expressRoute: bit(value('ExpressRoute'), 'ExpressRoute', line, true),
    vpn: bit(value('VPN'), 'VPN', line, false),
  };
}

function addressProblem(ip: string, line: number): string {
  if (ip === '') return 'is empty: every line needs the network address';
  if (line === 1 && /^network/i.test(ip)) return `"${ip}" looks like a header: a building file has no header row, its first line is a network`;
  if (ip.includes('/')) return `"${ip}" is not an IP address: write the address alone and its prefix length in NetworkRange`;
  return `"${ip}" is not an IPv4 or IPv6 address`;
}

function prefixLengthOf(text: string, family: 'ipv4' | 'ipv6', line: number): number {
  const max = family === 'ipv4' ? 32 : 128;
  const length = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(length <= max)) {
    const what = text === '' ? 'is empty:' : `"${text}" is not`;
    throw new BuildingFileError(line, 'NetworkRange', `${what} a prefix length for an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} network (0 to ${max})`);
  }
  return length;
}

function bit(text: string, column: Column, line: number, required: boolean): boolean {
  if (text === '1') return true;
  if (text === '0' || (text === '' && !required)) return false;
  throw new BuildingFileError(line, column, text === '' ? 'is empty: it must be 0 or 1' : `"${text}" is not 0 or 1`);
}

function newlinesIn(record: readonly string[]): number {
  return record.reduce((sum, field) => sum + field.split('\n').length - 1, 0);
}

function columnName(index: number): string {
  return BUILDING_FILE_COLUMNS[index] ?? String(index + 1);
}
