import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { AppPackageError, buildAppPackage, parsePackageArguments } from '../../scripts/package-app';
import { EnvironmentError, placeholdersIn } from '../../scripts/env-file';
import { knownManifestVersions, newestManifestVersion, validateManifest } from '../../scripts/teams-manifest-schema';
import { CHAT_COMMANDS } from '../../src/alerts';
import { readRepoFile, repoRoot } from './project-files';
import JSZip from 'jszip';

interface Command {
  title: string;
  description?: string;
}

interface Manifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  accentColor: string;
  icons: { color: string; outline: string };
  bots: Array<{ botId: string; scopes: string[]; supportsFiles: boolean; isNotificationOnly: boolean; commandLists: Array<{ scopes: string[]; commands: Command[] }> }>;
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
}

const template = readRepoFile('appPackage/manifest.json');
const manifest = JSON.parse(template) as Manifest;

/** Values the toolkit would have written to env/.env.dev after `atk provision --env dev`. */
const provisioned = {
  TEAMS_APP_ID: randomUUID(),
  BOT_ID: randomUUID(),
  GRAPH_CLIENT_ID: randomUUID(),
  BOT_DOMAIN: 'callqualitydev-ab12cd34.azurewebsites.net',
};

/** A copy of env/.env.dev with the provisioned values filled in, in a temporary folder. */
function provisionedEnvDir(values: Record<string, string | undefined> = provisioned): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-env-'));
  let text = readRepoFile('env/.env.dev');
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    assert.match(text, line, `env/.env.dev lists ${name}`);
    text = value === undefined ? text.replace(line, '') : text.replace(line, `${name}=${value}`);
  }
  writeFileSync(path.join(dir, '.env.dev'), text);
  return dir;
}

/**
 * The bot's chat commands by the words a user types before any argument (a placeholder in
 * capitals, `file:`, or choices such as `7d|30d`): `recent N` is "recent", `check file:NAME.json`
 * is "check", `my calls 7d|30d` is "my calls".
 */
const COMMAND_TITLES = [
  ...new Set(
    CHAT_COMMANDS.map((command) => {
      const words = command.name.split(' ');
      const firstArgument = words.findIndex((word) => /^[A-Z][A-Z0-9.|-]*$/.test(word) || word.includes(':') || word.includes('|'));
      return words.slice(0, firstArgument < 0 ? undefined : firstArgument).join(' ');
    }),
  ),
];

