import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository's root, whether this runs from source (`test/support`) or compiled (`dist/test/support`). */
export const REPO_ROOT = existsSync(path.join(__dirname, '../../package.json')) ? path.resolve(__dirname, '../..') : path.resolve(__dirname, '../../..');

/** `npm start`'s command (package.json), as the bot is run: node's flags, and the script (relative to the root). */
export interface StartCommand {
  nodeFlags: string[];
  script: string;
}

/** Reads `npm start`'s command; throws when it is not `node [--flag=value …] <script>`, which App Service's start command repeats. */
export function startCommand(): StartCommand {
  const start = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.trim().split(/\s+/);
  const script = words.at(-1)!;
  const nodeFlags = words.slice(1, -1);
  if (words[0] !== 'node' || nodeFlags.some((flag) => !flag.startsWith('--'))) throw new Error(`npm start is "${start}": expected node, its flags, then the script.`);
  return { nodeFlags, script };
}
