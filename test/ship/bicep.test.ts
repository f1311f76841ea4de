import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { PLACEHOLDER } from '../../scripts/env-file';
import { telemetrySettingsFrom } from '../../src/telemetry';
import {
  bicepAppSettings,
  bicepLiteral,
  bicepOutputs,
  bicepParams,
  committedEnvironment,
  configVariableNames,
  readRepoFile,
  repoRoot,
} from './project-files';

const bicep = readRepoFile('infra/azure.bicep');
const botRegistration = readRepoFile('infra/botRegistration/azurebot.bicep');

/** Built-in Azure role definition ids, as Microsoft's "Azure built-in roles" page lists them. */
const BUILT_IN_ROLES = {
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
};

/** App settings App Service, Application Insights or @azure/identity read (not the bot's config). */
const PLATFORM_SETTINGS = [
  'WEBSITE_RUN_FROM_PACKAGE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITES_PORT',
  'NODE_ENV',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'AZURE_CLIENT_ID',
];

interface BicepCompiler {
  command: string;
}

/**
 * A bicep compiler already on this machine: `bicep` on PATH, or the one the Azure CLI keeps in
 * ~/.azure/bin. Never downloads one (`az bicep build` and the bicep-node package would).
 */
function findBicepCompiler(): BicepCompiler | { reason: string } {
  const names = process.platform === 'win32' ? ['bicep.exe', 'bicep.cmd'] : ['bicep'];
  const candidates = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).flatMap((dir) => names.map((name) => path.join(dir, name))),
    ...names.map((name) => path.join(os.homedir(), '.azure', 'bin', name)),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return { command: candidate };
    } catch {
      // not here
    }
  }
  return {
    reason:
      'no bicep compiler on this machine (`bicep` is not on PATH and the Azure CLI has not installed one in ~/.azure/bin); ' +
      'npm has no offline bicep compiler (bicep-node only downloads the CLI). Install the Bicep CLI to get the syntax check.',
  };
}

function parametersFile(): { parameters: Record<string, { value?: unknown; reference?: unknown }>; contentVersion?: string; $schema?: string } {
  return JSON.parse(readRepoFile('infra/azure.parameters.json')) as ReturnType<typeof parametersFile>;
}