describe('Teams app manifest', () => {
  it('is on the newest manifest schema @microsoft/app-manifest knows', () => {
    const newest = newestManifestVersion();
    assert.ok(knownManifestVersions().length > 10, 'the package ships the released schemas');
    assert.equal(manifest.manifestVersion, newest);
    assert.equal(manifest.$schema, `https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`);
  });

  it('has the version of package.json (Teams needs a new version for every change)', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    assert.equal(manifest.version, pkg.version);
  });

  it('validates against its schema once the toolkit placeholders are filled in', async () => {
    const filled = template.replace(/\$\{\{(\w+)\}\}/g, (_whole, name: string) => {
      const known: Record<string, string> = { ...provisioned, APP_NAME_SUFFIX: '-dev', PUBLISHER_NAME: 'Contoso IT', PUBLISHER_WEBSITE_URL: 'https://contoso.example/', PUBLISHER_PRIVACY_URL: 'https://contoso.example/privacy', PUBLISHER_TERMS_URL: 'https://contoso.example/terms' };
      assert.ok(name in known, `a value for \${{${name}}}`);
      return known[name]!;
    });
    assert.deepEqual(await validateManifest(JSON.parse(filled) as Record<string, unknown>), []);
  });

  it('is refused by the schema when a placeholder is left in (so validation is not a no-op)', async () => {
    const errors = await validateManifest(JSON.parse(template) as Record<string, unknown>);
    assert.ok(errors.some((error) => error.startsWith('/id ')), errors.join('\n'));
  });

  it('takes its ids from the toolkit environment: app, bot, Graph app and domain', () => {
    assert.equal(manifest.id, '${{TEAMS_APP_ID}}');
    assert.equal(manifest.bots[0]!.botId, '${{BOT_ID}}');
    assert.deepEqual(manifest.validDomains, ['${{BOT_DOMAIN}}']);
    // TeamsAppInstallation.ReadWriteSelfForUser.All lets the Graph app install "itself": the app
    // whose Entra id is in webApplicationInfo.
    assert.equal(manifest.webApplicationInfo.id, '${{GRAPH_CLIENT_ID}}');
    assert.equal(manifest.webApplicationInfo.resource, 'api://${{BOT_DOMAIN}}/botid-${{BOT_ID}}');
  });

  it('is a conversational bot in personal chats, teams and group chats, that sends files (the export, in personal chats)', () => {
    const [bot] = manifest.bots;
    assert.deepEqual([...bot!.scopes].sort(), ['groupChat', 'personal', 'team']);
    // Without it Teams refuses the file consent card: the only way a bot can send a file to a chat.
    assert.equal(bot!.supportsFiles, true);
    assert.equal(bot!.isNotificationOnly, false);
  });

  it('lists the chat commands per scope, at most 10 each, alert here/off only in teams', () => {
    const lists = manifest.bots[0]!.commandLists;
    assert.deepEqual(lists.map((list) => list.scopes.join()).sort(), ['groupChat', 'personal', 'team']);
    for (const list of lists) {
      assert.ok(list.commands.length <= 10, `${list.scopes.join()} has ${list.commands.length} commands; Teams shows at most 10`);
      for (const command of list.commands) {
        assert.ok(COMMAND_TITLES.includes(command.title), `"${command.title}" is not a chat command of the bot (src/alerts/chat-command.ts)`);
        assert.ok(command.title.length <= 32 && (command.description ?? '').length <= 128, `"${command.title}" fits the Teams limits (32/128)`);
      }
      assert.equal(new Set(list.commands.map((command) => command.title)).size, list.commands.length, 'no command twice in a list');
    }
    const listed = new Set(lists.flatMap((list) => list.commands.map((command) => command.title)));
    assert.deepEqual(
      [...COMMAND_TITLES].sort(),
      ['alert here', 'alert off', 'check', 'export', 'help', 'last call', 'mute', 'my calls', 'profile', 'recent', 'report', 'set threshold', 'status', 'thresholds', 'top', 'trends', 'unmute', 'user'],
    );
    assert.deepEqual(COMMAND_TITLES.filter((command) => !listed.has(command)), [], 'every chat command is listed somewhere');
    for (const list of lists) {
      const inChannel = list.commands.some((command) => command.title.startsWith('alert '));
      assert.equal(inChannel, list.scopes.includes('team'), `alert here/off belong to channels only (${list.scopes.join()})`);
    }
  });

  it('uses only placeholders env/.env.dev and env/.env.local define', () => {
    for (const envName of ['dev', 'local']) {
      const envText = readRepoFile(`env/.env.${envName}`);
      for (const name of placeholdersIn(template)) {
        assert.match(envText, new RegExp(`^${name}=`, 'm'), `env/.env.${envName} defines ${name}`);
      }
    }
  });
});

