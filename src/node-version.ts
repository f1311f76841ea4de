/**
 * The Node.js check the entry points (`src/index.ts`, `src/cli/index.ts`) import FIRST, before
 * anything loads `node:sqlite`: on an older Node the bot would otherwise die with a stack trace
 * (`ERR_UNKNOWN_BUILTIN_MODULE: node:sqlite`) that does not say which Node it needs.
 *
 * This file must stay loadable by old Node versions: no imports, no syntax newer than ES2017. (The
 * entry points themselves parse on Node 14 and later, which bounds how old a Node gets this line.)
 */

/** The oldest Node.js the bot runs on, in words (`node:sqlite` without a flag: 22.13+, 23.4+, 24+). */
export const REQUIRED_NODE = '22.13 or later';

/**
 * Whether this Node.js version can run the bot: `node:sqlite` is built in without
 * `--experimental-sqlite` from 22.13 on the 22 line and from 23.4 on.
 */
export function supportsNodeVersion(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 22) return minor >= 13;
  if (major === 23) return minor >= 4;
  return major > 23;
}

/**
 * The one line to print when this Node.js cannot run the bot, or undefined when it can.
 * It names the version in use, the one needed and the two ways to get it.
 */
export function nodeVersionProblem(version: string): string | undefined {
  if (supportsNodeVersion(version)) return undefined;
  return (
    `call-quality-bot needs Node.js ${REQUIRED_NODE}, but this is Node.js ${version.replace(/^v/, '')}: ` +
    'use `npm start` or `npm run cli -- ...` (they run on the Node 22 that `npm install` put in node_modules/.bin), ' +
    'run node_modules/.bin/node instead of node, or install Node.js 22 from https://nodejs.org.'
  );
}

// The check itself: an entry point imports this module for this side effect, before anything else.
const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