function assertParametersMatchTemplate(): void {
  const file = parametersFile();
  assert.match(file.$schema ?? '', /deploymentParameters\.json#$/, 'the parameters file declares the ARM deploymentParameters schema');
  assert.equal(file.contentVersion, '1.0.0.0');
  const declared = new Map(bicepParams(bicep).map((param) => [param.name, param]));
  for (const [name, entry] of Object.entries(file.parameters)) {
    assert.ok(declared.has(name), `infra/azure.parameters.json sets "${name}", which infra/azure.bicep does not declare`);
    assert.ok('value' in entry || 'reference' in entry, `parameter "${name}" has neither "value" nor "reference"`);
    const param = declared.get(name)!;
    if (param.type === 'int') assert.equal(typeof entry.value, 'number', `"${name}" is an int parameter`);
    if (param.type === 'string') assert.equal(typeof entry.value, 'string', `"${name}" is a string parameter`);
  }
  for (const param of declared.values()) {
    if (!param.hasDefault) assert.ok(param.name in file.parameters, `required parameter "${param.name}" is missing from infra/azure.parameters.json`);
  }
}

describe('infra/azure.bicep', () => {
  it('compiles with the bicep CLI when one is installed, and otherwise checks the parameters file against it', function () {
    this.timeout(120_000);
    const compiler = findBicepCompiler();
    if ('reason' in compiler) {
      console.log(`      bicep syntax check not run: ${compiler.reason}`);
      assertParametersMatchTemplate();
      return;
    }
    const result = spawnSync(compiler.command, ['build', path.join(repoRoot, 'infra', 'azure.bicep'), '--stdout'], { encoding: 'utf8' });
    assert.equal(result.status, 0, `bicep build failed:\n${result.stderr}`);
    const template = JSON.parse(result.stdout) as { resources: unknown };
    const types = JSON.stringify(template.resources);
    for (const type of ['Microsoft.Web/sites', 'Microsoft.KeyVault/vaults', 'Microsoft.Storage/storageAccounts', 'Microsoft.Resources/deployments']) {
      assert.ok(types.includes(type), `the compiled template has a ${type} resource`);
    }
    assertParametersMatchTemplate();
  });

  it('gets every required parameter from infra/azure.parameters.json, and only declared ones', () => {
    assertParametersMatchTemplate();
  });

  it('fills the parameters only with variables env/.env.dev defines or provision writes', () => {
    const dev = committedEnvironment('dev');
    const userExample = readRepoFile('env/.env.dev.user.example');
    const text = readRepoFile('infra/azure.parameters.json');
    for (const [, name] of text.matchAll(PLACEHOLDER)) {
      assert.ok(dev.has(name!) || new RegExp(`^${name}=`, 'm').test(userExample), `\${{${name}}} is in neither env/.env.dev nor env/.env.dev.user.example`);
    }
    // Secrets come from the .user file only: .env.dev is committed.
    for (const name of dev.keys()) assert.ok(!name.startsWith('SECRET_'), `${name} belongs in env/.env.dev.user`);
  });

  it('runs the bot on a Linux web app with Node 22 LTS, HTTPS only and Always On', () => {
    assert.match(bicep, /kind: 'linux'[\s\S]*reserved: true/, 'the App Service plan is Linux');
    assert.match(bicep, /linuxFxVersion: 'NODE\|22-lts'/);
    assert.match(bicep, /httpsOnly: true/);
    assert.match(bicep, /alwaysOn: true/);
    const start = (JSON.parse(readRepoFile('package.json')) as { scripts: { start: string } }).scripts.start;
    assert.match(start, /^node (--[a-z-]+=\d+ )+dist\/src\/index\.js$/);
    // The built server started directly (the package is read-only, `npm start` would rebuild), with `npm start`'s heap flags.
    assert.ok(bicep.includes(`appCommandLine: '${start}'`), `appCommandLine is \`${start}\``);
    assert.match(bicep, /healthCheckPath: '\/healthz'/);
  });

  it('registers an Azure Bot for the user-assigned identity with the Teams channel at /api/messages', () => {
    assert.match(bicep, /resource identity 'Microsoft\.ManagedIdentity\/userAssignedIdentities@/);
    assert.match(botRegistration, /'Microsoft\.BotService\/botServices@/);
    assert.match(botRegistration, /msaAppType: 'UserAssignedMSI'/);
    assert.match(botRegistration, /msaAppId: identityClientId/);
    assert.match(botRegistration, /msaAppMSIResourceId: identityResourceId/);
    assert.match(botRegistration, /msaAppTenantId: identityTenantId/);
    assert.match(botRegistration, /endpoint: 'https:\/\/\$\{botAppDomain\}\/api\/messages'/);
    assert.match(botRegistration, /channelName: 'MsTeamsChannel'/);
    assert.match(bicep, /identityClientId: identity\.properties\.clientId/);
    assert.match(bicep, /identityResourceId: identity\.id/);
    const settings = bicepAppSettings(bicep);
    assert.equal(settings.get('BOT_ID'), 'identity.properties.clientId');
    assert.equal(bicepLiteral(settings.get('BOT_TYPE')!), 'UserAssignedMsi');
  });

  it('keeps storage account keys out: shared key access off, no keys or connection strings in app settings', () => {
    assert.match(bicep, /allowSharedKeyAccess: false/);
    assert.doesNotMatch(bicep, /listKeys|listAccountSas|AccountKey=|primaryKey/);
    const settings = bicepAppSettings(bicep);
    assert.ok(!settings.has('AZURE_STORAGE_CONNECTION_STRING'));
    assert.equal(bicepLiteral(settings.get('STORE')!), 'azure');
    assert.equal(settings.get('AZURE_STORAGE_ACCOUNT_URL'), 'storage.properties.primaryEndpoints.blob');
    assert.equal(settings.get('AZURE_CLIENT_ID'), 'identity.properties.clientId', '@azure/identity needs the client id of a user-assigned identity');
  });

  it('grants the identity the storage data roles and Key Vault Secrets User with the built-in role ids', () => {
    for (const [role, id] of Object.entries(BUILT_IN_ROLES)) {
      assert.ok(bicep.includes(`'${id}'`), `${role} (${id}) is assigned`);
    }
    assert.match(bicep, /for roleId in storageRoleIds[\s\S]*?scope: storage[\s\S]*?principalId: identity\.properties\.principalId/);
    assert.match(bicep, /scope: keyVault[\s\S]*?keyVaultSecretsUserRoleId[\s\S]*?principalId: identity\.properties\.principalId/);
    assert.match(bicep, /principalType: 'ServicePrincipal'/);
  });

  it('keeps the Graph secret and the clientState in a RBAC Key Vault, read through Key Vault references', () => {
    assert.match(bicep, /enableRbacAuthorization: true/);
    assert.match(bicep, /@secure\(\)\n@minLength\(1\)\nparam graphClientSecret string/);
    assert.match(bicep, /@secure\(\)\n@minLength\(16\)\n@maxLength\(128\)\nparam notificationClientState string/);
    assert.match(bicep, /keyVaultReferenceIdentity: identity\.id/);
    const settings = bicepAppSettings(bicep);
    assert.equal(settings.get('GRAPH_CLIENT_SECRET'), "'@Microsoft.KeyVault(SecretUri=${graphClientSecretEntry.properties.secretUri})'");
    assert.equal(settings.get('NOTIFICATION_CLIENT_STATE'), "'@Microsoft.KeyVault(SecretUri=${notificationClientStateEntry.properties.secretUri})'");
    for (const [name, value] of settings) {
      assert.ok(!/graphClientSecret\b|notificationClientState\b/.test(value), `app setting ${name} must not carry a secret parameter directly`);
    }
  });

  it('sends telemetry to a workspace-based Application Insights', () => {
    assert.match(bicep, /'Microsoft\.OperationalInsights\/workspaces@/);
    assert.match(bicep, /WorkspaceResourceId: logAnalytics\.id/);
    assert.equal(bicepAppSettings(bicep).get('APPLICATIONINSIGHTS_CONNECTION_STRING'), 'appInsights.properties.ConnectionString');
  });

  it('gives the bot the Application Insights connection string its telemetry reads, and no instrumentation key', () => {
    const settings = bicepAppSettings(bicep);
    // What App Service resolves the setting to (the form Azure gives connection strings).
    const resolved = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
    assert.equal(settings.get('APPLICATIONINSIGHTS_CONNECTION_STRING'), 'appInsights.properties.ConnectionString');
    assert.equal(telemetrySettingsFrom({ APPLICATIONINSIGHTS_CONNECTION_STRING: resolved }).exporter, 'azure-monitor');
    assert.doesNotMatch(bicep, /InstrumentationKey|APPINSIGHTS_INSTRUMENTATIONKEY/, 'the key travels only inside the connection string');
    for (const [name, value] of settings) assert.doesNotMatch(value, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, `app setting ${name} has no hard-coded id or key`);
    // The bot instruments itself; App Service's Node.js agent on top would send everything twice.
    assert.ok(!settings.has('ApplicationInsightsAgent_EXTENSION_VERSION'), 'the codeless agent is not enabled');
  });

  it('sends the web app\'s HTTP, console, app and platform logs and its metrics to the workspace', () => {
    const resource = /resource (\w+) 'Microsoft\.Insights\/diagnosticSettings@[\d-]+(?:-preview)?' = \{([\s\S]*?)\n\}/.exec(bicep);
    assert.ok(resource, 'a diagnostic setting');
    const body = resource[2]!;
    assert.match(body, /\n  scope: webApp\n/, 'on the web app');
    assert.match(body, /workspaceId: logAnalytics\.id/, 'to the workspace Application Insights uses');
    assert.match(body, /for category in webAppLogCategories: \{\s*category: category\s*enabled: true/);
    assert.match(body, /category: 'AllMetrics'\s*enabled: true/);
    const categories = /var webAppLogCategories = \[([\s\S]*?)\]/.exec(bicep);
    assert.ok(categories, 'the list of log categories');
    const listed = [...categories[1]!.matchAll(/'(\w+)'/g)].map((match) => match[1]);
    for (const category of ['AppServiceHTTPLogs', 'AppServiceConsoleLogs', 'AppServiceAppLogs']) assert.ok(listed.includes(category), `${category} is sent`);
  });

  it('sets only app settings the bot or the platform reads', () => {
    const known = new Set([...configVariableNames(), ...PLATFORM_SETTINGS]);
    for (const name of bicepAppSettings(bicep).keys()) {
      assert.ok(known.has(name), `app setting ${name} is neither a variable of src/config/env-schema.ts nor a platform setting`);
    }
  });

  it('gives app settings that src/config accepts as an Azure Storage, managed-identity configuration', () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const identity = 'c1d2e3f4-0a1b-4c2d-8e3f-4a5b6c7d8e9f';
    // What each non-literal setting evaluates to on Azure (an example of each).
    const azureValues: Record<string, string> = {
      LOG_LEVEL: 'info',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
      AZURE_STORAGE_ACCOUNT_URL: 'https://stcallqualitydevabc.blob.core.windows.net/',
      AZURE_CLIENT_ID: identity,
      BOT_ID: identity,
      BOT_TENANT_ID: tenant,
      TEAMS_APP_ID: '',
      GRAPH_TENANT_IDS: tenant,
      GRAPH_CLIENT_ID: '5b9a1c3d-2e4f-4a6b-8c7d-9e0f1a2b3c4d',
      GRAPH_CLIENT_SECRET: 'resolved-by-app-service',
      NOTIFICATION_URL: 'https://callqualitydev-ab12cd34.azurewebsites.net/api/notifications',
      NOTIFICATION_CLIENT_STATE: 'resolved-by-app-service',
      ADMIN_USER_IDS: '',
      PROACTIVE_INSTALL: 'false',
      ALERT_CHANNEL_POLICY: 'all',
      QUALITY_PROFILE: '',
    };
    const env: NodeJS.ProcessEnv = {};
    for (const [name, expression] of bicepAppSettings(bicep)) {
      const literal = bicepLiteral(expression);
      const value = literal ?? azureValues[name];
      assert.ok(value !== undefined, `add an example value of app setting ${name} (${expression}) to this test`);
      env[name] = value;
    }
    const config = loadConfig(env, repoRoot);
    assert.equal(config.store, 'azure');
    assert.equal(config.azureStorage.accountUrl, 'https://stcallqualitydevabc.blob.core.windows.net');
    assert.equal(config.azureStorage.connectionString, undefined);
    assert.equal(config.bot.type, 'UserAssignedMsi');
    assert.equal(config.bot.id, identity);
    assert.equal(config.port, 8080);
    assert.equal(config.notifications.lifecycleUrl, 'https://callqualitydev-ab12cd34.azurewebsites.net/api/lifecycle');
  });

  it('outputs what the toolkit writes back to env/.env.dev and the later steps use', () => {
    const outputs = bicepOutputs(bicep);
    for (const name of ['BOT_ID', 'BOT_TENANT_ID', 'BOT_DOMAIN', 'BOT_ENDPOINT', 'AZURE_WEBAPP_RESOURCE_ID', 'IDENTITY_CLIENT_ID', 'STORAGE_ACCOUNT_URL', 'KEY_VAULT_NAME']) {
      assert.ok(outputs.includes(name), `azure.bicep outputs ${name}`);
    }
    const dev = committedEnvironment('dev');
    for (const name of outputs) assert.ok(dev.has(name), `env/.env.dev lists ${name}, which provision writes`);
    assert.ok(existsSync(path.join(repoRoot, 'infra', 'botRegistration', 'azurebot.bicep')));
  });
});
