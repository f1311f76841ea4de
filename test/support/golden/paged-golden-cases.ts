import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The cases of the page-by-page golden values, shared by the script that computes them from an
 * older build (make-paged-golden.ts) and the test that checks today's code against them
 * (test/ingest/paged-golden.test.ts). Nothing here imports the code under test, so the script can
 * run against another checkout's sources.
 */

/** The tenant, call id, source and clock every case is assessed and stored under. */
export const GOLDEN_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const GOLDEN_CALL_ID = 'golden-call';
export const GOLDEN_SOURCE = 'notification';
export const GOLDEN_NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
/** Sessions per page, as Graph's sessions pages come to the worker. */
export const GOLDEN_PAGE_SIZE = 60;

/** Every network on 10.x is in one building, so the summary and history name places. */
export function goldenPlace({ subnet, ip }: { subnet?: string | null; ip?: string | null }): { buildingName: string; networkName: string } | null {
  return (subnet ?? ip ?? '').startsWith('10.') ? { buildingName: 'HQ', networkName: 'Floor 1' } : null;
}

/** A record made by bench/records.ts `generateCallRecord(sessions, seed)`. */
export interface GeneratedCase {
  kind: 'generated';
  name: string;
  sessions: number;
  seed: number;
}

/** A shared Graph fixture (a call record), with the sessions page it links to or is put together with. */
export interface FixtureCase {
  kind: 'fixture';
  name: string;
  record: string;
  /** The sessions page merged after the record's own sessions (its `sessions@odata.nextLink`, or the page the base's tests put under a basic record). */
  page?: string;
}

export type GoldenCase = GeneratedCase | FixtureCase;

/** Above this many sessions a case's golden values are kept as sha256 digests of their canonical JSON, not in full. */
export const FULL_VALUES_UP_TO = 130;

export const GOLDEN_CASES: readonly GoldenCase[] = [
  { kind: 'fixture', name: 'callrecord-beta-basic', record: 'callrecord-beta-basic.json' },
  { kind: 'fixture', name: 'callrecord-v1-basic', record: 'callrecord-v1-basic.json' },
  { kind: 'fixture', name: 'callrecord-beta-expanded', record: 'callrecord-beta-expanded.json', page: 'sessions-page-with-segments.json' },
  { kind: 'fixture', name: 'callrecord-v1-expanded-2024', record: 'callrecord-v1-expanded-2024.json', page: 'sessions-page-with-segments.json' },
  { kind: 'fixture', name: 'callrecord-v1-expanded-lowercase-nextlink', record: 'callrecord-v1-expanded-lowercase-nextlink.json', page: 'sessions-page-with-segments.json' },
  // The basic records have no sessions of their own; the base's tests (fixtures.test.ts, call-history-of.test.ts) put a page under them.
  { kind: 'fixture', name: 'callrecord-v1-basic+sessions-page-with-segments', record: 'callrecord-v1-basic.json', page: 'sessions-page-with-segments.json' },
  { kind: 'fixture', name: 'callrecord-beta-basic+sessions-page', record: 'callrecord-beta-basic.json', page: 'sessions-page.json' },
  { kind: 'generated', name: 'generated-1', sessions: 1, seed: 3 },
  { kind: 'generated', name: 'generated-45', sessions: 45, seed: 7 },
  { kind: 'generated', name: 'generated-130', sessions: 130, seed: 2026 },
  { kind: 'generated', name: 'generated-400', sessions: 400, seed: 400 },
  { kind: 'generated', name: 'generated-1000', sessions: 1000, seed: 1000 },
];

type Json = Record<string, unknown>;

/** Pages of `size` sessions, each after the first starting with the last session of the page before, and the first session once more at the end (Graph repeats some). */
export function pagesOf(sessions: readonly unknown[], size: number): unknown[][] {
  const pages: unknown[][] = [];
  for (let start = 0; start < sessions.length; start += size) pages.push([...(start > 0 ? [sessions[start - 1]] : []), ...sessions.slice(start, start + size)]);
  if (sessions.length > 0) pages.push([sessions[0]]);
  return pages;
}

/**
 * The record as the base build's Graph client gave it (5477af2, graph/call-record-fetch.ts): the
 * record's fields, its own sessions then each page's, a session whose id was seen already passed
 * over, the next links dropped.
 */
