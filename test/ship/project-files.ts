import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvText } from '../../scripts/env-file';
import { envSchema } from '../../src/config/env-schema';

/** The repository root. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** A file of the repository as text. */
export function readRepoFile(relativePath: string): string {
  return readFileSync(path.join(repoRoot, relativePath), 'utf8');
}

/** The environment variables the bot reads: the keys of the configuration's schema (src/config/env-schema.ts). */
export function configVariableNames(): string[] {
  return Object.keys(envSchema.shape);
}

/** A bicep `param`: its name and whether it has a default value. */
export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
}

/** The top-level `param` declarations of a bicep file. */
export function bicepParams(bicep: string): BicepParam[] {
  return [...bicep.matchAll(/^param (\w+) (\w+)( =)?/gm)].map((match) => ({
    name: match[1]!,
    type: match[2]!,
    hasDefault: match[3] !== undefined,
  }));
}

/** The names of a bicep file's `output` declarations. */
export function bicepOutputs(bicep: string): string[] {
  return [...bicep.matchAll(/^output (\w+) /gm)].map((match) => match[1]!);
}

/** The web app's app settings in a bicep file: name and the bicep expression of its value. */
export function bicepAppSettings(bicep: string): Map<string, string> {
  const start = bicep.indexOf('appSettings: [');
  if (start < 0) throw new Error('The bicep file has no `appSettings: [`.');
  const end = bicep.indexOf('\n      ]', start);
  const block = bicep.slice(start, end);
  const settings = new Map<string, string>();
  for (const match of block.matchAll(/name: '([^']+)'\s*\n\s*value: (.+)\n/g)) {
    settings.set(match[1]!, match[2]!.trim());
  }
  return settings;
}

/** The value of a bicep string literal without interpolation (`'azure'`), else undefined. */
export function bicepLiteral(expression: string): string | undefined {
  const match = /^'([^'$]*)'$/.exec(expression);
  return match ? match[1] : undefined;
}

/**
 * The variables of a committed environment file (`env/.env.<name>`), without the developer's own
 * `.env.<name>.user`, so that tests see what everyone gets.
 */
export function committedEnvironment(envName: string): Map<string, string> {
  return parseEnvText(readRepoFile(`env/.env.${envName}`), `env/.env.${envName}`);
}