describe('Teams app icons', () => {
  const color = PNG.sync.read(readFileSync(path.join(repoRoot, 'appPackage', manifest.icons.color)));
  const outline = PNG.sync.read(readFileSync(path.join(repoRoot, 'appPackage', manifest.icons.outline)));

  it('color.png is 192×192 and fully opaque, in the accent colour', () => {
    assert.equal(color.width, 192);
    assert.equal(color.height, 192);
    for (let i = 3; i < color.data.length; i += 4) assert.equal(color.data[i], 255, 'no transparent pixel in the colour icon');
    const hex = `#${[0, 1, 2].map((c) => color.data[(191 * 192 + 96) * 4 + c]!.toString(16).padStart(2, '0')).join('')}`;
    assert.equal(hex.toUpperCase(), manifest.accentColor.toUpperCase(), 'the bottom edge of the icon is the accent colour');
  });

  it('outline.png is 32×32, white on transparent and nothing else', () => {
    assert.equal(outline.width, 32);
    assert.equal(outline.height, 32);
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = [outline.data[i], outline.data[i + 1], outline.data[i + 2], outline.data[i + 3]];
      if (a === 0) transparent++;
      else assert.deepEqual([r, g, b], [255, 255, 255], `pixel ${i / 4} is not white`);
      if (a === 255) opaque++;
    }
    assert.ok(transparent > 32 * 32 * 0.4, 'mostly transparent');
    assert.ok(opaque > 32 * 32 * 0.1, 'has a visible white shape');
  });
});

