import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseEnvText, placeholdersIn } from '../../scripts/env-file';
import { bicepOutputs, committedEnvironment, configVariableNames, readRepoFile, repoRoot } from './project-files';

/** One action of a lifecycle stage, as the toolkit's YAML schema describes it. */
interface Action {
  uses: string;
  name?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

interface ProjectFile {
  version: string;
  environmentFolderPath?: string;
  provision?: Action[];
  deploy?: Action[];
  publish?: Action[];
}

const STAGES = ['provision', 'deploy', 'publish'] as const;

/**
 * The newest project-file schema a released toolkit ships: @microsoft/m365agentstoolkit-cli 1.1.17
 * (the newest on npm when this was written) has resource/yaml-schema/v1.13/yaml.schema.json and
 * nothing newer (v1.14 exists only in the toolkit's source). The toolkit refuses a `version` it has
 * no schema for, so a newer one would stop every user's provision.
 */
const PUBLISHED_SCHEMA = { cli: '1.1.17', version: 'v1.13' };
/** The `# yaml-language-server` line pointing at that file in the published package (unpkg serves npm files). */
const SCHEMA_LINE = /^# yaml-language-server: \$schema=https:\/\/unpkg\.com\/@microsoft\/m365agentstoolkit-cli@(\d+\.\d+\.\d+)\/resource\/yaml-schema\/(v\d+\.\d+)\/yaml\.schema\.json$/;

/** Variables the toolkit sets itself, whatever the environment files say. */
const BUILT_IN = ['TEAMSFX_ENV'];

function loadProjectFile(file: string): { text: string; project: ProjectFile } {
  const text = readRepoFile(file);
  return { text, project: parse(text) as ProjectFile };
}

function actions(project: ProjectFile, stage: (typeof STAGES)[number]): Action[] {
  return project[stage] ?? [];
}

/** Every file an action reads whose `${{…}}` placeholders the toolkit fills in. */
function filesReadBy(action: Action): string[] {
  const withs = action.with ?? {};
  switch (action.uses) {
    case 'arm/deploy':
      return (withs.templates as Array<{ path: string; parameters?: string }>).flatMap((template) => (template.parameters ? [template.parameters] : []));
    case 'teamsApp/validateManifest':
    case 'teamsApp/zipAppPackage':
    case 'aadApp/update':
      return [withs.manifestPath as string];
    default:
      return [];
  }
}

/** The variables an action writes into the environment file. */
function outputsOf(action: Action): string[] {
  const written = Object.values(action.writeToEnvironmentFile ?? {});
  if (action.uses === 'arm/deploy') {
    for (const template of (action.with?.templates ?? []) as Array<{ path: string }>) written.push(...bicepOutputs(readRepoFile(template.path)));
  }
  if (action.uses === 'script') {
    for (const match of String(action.with?.run ?? '').matchAll(/::set-teamsfx-env (\w+)=/g)) written.push(match[1]!);
  }
  return written;
}

/**
 * Walks the stages in the order the toolkit runs them and checks that every placeholder an action
 * uses (in the YAML or in a file it reads) is set by the environment files or by an earlier action.
 * A variable some action writes must be written before it is read, even if the environment file
 * lists it empty.
 */
function checkVariables(file: string, envName: string): void {
  const { project } = loadProjectFile(file);
  assert.equal(path.normalize(project.environmentFolderPath ?? ''), 'env', `${file} keeps its environments in ./env`);
  const fromFiles = new Set([...committedEnvironment(envName).keys(), ...BUILT_IN]);
  const userExample = `env/.env.${envName}.user.example`;
  if (existsSync(path.join(repoRoot, userExample))) for (const name of parseEnvText(readRepoFile(userExample)).keys()) fromFiles.add(name);
  const writtenSomewhere = new Set(STAGES.flatMap((stage) => actions(project, stage).flatMap(outputsOf)));
  const written = new Set<string>();
  for (const stage of STAGES) {
    for (const [index, action] of actions(project, stage).entries()) {
      const used = new Set([
        ...placeholdersIn(JSON.stringify({ ...action, writeToEnvironmentFile: undefined })),
        ...filesReadBy(action).flatMap((read) => placeholdersIn(readRepoFile(read))),
      ]);
      for (const name of used) {
        const where = `${file} ${stage}[${index}] (${action.uses})`;
        if (writtenSomewhere.has(name)) {
          assert.ok(written.has(name), `${where} uses \${{${name}}} before the action that writes it`);
        } else {
          assert.ok(fromFiles.has(name), `${where} uses \${{${name}}}, which env/.env.${envName} does not define and no action writes`);
        }
      }
      for (const name of outputsOf(action)) written.add(name);
    }
  }
}

function usesInOrder(list: Action[], expected: string[]): void {
  let at = 0;
  for (const action of list) if (action.uses === expected[at]) at++;
  assert.equal(at, expected.length, `expected the actions ${expected.join(' → ')} in this order, got ${list.map((action) => action.uses).join(' → ')}`);
}

function fileEnv(action: Action | undefined): Record<string, unknown> {
  assert.ok(action, 'a file/createOrUpdateEnvironmentFile action writes the runtime settings');
  return (action.with as { envs: Record<string, unknown> }).envs;
}

describe('Agents Toolkit project files', () => {
  const files = ['m365agents.yml', 'm365agents.local.yml', 'm365agents.playground.yml'];

  it('declare one YAML schema version that the toolkit publishes, in the yaml-language-server line and in `version`', () => {
    const versions = files.map((file) => {
      const { text, project } = loadProjectFile(file);
      const schemaLine = SCHEMA_LINE.exec(text.split('\n')[0]!);
      assert.ok(schemaLine, `${file} starts with the yaml-language-server $schema line of a published Agents Toolkit CLI's schema`);
      assert.equal(schemaLine[1], PUBLISHED_SCHEMA.cli, `${file}: the $schema is the one of @microsoft/m365agentstoolkit-cli@${PUBLISHED_SCHEMA.cli}`);
      assert.equal(project.version, schemaLine[2], `${file}: version matches its $schema`);
      return project.version;
    });
    assert.deepEqual([...new Set(versions)], [PUBLISHED_SCHEMA.version], 'all three files use the published schema version');
  });

  it('m365agents.yml provisions the Teams app, the Graph app, the Azure resources and the package', () => {
    const { project } = loadProjectFile('m365agents.yml');
    usesInOrder(actions(project, 'provision'), [
      'teamsApp/create',
      'aadApp/create',
      'aadApp/update',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    const arm = actions(project, 'provision').find((action) => action.uses === 'arm/deploy')!;
    const [template] = arm.with!.templates as Array<{ path: string; parameters: string; deploymentName: string }>;
    assert.equal(template!.path, './infra/azure.bicep');
    assert.equal(template!.parameters, './infra/azure.parameters.json');
    assert.ok(template!.deploymentName);
    const graphApp = actions(project, 'provision').find((action) => action.uses === 'aadApp/create')!;
    assert.equal(graphApp.writeToEnvironmentFile!.clientId, 'GRAPH_CLIENT_ID');
    assert.equal(graphApp.writeToEnvironmentFile!.clientSecret, 'SECRET_GRAPH_CLIENT_SECRET');
  });

  it('create every Entra app with its service principal, as the toolkit\'s templates do (admin consent is granted to it)', () => {
    for (const file of files) {
      for (const action of actions(loadProjectFile(file).project, 'provision').filter((candidate) => candidate.uses === 'aadApp/create')) {
        assert.equal(action.with?.generateServicePrincipal, true, `${file}: aadApp/create "${String(action.with?.name)}" sets generateServicePrincipal: true`);
      }
    }
  });

  it('request exactly the Graph application permissions that docs/deploy.md tells admins to consent to', () => {
    const manifest = JSON.parse(readRepoFile('aad.manifest.json')) as { requiredResourceAccess: Array<{ resourceAppId: string; resourceAccess: Array<{ id: string; type: string }> }> };
    assert.deepEqual(manifest.requiredResourceAccess.map((resource) => resource.resourceAppId), ['Microsoft Graph']);
    const requested = manifest.requiredResourceAccess[0]!.resourceAccess;
    assert.ok(requested.every((permission) => permission.type === 'Role'), 'application permissions (Role), as client credentials need');
    const doc = readRepoFile('docs/deploy.md');
    const start = doc.indexOf('## 5. Grant admin consent');
    assert.ok(start >= 0, 'docs/deploy.md has the step "5. Grant admin consent"');
    const step = doc.slice(start, doc.indexOf('\n## ', start + 1));
    const documented = [...step.matchAll(/^\| `([A-Za-z]+(?:\.[A-Za-z]+)+)` \|/gm)].map((match) => match[1]!);
    assert.ok(documented.includes('CallRecords.Read.All'), 'the consent step lists CallRecords.Read.All');
    assert.deepEqual(requested.map((permission) => permission.id).sort(), [...documented].sort());
  });

  it('m365agents.yml deploys the built app to the web app that provision created, and publishes the package', () => {
    const { project } = loadProjectFile('m365agents.yml');
    usesInOrder(actions(project, 'deploy'), ['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    const zipDeploy = actions(project, 'deploy').find((action) => action.uses === 'azureAppService/zipDeploy')!;
    const [resourceVariable] = placeholdersIn(String(zipDeploy.with!.resourceId));
    assert.ok(bicepOutputs(readRepoFile('infra/azure.bicep')).includes(resourceVariable!), 'the web app resource id comes from an output of azure.bicep');
    usesInOrder(actions(project, 'publish'), ['teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/validateAppPackage', 'teamsApp/update', 'teamsApp/publishAppPackage']);
  });

  it('run only npm scripts that package.json has', () => {
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const file of files) {
      const { project } = loadProjectFile(file);
      for (const action of STAGES.flatMap((stage) => actions(project, stage))) {
        if (action.uses !== 'cli/runNpmCommand') continue;
        const [command, script] = String(action.with!.args).split(/\s+/);
        if (command === 'run') assert.ok(script && script in scripts, `${file} runs \`npm run ${script}\`; add "${script}" to package.json scripts`);
      }
    }
  });

  it('m365agents.local.yml registers a bot for the tunnel and writes the bot settings for a local run', () => {
    const { project } = loadProjectFile('m365agents.local.yml');
    usesInOrder(actions(project, 'provision'), ['teamsApp/create', 'aadApp/create', 'botFramework/create', 'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/update']);
    const bot = actions(project, 'provision').find((action) => action.uses === 'botFramework/create')!;
    assert.equal(bot.with!.botId, '${{BOT_ID}}');
    assert.equal(bot.with!.messagingEndpoint, '${{BOT_ENDPOINT}}/api/messages');
    assert.deepEqual(bot.with!.channels, [{ name: 'msteams' }]);
    const envs = fileEnv(actions(project, 'deploy').find((action) => action.uses === 'file/createOrUpdateEnvironmentFile'));
    const known = configVariableNames();
    for (const name of Object.keys(envs)) assert.ok(known.includes(name), `${name} in .localConfigs is not a variable of src/config/env-schema.ts`);
    assert.equal(envs.BOT_TYPE, 'SingleTenant');
    assert.equal(envs.BOT_PASSWORD, '${{SECRET_BOT_PASSWORD}}');
    assert.equal(envs.NOTIFICATION_URL, '${{BOT_ENDPOINT}}/api/notifications');
  });

  it('m365agents.playground.yml installs the playground and runs the bot without credentials', () => {
    const { project } = loadProjectFile('m365agents.playground.yml');
    assert.equal(project.provision, undefined, 'the playground needs nothing provisioned');
    const install = actions(project, 'deploy').find((action) => action.uses === 'devTool/install');
    assert.ok(install && (install.with as { testTool?: { version?: string } }).testTool?.version, 'devTool/install installs the Agents Playground (testTool)');
    const envs = fileEnv(actions(project, 'deploy').find((action) => action.uses === 'file/createOrUpdateEnvironmentFile'));
    const known = configVariableNames();
    for (const name of Object.keys(envs)) assert.ok(known.includes(name), `${name} in .localConfigs.playground is not a variable of src/config/env-schema.ts`);
    assert.equal(envs.BOT_ID, '', 'no BOT_ID: the bot accepts the playground’s unsigned requests');
    assert.equal(envs.STORE, 'sqlite');
  });

  for (const [file, envName] of [
    ['m365agents.yml', 'dev'],
    ['m365agents.local.yml', 'local'],
    ['m365agents.playground.yml', 'playground'],
  ] as const) {
    it(`${file}: every \${{VAR}} is set by env/.env.${envName} or by an earlier action`, () => {
      checkVariables(file, envName);
    });
  }

  it('point at files that exist', () => {
    for (const file of files) {
      const { project } = loadProjectFile(file);
      for (const action of STAGES.flatMap((stage) => actions(project, stage))) {
        const withs = action.with ?? {};
        const paths = [
          withs.manifestPath,
          ...((withs.templates ?? []) as Array<{ path: string; parameters?: string }>).flatMap((template) => [template.path, template.parameters]),
        ].filter((value): value is string => typeof value === 'string');
        for (const relative of paths) assert.ok(existsSync(path.join(repoRoot, relative)), `${file}: ${action.uses} reads ${relative}, which does not exist`);
      }
    }
  });

  it('keep secrets out of the committed environment files', () => {
    for (const envName of ['dev', 'local', 'playground']) {
      for (const [name, value] of committedEnvironment(envName)) {
        assert.ok(!name.startsWith('SECRET_'), `env/.env.${envName} holds ${name}; secrets go to env/.env.${envName}.user`);
        assert.ok(!/PASSWORD|CLIENT_STATE|CLIENT_SECRET/.test(name) || value === '', `env/.env.${envName} holds a value for ${name}`);
      }
    }
  });
});

/** VS Code's JSON with comments (launch.json, tasks.json): `//` comments dropped outside strings. */
function parseJsonWithComments(text: string): unknown {
  let plain = '';
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      plain += char;
      if (char === '\\') plain += text[++index] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '/' && text[index + 1] === '/') {
      while (index < text.length && text[index] !== '\n') index++;
      plain += '\n';
    } else {
      if (char === '"') inString = true;
      plain += char;
    }
  }
  return JSON.parse(plain);
}

interface LaunchFile {
  configurations: Array<{ name: string; type: string; request: string; port?: number; url?: string }>;
  compounds: Array<{ name: string; configurations: string[]; preLaunchTask: string }>;
}

interface Task {
  label: string;
  type?: string;
  command?: string;
  dependsOn?: string[];
  args?: { env?: string; prerequisites?: string[]; portOccupancy?: number[]; ports?: Array<{ portNumber: number; writeToEnvironmentFile?: Record<string, string> }> };
}

describe('VS Code debugging with the Agents Toolkit (.vscode)', () => {
  const launch = parseJsonWithComments(readRepoFile('.vscode/launch.json')) as LaunchFile;
  const tasks = (parseJsonWithComments(readRepoFile('.vscode/tasks.json')) as { tasks: Task[] }).tasks;
  const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
  const task = (label: string): Task => {
    const found = tasks.find((candidate) => candidate.label === label);
    assert.ok(found, `.vscode/tasks.json has the task "${label}"`);
    return found;
  };
  /** Every task a task runs, itself included, in order. */
  const chain = (label: string): Task[] => [task(label), ...(task(label).dependsOn ?? []).flatMap(chain)];
  /** The npm scripts the shell tasks of a chain run. */
  const npmScriptsOf = (label: string): string[] =>
    chain(label).flatMap((step) => (step.type === 'shell' ? [/^npm run ([\w:-]+)$/.exec(step.command ?? '')?.[1] ?? `(not an npm script: ${step.command})`] : []));
  /** The file an npm script gives `node --env-file`. */
  const envFileOf = (script: string): string | undefined => /--env-file=(\S+)/.exec(scripts[script] ?? '')?.[1];
  /** The target of the file/createOrUpdateEnvironmentFile action of a project file's deploy stage. */
  const writtenBy = (file: string): { target: string; envs: Record<string, unknown> } => {
    const action = actions(loadProjectFile(file).project, 'deploy').find((candidate) => candidate.uses === 'file/createOrUpdateEnvironmentFile');
    assert.ok(action, `${file} writes the bot's settings with file/createOrUpdateEnvironmentFile`);
    return action.with as { target: string; envs: Record<string, unknown> };
  };

  it('offer the toolkit template\'s debug targets: Agents Playground, and Teams in Edge and Chrome', () => {
    for (const name of ['Debug in Microsoft 365 Agents Playground', 'Debug in Teams (Edge)', 'Debug in Teams (Chrome)']) {
      const compound = launch.compounds.find((candidate) => candidate.name === name);
      assert.ok(compound, `.vscode/launch.json has "${name}"`);
      for (const configuration of compound.configurations) assert.ok(launch.configurations.some((candidate) => candidate.name === configuration), `"${name}" runs "${configuration}", which launch.json defines`);
      assert.ok(chain(compound.preLaunchTask).length > 1, `"${name}" starts with the task "${compound.preLaunchTask}" and what it depends on`);
    }
  });

  it('run the playground and local project files through the toolkit\'s provision and deploy tasks', () => {
    const teamsfx = (label: string) => chain(label).filter((step) => step.type === 'teamsfx' && (step.command === 'provision' || step.command === 'deploy'));
    assert.deepEqual(teamsfx('Start App in Microsoft 365 Agents Playground').map((step) => `${step.command} ${step.args?.env}`), ['deploy playground']);
    assert.deepEqual(teamsfx('Start App Locally').map((step) => `${step.command} ${step.args?.env}`), ['provision local', 'deploy local']);
    for (const env of ['playground', 'local']) {
      assert.ok(existsSync(path.join(repoRoot, `m365agents.${env}.yml`)), `m365agents.${env}.yml exists for --env ${env}`);
      assert.ok(existsSync(path.join(repoRoot, `env/.env.${env}`)), `env/.env.${env} exists`);
    }
  });

  it('start the bot with the settings file that the project file\'s deploy stage writes', () => {
    for (const [label, file] of [
      ['Start App in Microsoft 365 Agents Playground', 'm365agents.playground.yml'],
      ['Start App Locally', 'm365agents.local.yml'],
    ] as const) {
      const botScripts = npmScriptsOf(label).filter((script) => /dist\/src\/index\.js/.test(scripts[script] ?? ''));
      assert.equal(botScripts.length, 1, `"${label}" starts the bot once with an npm script (${npmScriptsOf(label).join(', ')})`);
      const written = path.normalize(writtenBy(file).target);
      assert.equal(path.normalize(envFileOf(botScripts[0]!) ?? ''), written, `npm run ${botScripts[0]} reads ${written}, which ${file} writes`);
    }
  });

  it('attach the debugger to the inspector port the bot scripts open, and check the ports they use', () => {
    const attach = launch.configurations.find((candidate) => candidate.name === 'Attach to Local Service');
    assert.ok(attach && attach.type === 'node' && attach.request === 'attach');
    for (const [label, file, envName] of [
      ['Start App in Microsoft 365 Agents Playground', 'm365agents.playground.yml', 'playground'],
      ['Start App Locally', 'm365agents.local.yml', 'local'],
    ] as const) {
      const botScript = npmScriptsOf(label).find((script) => /dist\/src\/index\.js/.test(scripts[script] ?? ''))!;
      assert.match(scripts[botScript]!, new RegExp(`--inspect=${attach.port}\\b`), `npm run ${botScript} opens the inspector on ${attach.port}`);
      const ports = chain(label).flatMap((step) => (step.command === 'debug-check-prerequisites' ? (step.args?.portOccupancy ?? []) : []));
      const portSetting = String(writtenBy(file).envs.PORT);
      const [variable] = placeholdersIn(portSetting);
      const botPort = Number(variable ? committedEnvironment(envName).get(variable) : portSetting);
      assert.ok(ports.includes(botPort), `"${label}" checks that the bot's port ${botPort} is free`);
      assert.ok(ports.includes(attach.port!), `"${label}" checks that the inspector port is free`);
    }
  });

  it('point the playground at the bot and open Teams on the app that m365agents.local.yml creates', () => {
    const playground = committedEnvironment('playground');
    const launchScript = npmScriptsOf('Start App in Microsoft 365 Agents Playground').find((script) => /m365agentsplayground/.test(scripts[script] ?? ''));
    assert.ok(launchScript, 'the playground task chain starts the Agents Playground');
    assert.equal(path.normalize(envFileOf(launchScript) ?? ''), path.normalize('env/.env.playground'), 'the playground reads env/.env.playground');
    assert.equal(new URL(playground.get('BOT_ENDPOINT') ?? '').port, playground.get('PLAYGROUND_BOT_PORT'), 'BOT_ENDPOINT is the port the bot listens on');

    const teamsAppCreate = actions(loadProjectFile('m365agents.local.yml').project, 'provision').find((action) => action.uses === 'teamsApp/create');
    const teamsAppVariable = teamsAppCreate?.writeToEnvironmentFile?.teamsAppId;
    for (const name of ['Launch App in Teams (Edge)', 'Launch App in Teams (Chrome)']) {
      const url = launch.configurations.find((candidate) => candidate.name === name)?.url ?? '';
      assert.ok(url.startsWith('https://teams.microsoft.com/l/app/'), `${name} opens the app in Teams`);
      assert.ok(url.includes(`\${{local:${teamsAppVariable}}}`), `${name} opens the app id m365agents.local.yml writes (${teamsAppVariable})`);
    }
    const tunnel = task('Start local tunnel');
    const written = Object.values(tunnel.args?.ports?.[0]?.writeToEnvironmentFile ?? {});
    const local = committedEnvironment('local');
    for (const name of written) assert.ok(local.has(name), `the tunnel writes ${name}, which env/.env.local declares`);
    assert.ok(written.includes('BOT_ENDPOINT') && JSON.stringify(loadProjectFile('m365agents.local.yml').project).includes('${{BOT_ENDPOINT}}'), 'm365agents.local.yml uses the tunnel URL');
  });
});
