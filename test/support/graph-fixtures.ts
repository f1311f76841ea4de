import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { JsonObject } from '../../src/quality';

/** The repository's root: the nearest folder up from here with a package.json (works from `test/` under tsx and from `dist/test/`). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}: cannot find the repository root.`);
    dir = parent;
  }
  return dir;
}

/**
 * The shared Graph fixtures (`../shared/fixtures/graph` next to the repository). They live outside
 * the repository, so this is the one place that knows where.
 */
export const GRAPH_FIXTURES = resolve(repositoryRoot(), '../shared/fixtures/graph');

/** The path of a fixture file. */
export function fixturePath(name: string): string {
  return join(GRAPH_FIXTURES, name);
}

/** A fixture, parsed. */
export function loadFixture(name: string): JsonObject {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as JsonObject;
}
