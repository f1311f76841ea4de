import { canonicalJson, DIGEST_CHUNK, digestable, digestTree } from './paged-golden-cases';

/** One place where today's value and the golden one differ: its path in the JSON and both values (shortened). */
export interface GoldenDifference {
  path: string;
  golden: string;
  today: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function shown(value: unknown, width = 400): string {
  if (value === undefined) return '(absent)';
  const text = canonicalJson(value);
  return text.length > width ? `${text.slice(0, width)}… (${text.length} chars)` : text;
}

/** Where two plain JSON values differ, deepest first found, at most `limit` places. */
export function differences(golden: unknown, today: unknown, limit = 12): GoldenDifference[] {
  const out: GoldenDifference[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= limit) return;
    if (canonicalJson(a) === canonicalJson(b)) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push({ path: `${path}.length`, golden: String(a.length), today: String(b.length) });
      for (let index = 0; index < Math.min(a.length, b.length); index++) walk(a[index], b[index], `${path}[${index}]`);
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[key], b[key], `${path}.${key}`);
      return;
    }
    out.push({ path, golden: shown(a), today: shown(b) });
  };
  walk(golden, today, '$');
  return out;
}

/**
 * Where today's value differs from a golden kept as digests ({@link digestTree}): the deepest
 * digested pieces that differ, with today's piece (the golden one is known only by its digest).
 */
export function digestDifferences(goldenTree: unknown, todayValue: unknown, limit = 12): GoldenDifference[] {
  const out: GoldenDifference[] = [];
  const walk = (tree: unknown, mine: unknown, value: unknown, path: string): void => {
    if (out.length >= limit || canonicalJson(tree) === canonicalJson(mine)) return;
    if (Array.isArray(tree) && Array.isArray(mine) && Array.isArray(value)) {
      if (tree.length !== mine.length) out.push({ path: `${path}.length`, golden: String(tree.length), today: String(mine.length) });
      for (let index = 0; index < Math.min(tree.length, mine.length); index++) walk(tree[index], mine[index], value[index], `${path}[${index}]`);
      return;
    }
    if (isObject(tree) && isObject(mine) && Array.isArray(tree.chunks) && Array.isArray(mine.chunks) && Array.isArray(value)) {
      if (tree.length !== mine.length) out.push({ path: `${path}.length`, golden: String(tree.length), today: String(mine.length) });
      const mineChunks: unknown[] = mine.chunks;
      tree.chunks.forEach((digest, index) => {
        if (out.length < limit && digest !== mineChunks[index]) {
          const start = index * DIGEST_CHUNK;
          out.push({ path: `${path}[${start}..${start + DIGEST_CHUNK - 1}]`, golden: `sha256 ${String(digest)}…`, today: shown(value.slice(start, start + DIGEST_CHUNK)) });
        }
      });
      return;
    }
    if (isObject(tree) && isObject(mine) && isObject(value)) {
      for (const key of [...new Set([...Object.keys(tree), ...Object.keys(mine)])].sort()) walk(tree[key], mine[key], value[key], `${path}.${key}`);
      return;
    }
    out.push({ path, golden: typeof tree === 'string' ? `sha256 ${tree}…` : shown(tree), today: shown(value) });
  };
  const plain = digestable(todayValue);
  walk(goldenTree, digestTree(plain), plain, '$');
  return out;
}

/** The differences as lines for an assertion's message. */
export function describeDifferences(what: string, found: readonly GoldenDifference[]): string {
  return [`${what} differs from the golden value (base build) at ${found.length} place(s):`, ...found.map((d) => `  ${d.path}\n    golden: ${d.golden}\n    today:  ${d.today}`)].join('\n');
}