describe('npm run package (scripts/package-app.ts)', () => {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('zips manifest.json, color.png and outline.png with every placeholder filled in from env/.env.dev', async () => {
    const envDir = provisionedEnvDir();
    dirs.push(envDir);
    const outDir = tempDir('cqb-out-');
    const result = await buildAppPackage({ rootDir: repoRoot, envName: 'dev', envDir, outDir });
    assert.equal(result.zipPath, path.join(outDir, 'appPackage.dev.zip'));
    const files = await readZip(readFileSync(result.zipPath));
    assert.deepEqual(files.map((file) => file.name), ['manifest.json', 'color.png', 'outline.png']);
    const packaged = files[0]!.data.toString('utf8');
    assert.doesNotMatch(packaged, /\$\{\{/, 'no unresolved placeholder');
    const parsed = JSON.parse(packaged) as Manifest & { name: { short: string }; developer: { name: string } };
    assert.equal(parsed.id, provisioned.TEAMS_APP_ID);
    assert.equal(parsed.bots[0]!.botId, provisioned.BOT_ID);
    assert.equal(parsed.webApplicationInfo.id, provisioned.GRAPH_CLIENT_ID);
    assert.deepEqual(parsed.validDomains, [provisioned.BOT_DOMAIN]);
    assert.equal(parsed.name.short, 'Call Quality Bot-dev');
    assert.deepEqual(await validateManifest(parsed as unknown as Record<string, unknown>), []);
    assert.ok(files[1]!.data.equals(readFileSync(path.join(repoRoot, 'appPackage', 'color.png'))));
    assert.ok(files[2]!.data.equals(readFileSync(path.join(repoRoot, 'appPackage', 'outline.png'))));
    assert.equal(readFileSync(result.manifestPath, 'utf8'), packaged, 'manifest.dev.json is the packaged manifest');
  });

  it('gives the same bytes for the same inputs (reproducible packages)', async () => {
    const envDir = provisionedEnvDir();
    dirs.push(envDir);
    const first = await buildAppPackage({ rootDir: repoRoot, envName: 'dev', envDir, outDir: tempDir('cqb-out-') });
    const second = await buildAppPackage({ rootDir: repoRoot, envName: 'dev', envDir, outDir: tempDir('cqb-out-') });
    assert.ok(readFileSync(first.zipPath).equals(readFileSync(second.zipPath)));
  });

  it('refuses an icon path that leaves appPackage/', async () => {
    const envDir = provisionedEnvDir();
    dirs.push(envDir);
    const rootDir = tempDir('cqb-root-');
    cpSync(path.join(repoRoot, 'appPackage'), path.join(rootDir, 'appPackage'), { recursive: true });
    writeFileSync(path.join(rootDir, 'secret.png'), readFileSync(path.join(repoRoot, 'appPackage', 'color.png')));
    const manifestFile = path.join(rootDir, 'appPackage', 'manifest.json');
    const template = JSON.parse(readFileSync(manifestFile, 'utf8')) as { icons: Record<string, string> };
    template.icons.color = '../secret.png';
    writeFileSync(manifestFile, JSON.stringify(template));
    await assert.rejects(buildAppPackage({ rootDir, envName: 'dev', envDir, outDir: tempDir('cqb-out-') }), /icons\.color is "\.\.\/secret\.png", which is not a file in appPackage/);
  });

  it('lets variables given to it (the shell, for the CLI) win over the file, like the toolkit', async () => {
    const envDir = provisionedEnvDir();
    dirs.push(envDir);
    const outDir = tempDir('cqb-out-');
    const result = await buildAppPackage({ rootDir: repoRoot, envName: 'dev', envDir, outDir, overrides: { APP_NAME_SUFFIX: '-test', UNRELATED: undefined } });
    const parsed = JSON.parse(readFileSync(result.manifestPath, 'utf8')) as { name: { short: string } };
    assert.equal(parsed.name.short, 'Call Quality Bot-test');
  });

  it('names a variable the environment file does not define', async () => {
    const envDir = provisionedEnvDir({ ...provisioned, BOT_DOMAIN: undefined });
    dirs.push(envDir);
    await assert.rejects(buildAppPackage({ rootDir: repoRoot, envName: 'dev', envDir, outDir: tempDir('cqb-out-') }), (error: Error) => {
      assert.ok(error instanceof EnvironmentError);
      assert.match(error.message, /\$\{\{BOT_DOMAIN\}\}/);
      assert.match(error.message, /\.env\.dev/);
      return true;
    });
  });

  it('refuses a manifest that is not provisioned yet (empty ids), listing the schema errors', async () => {
    const envDir = provisionedEnvDir({ TEAMS_APP_ID: '', BOT_ID: '', GRAPH_CLIENT_ID: '', BOT_DOMAIN: '' });
    dirs.push(envDir);
    const outDir = tempDir('cqb-out-');
    await assert.rejects(buildAppPackage({ rootDir: repoRoot, envName: 'dev', envDir, outDir }), (error: Error) => {
      assert.ok(error instanceof AppPackageError);
      assert.match(error.message, /atk provision --env dev/);
      assert.match(error.message, /\/id must match pattern/);
      return true;
    });
    assert.equal(existsSync(path.join(outDir, 'appPackage.dev.zip')), false, 'no package is written');
  });

  it('refuses an unknown environment, naming the missing file', async () => {
    await assert.rejects(buildAppPackage({ rootDir: repoRoot, envName: 'nowhere', outDir: tempDir('cqb-out-') }), /There is no .*\.env\.nowhere/);
  });

  it('reads --env, --env-dir and --out, and refuses anything else', () => {
    assert.deepEqual(parsePackageArguments(['--env', 'prod', '--out=build/x']), { envName: 'prod', outDir: 'build/x' });
    assert.throws(() => parsePackageArguments(['--env']), /--env needs a value/);
    assert.throws(() => parsePackageArguments(['--zip', 'x']), /Unknown option "--zip"/);
  });

  it('runs as a command and writes appPackage.<env>.zip', async function () {
    this.timeout(30_000);
    const envDir = provisionedEnvDir();
    dirs.push(envDir);
    const outDir = tempDir('cqb-out-');
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'package-app.ts'), '--env', 'dev', '--env-dir', envDir, '--out', outDir], {
      encoding: 'utf8',
      cwd: repoRoot,
      env: { PATH: process.env.PATH },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /appPackage\.dev\.zip \(manifest\.json, color\.png, outline\.png\)/);
    assert.deepEqual((await readZip(readFileSync(path.join(outDir, 'appPackage.dev.zip')))).map((file) => file.name), ['manifest.json', 'color.png', 'outline.png']);
  });
});

/** The files of a ZIP archive, in order, read with JSZip. */
async function readZip(archive: Buffer): Promise<Array<{ name: string; data: Buffer }>> {
  const zip = await JSZip.loadAsync(archive);
  const files = Object.values(zip.files).filter((entry) => !entry.dir);
  return Promise.all(files.map(async (entry) => ({ name: entry.name, data: await entry.async('nodebuffer') })));
}
