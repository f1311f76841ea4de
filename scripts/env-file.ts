/**
 * The Agents Toolkit's environment files (`env/.env.<name>`, secrets in `env/.env.<name>.user`)
 * and its `${{NAME}}` placeholders, read the way the toolkit reads them so that `npm run package`
 * builds the same app package as `atk package`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every `${{NAME}}` placeholder; the toolkit allows spaces inside the braces. */
export const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Thrown when an environment file or a placeholder cannot be resolved; the message says how to fix it. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/**
 * Parses dotenv text: `NAME=value` lines, `#` comments, optional `export `, values in single or
 * double quotes (double quotes understand `\n`), and ` #` comments after unquoted values.
 */
export function parseEnvText(text: string, source = 'environment file'): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new EnvironmentError(`${source}, line ${index + 1}: "${line}" is not of the form NAME=value.`);
    }
    const name = match[1]!;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    values.set(name, value);
  });
  return values;
}

/** The variables of one toolkit environment as files define them. */
export interface EnvironmentFiles {
  /** Values of `.env.<name>` and `.env.<name>.user` (the latter wins). */
  values: Map<string, string>;
  /** The files that were read, for error messages. */
  files: string[];
}

/**
 * Reads `<envDir>/.env.<name>` and, when present, `<envDir>/.env.<name>.user`. `TEAMSFX_ENV` is
 * the environment name unless a file sets it, as in the toolkit.
 */
export function readEnvironment(envDir: string, name: string): EnvironmentFiles {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new EnvironmentError(`"${name}" is not an environment name: use letters, digits, "-" or "_".`);
  }
  const main = path.join(envDir, `.env.${name}`);
  if (!existsSync(main)) {
    throw new EnvironmentError(`There is no ${main}: create it (copy env/.env.dev) or pick another environment with --env.`);
  }
  const values = new Map<string, string>([['TEAMSFX_ENV', name]]);
  const files = [main];
  for (const [key, value] of parseEnvText(readFileSync(main, 'utf8'), main)) values.set(key, value);
  const user = `${main}.user`;
  if (existsSync(user)) {
    files.push(user);
    for (const [key, value] of parseEnvText(readFileSync(user, 'utf8'), user)) values.set(key, value);
  }
  return { values, files };
}

/** The placeholder names used in a text, each once, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/**
 * Replaces every `${{NAME}}` in `text`. `escape` turns a value into what may stand in the text
 * (JSON string content, for a manifest). A name without a value is an error naming every missing
 * name; a value the toolkit encrypted (`crypto_…`) cannot be used outside the toolkit.
 */
export function resolvePlaceholders(
  text: string,
  variables: ReadonlyMap<string, string>,
  source: string,
  escape: (value: string) => string = (value) => value,
): string {
  const missing = placeholdersIn(text).filter((name) => variables.get(name) === undefined);
  if (missing.length > 0) {
    throw new EnvironmentError(
      `${source} uses ${missing.map((name) => `\${{${name}}}`).join(', ')} but no environment file or variable defines ${missing.length === 1 ? 'it' : 'them'}: add ${missing.join(', ')} to the environment file (or run \`atk provision\`, which writes them).`,
    );
  }
  const encrypted = placeholdersIn(text).filter((name) => variables.get(name)!.startsWith('crypto_'));
  if (encrypted.length > 0) {
    throw new EnvironmentError(`${source} uses ${encrypted.join(', ')}, which the Agents Toolkit stored encrypted: build this package with the toolkit instead.`);
  }
  return text.replace(PLACEHOLDER, (_whole, name: string) => escape(variables.get(name)!));
}
