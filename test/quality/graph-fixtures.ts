import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonObject } from '../../src/quality';

/**
 * The shared Graph fixtures (`../shared/fixtures/graph` next to the repository). They live outside
 * the repository, so this is the one place that knows where.
 */
export const GRAPH_FIXTURES = resolve(__dirname, '../../../shared/fixtures/graph');

/** The path of a fixture file. */
export function fixturePath(name: string): string {
  return join(GRAPH_FIXTURES, name);
}

/** A fixture, parsed. */
export function loadFixture(name: string): JsonObject {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as JsonObject;
}