export function mergedRecord(first: Json, pages: readonly (readonly unknown[])[]): Json {
  const sessions: unknown[] = [];
  const seen = new Set<string>();
  for (const page of [Array.isArray(first.sessions) ? first.sessions : [], ...pages]) {
    for (const session of page) {
      if (typeof session !== 'object' || session === null || Array.isArray(session)) continue;
      const id = (session as Json).id;
      if (typeof id === 'string') {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      sessions.push(session);
    }
  }
  const record: Json = { ...first };
  for (const key of ['sessions@odata.nextLink', 'sessions@odata.nextlink', 'participants_v2@odata.nextLink', 'participants_v2@odata.nextlink']) delete record[key];
  record.sessions = sessions;
  return record;
}

/** The value with every object's keys sorted and `undefined` members left out, as JSON (what is compared is content, not key order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortedKeys(item)));
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Json)[key];
    if (item !== undefined) out[key] = sortedKeys(item);
  }
  return out;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What is compared for one case, streams as plain objects (never packed). */
export interface GoldenParts {
  /** The stored report's fields but its summary (report compact, streams plain). */
  stored: unknown;
  /** The stored report's summary (the cards' summary, compact, streams plain). */
  summary: unknown;
  /** The history as the store keeps it: encoded text, people, start. */
  history: { summary: string; people: unknown; startedAt: unknown };
}

export const PART_NAMES = ['stored', 'summary', 'history'] as const;

/** One part's golden value: in full, or its digest and a tree of digests of its pieces (see {@link digestTree}) to tell where a difference is. */
export interface GoldenPart {
  sha256: string;
  value?: unknown;
  digests?: unknown;
}

/** One case's golden entry: the input's digest, and each part in full (small cases) or as the sha256 of its canonical JSON. */
export interface GoldenEntry {
  case: GoldenCase;
  /** sha256 of the canonical JSON of the merged record the base build scored (each session once). */
  inputSha256: string;
  sessionsInRecord: number;
  parts: Record<(typeof PART_NAMES)[number], GoldenPart>;
}

/** The golden file: where the values came from, and one entry per case. */
export interface GoldenFile {
  about: string;
  baseCommit: string;
  generator: string;
  pageSize: number;
  now: number;
  tenantId: string;
  callId: string;
  entries: GoldenEntry[];
}

/** The golden entry of one case's parts. */
export function goldenEntryOf(goldenCase: GoldenCase, record: Json, parts: GoldenParts): GoldenEntry {
  const full = goldenCase.kind === 'fixture' || goldenCase.sessions <= FULL_VALUES_UP_TO;
  const entry = (value: unknown): GoldenPart => {
    const text = canonicalJson(value);
    return full ? { sha256: sha256(text), value: JSON.parse(text) as unknown } : { sha256: sha256(text), digests: digestTree(digestable(value)) };
  };
  return {
    case: goldenCase,
    inputSha256: sha256(canonicalJson(record)),
    sessionsInRecord: Array.isArray(record.sessions) ? record.sessions.length : 0,
    parts: { stored: entry(parts.stored), summary: entry(parts.summary), history: entry(parts.history) },
  };
}

/** A case's record as it comes from Graph: the first answer (the record's fields and its own sessions, if any) and each further page of sessions. */
export function casePages(goldenCase: GoldenCase, fixtures: string, generate: (sessions: number, seed: number) => Json): { first: Json; pages: unknown[][] } {
  if (goldenCase.kind === 'generated') {
    const { sessions, ...own } = generate(goldenCase.sessions, goldenCase.seed);
    return { first: own, pages: pagesOf(sessions as unknown[], GOLDEN_PAGE_SIZE) };
  }
  const load = (name: string) => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as Json;
  const page = goldenCase.page ? load(goldenCase.page).value : undefined;
  return { first: load(goldenCase.record), pages: Array.isArray(page) ? [page] : [] };
}

/** The record the base build scored for a case: its pages merged as the base's Graph client merged them. */
export function recordOfCase(goldenCase: GoldenCase, fixtures: string, generate: (sessions: number, seed: number) => Json): Json {
  const { first, pages } = casePages(goldenCase, fixtures, generate);
  return mergedRecord(first, pages);
}

/** The value as its pieces are digested: a history's encoded text (JSON) read as JSON, so a difference is told by position. */
export function digestable(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const summary = (value as Json).summary;
  if (typeof summary !== 'string') return value;
  try {
    return { ...value, summary: JSON.parse(summary) as unknown };
  } catch {
    return value;
  }
}

/** Array entries per digest when an array is longer than that. */
export const DIGEST_CHUNK = 25;

/**
 * Digests of a value's pieces, down to `depth` levels: an object's members, an array's entries (a
 * long array's entries {@link DIGEST_CHUNK} at a time, as `{ length, chunks }`), each piece below that
 * as the first 16 hex digits of the sha256 of its canonical JSON.
 */
export function digestTree(value: unknown, depth = 4): unknown {
  const short = (piece: unknown) => sha256(canonicalJson(piece)).slice(0, 16);
  if (depth === 0 || typeof value !== 'object' || value === null) return short(value);
  if (Array.isArray(value)) {
    if (value.length <= DIGEST_CHUNK) return value.map((item) => digestTree(item, depth - 1));
    const chunks: string[] = [];
    for (let start = 0; start < value.length; start += DIGEST_CHUNK) chunks.push(short(value.slice(start, start + DIGEST_CHUNK)));
    return { length: value.length, chunks };
  }
  const out: Json = {};
  for (const key of Object.keys(value).sort()) if ((value as Json)[key] !== undefined) out[key] = digestTree((value as Json)[key], depth - 1);
  return out;
}

