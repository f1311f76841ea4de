/**
 * `npm run stage:webapp`: prepares the folder the Agents Toolkit zip-deploys to App Service
 * (`azureAppService/zipDeploy` in m365agents.yml): the compiled server (dist/src), package.json
 * without dev dependencies or scripts, the lock file, and production dependencies installed with
 * `npm ci --omit=dev`. Deploying the working tree instead would ship the test tools (Azurite,
 * Playwright, TypeScript) to every instance.
 *
 * Run `npm run build` first. Options: --out <dir> (default .deployment/webapp), --no-install.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where to stage from and to. */
export interface StageOptions {
  /** The repository root (holds package.json and dist/). */
  rootDir: string;
  /** Output folder, emptied first; default `<rootDir>/.deployment/webapp`. */
  outDir?: string;
  /** Run `npm ci --omit=dev` in the output folder (default true). */
  install?: boolean;
}

/** Thrown when staging cannot proceed; the message says what to do. */
export class StageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageError';
  }
}

/** Stages the web app and returns the output folder. */
export function stageWebApp(options: StageOptions): string {
  const rootDir = path.resolve(options.rootDir);
  const outDir = path.resolve(rootDir, options.outDir ?? path.join('.deployment', 'webapp'));
  const compiled = path.join(rootDir, 'dist', 'src', 'index.js');
  if (!existsSync(compiled)) throw new StageError(`${compiled} does not exist: run \`npm run build\` first.`);
  const lockFile = path.join(rootDir, 'package-lock.json');
  if (!existsSync(lockFile)) throw new StageError(`${lockFile} does not exist: run \`npm install\` once to create it.`);
  if (outDir === rootDir || rootDir.startsWith(outDir + path.sep)) {
    throw new StageError(`The output folder ${outDir} would contain the project itself; pick a folder inside it, e.g. .deployment/webapp.`);
  }

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'dist'), { recursive: true });
  cpSync(path.join(rootDir, 'dist', 'src'), path.join(outDir, 'dist', 'src'), {
    recursive: true,
    filter: (source) => !source.endsWith('.map'),
  });

  const manifest = JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const { devDependencies: _dev, scripts: _scripts, ...production } = manifest;
  // App Service runs the start command itself (appCommandLine, the same heap flags); `npm start` would rebuild (prestart).
  const start = (manifest.scripts as Record<string, string> | undefined)?.start ?? 'node dist/src/index.js';
  production.scripts = { start };
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(production, null, 2)}\n`);
  cpSync(lockFile, path.join(outDir, 'package-lock.json'));

  if (options.install ?? true) {
    // --ignore-scripts: install scripts of the dependencies (botbuilder-dialogs runs `npx rimraf`)
    // are not needed at run time.
    const result = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: outDir,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (result.status !== 0) {
      throw new StageError(`\`npm ci --omit=dev\` failed in ${outDir} (exit ${result.status ?? result.signal}).`);
    }
  }
  return outDir;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  try {
    const outDir = stageWebApp({
      rootDir: path.resolve(__dirname, '..'),
      outDir: outIndex >= 0 ? args[outIndex + 1] : undefined,
      install: !args.includes('--no-install'),
    });
    process.stdout.write(`Staged the web app in ${outDir}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof StageError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(1);
  }
}
