/**
 * `npm run package [-- --env <name>]`: builds the Teams app package without the Agents Toolkit.
 * Fills the `${{NAME}}` placeholders of appPackage/manifest.json from env/.env.<name> (and
 * .env.<name>.user; variables of the shell win, as in the toolkit), validates the result against the
 * manifest schema shipped in @microsoft/app-manifest, and zips it with the icons into
 * appPackage/build/appPackage.<name>.zip (the resolved manifest goes to manifest.<name>.json).
 *
 * Options: --env <name> (default dev), --env-dir <dir> (default env), --out <dir>
 * (default appPackage/build).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, readEnvironment, resolvePlaceholders } from './env-file';
import { validateManifest } from './teams-manifest-schema';
import JSZip from 'jszip';

/** What to package and where. Paths are resolved against `rootDir`. */
export interface PackageOptions {
  /** The repository root (holds appPackage/ and env/). */
  rootDir: string;
  /** Environment name: reads `.env.<envName>`. */
  envName?: string;
  /** Folder of the environment files; default `<rootDir>/env`. */
  envDir?: string;
  /** Output folder; default `<rootDir>/appPackage/build`. */
  outDir?: string;
  /** Variables that override the files (the CLI passes `process.env`). */
  overrides?: Readonly<Record<string, string | undefined>>;
}

/** The files `buildAppPackage` wrote. */
export interface PackageResult {
  zipPath: string;
  manifestPath: string;
  /** The names inside the zip, in order. */
  entries: string[];
}

/** Thrown when the package cannot be built; the message names the problem and the fix. */
export class AppPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppPackageError';
  }
}

/** Builds `appPackage.<env>.zip` (manifest.json and the icons it names) and `manifest.<env>.json`. */
export async function buildAppPackage(options: PackageOptions): Promise<PackageResult> {
  const envName = options.envName ?? 'dev';
  const rootDir = path.resolve(options.rootDir);
  const appDir = path.join(rootDir, 'appPackage');
  const envDir = path.resolve(rootDir, options.envDir ?? 'env');
  const outDir = path.resolve(rootDir, options.outDir ?? path.join('appPackage', 'build'));

  const environment = readEnvironment(envDir, envName);
  const variables = new Map(environment.values);
  for (const [name, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) variables.set(name, value);
  }

  const template = readFileSync(path.join(appDir, 'manifest.json'), 'utf8');
  const resolvedText = resolvePlaceholders(
    template,
    variables,
    `appPackage/manifest.json (environment "${envName}": ${environment.files.map((file) => path.relative(rootDir, file)).join(', ')})`,
    (value) => JSON.stringify(value).slice(1, -1),
  );
  const manifest = JSON.parse(resolvedText) as Record<string, unknown>;
  const errors = await validateManifest(manifest);
  if (errors.length > 0) {
    throw new AppPackageError(
      `The manifest for environment "${envName}" does not match its schema (empty values in ${path.relative(rootDir, environment.files[0]!)}? run \`atk provision --env ${envName}\` first):\n  ${errors.join('\n  ')}`,
    );
  }

  const icons = manifest.icons as Record<string, string>;
  const entries: Array<{ name: string; data: Buffer }> = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') }];
  for (const key of ['color', 'outline', 'color32x32']) {
    const file = icons[key];
    if (file === undefined) continue;
    const iconPath = path.resolve(appDir, file);
    if (!iconPath.startsWith(appDir + path.sep) || !existsSync(iconPath)) {
      throw new AppPackageError(`The manifest's icons.${key} is "${file}", which is not a file in appPackage/.`);
    }
    entries.push({ name: file, data: readFileSync(iconPath) });
  }

  mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${envName}.zip`);
  const manifestPath = path.join(outDir, `manifest.${envName}.json`);
  writeFileSync(zipPath, await zipOf(entries));
  writeFileSync(manifestPath, entries[0]!.data);
  return { zipPath, manifestPath, entries: entries.map((entry) => entry.name) };
}

/** Parses `--env <name> --env-dir <dir> --out <dir>`. */
export function parsePackageArguments(args: readonly string[]): Pick<PackageOptions, 'envName' | 'envDir' | 'outDir'> {
  const options: Pick<PackageOptions, 'envName' | 'envDir' | 'outDir'> = {};
  const flags: Record<string, keyof typeof options> = { '--env': 'envName', '--env-dir': 'envDir', '--out': 'outDir' };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = flags[flag];
    const value = inline ?? args[i + 1];
    if (!key) throw new AppPackageError(`Unknown option "${args[i]}". Use --env <name>, --env-dir <dir> or --out <dir>.`);
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      throw new AppPackageError(`Option ${flag} needs a value.`);
    }
    options[key] = value;
    if (inline === undefined) i++;
  }
  return options;
}

async function main(): Promise<void> {
  const rootDir = path.resolve(__dirname, '..');
  const result = await buildAppPackage({ rootDir, ...parsePackageArguments(process.argv.slice(2)), overrides: process.env });
  process.stdout.write(`Wrote ${path.relative(process.cwd(), result.zipPath)} (${result.entries.join(', ')}) and ${path.relative(process.cwd(), result.manifestPath)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const known = error instanceof AppPackageError || error instanceof EnvironmentError || (error as Error).name === 'ManifestSchemaError';
    process.stderr.write(`${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(1);
  });
}

/** A fixed time for every entry, so that the same inputs give the same package bytes. */
const PACKAGE_ENTRY_DATE = new Date(Date.UTC(2020, 0, 1));

/** The package archive: the entries in order, deflated, with fixed times. */
async function zipOf(entries: ReadonlyArray<{ name: string; data: Buffer }>): Promise<Buffer> {
  const zip = new JSZip();
  for (const entry of entries) zip.file(entry.name, entry.data, { date: PACKAGE_ENTRY_DATE });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
}
