// Azure resources for Call Quality Bot, deployed by the Agents Toolkit (`arm/deploy` in
// m365agents.yml) or by hand with `az deployment group create`.
//
// Operations: the bot exports its own traces, metrics and logs to Application Insights with
// OpenTelemetry (@azure/monitor-opentelemetry, started in src/index.ts) from the connection string
// below, and a diagnostic setting sends the web app's HTTP, console and platform logs and its
// metrics to the same Log Analytics workspace. Nothing to switch on by hand.
//
// One user-assigned managed identity is everything the running bot is: its Bot Framework identity
// (Azure Bot with msaAppType UserAssignedMSI), its Azure Storage identity (RBAC roles, no account
// keys) and the identity App Service uses to read the two secrets from Key Vault. The only secrets
// are the Graph client secret and the change-notification clientState; both live in Key Vault and
// reach the app as Key Vault references, never as plain app settings.

@description('Lowercase letters and digits (3 to 16) that start every resource name, e.g. callqualitydev.')
@minLength(3)
@maxLength(16)
param resourceBaseName string

@description('Region of every regional resource. The Azure Bot itself is global.')
param location string = resourceGroup().location

@description('Name of the bot in the Azure portal and the Bot Framework channels.')
@maxLength(42)
param botDisplayName string = 'Call Quality Bot'

@description('App Service plan size. Always On needs Basic (B1) or better; P0v3 and up for heavy tenants.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param webAppSku string = 'B1'

@description('Instances of the web app. They share one Storage account, so several can run side by side.')
@minValue(1)
@maxValue(10)
param webAppInstanceCount int = 2

@description('Application (client) id of the Entra app registration that reads call records (CallRecords.Read.All, application).')
@minLength(36)
@maxLength(36)
param graphClientId string

@description('Client secret of that app registration. Stored in Key Vault only.')
@secure()
@minLength(1)
param graphClientSecret string

@description('Comma-separated tenant ids whose call records are read. Empty means the tenant of this subscription.')
param graphTenantIds string = ''

@description('The clientState secret Graph echoes in every change notification (at most 128 characters). Stored in Key Vault only.')
@secure()
@minLength(16)
@maxLength(128)
param notificationClientState string

@description('Entra object ids of the bot admins, comma-separated (owners of the team where a command is given are admins too).')
param adminUserIds string = ''

@description('Id of the Teams app (TEAMS_APP_ID), used to install the app for organizers when proactiveInstall is true.')
param teamsAppId string = ''

@description('"true" lets the bot install itself for an organizer through Graph (needs TeamsAppInstallation.ReadWriteSelfForUser.All).')
@allowed([
  'true'
  'false'
  ''
])
param proactiveInstall string = 'false'

@description('What the admins\' channel gets: every alert ("all") or only poor-quality calls ("poor").')
@allowed([
  'all'
  'poor'
  ''
])
param alertChannelPolicy string = 'all'

@description('Quality profile: "cqd" (Call Quality Dashboard today) or "cqd-classic". Empty means cqd.')
param qualityProfile string = ''

@description('Log level of the bot (pino).')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
])
param logLevel string = 'info'

@description('Tags put on every resource.')
param tags object = {
  application: 'call-quality-bot'
}

// Built-in role definitions (the ids are the same in every Azure cloud).
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var storageRoleIds = [
  storageQueueDataContributorRoleId
  storageTableDataContributorRoleId
  storageBlobDataContributorRoleId
]

// Web app, storage and vault names are global: a hash of the resource group keeps them unique
// and stable across re-deployments.
var baseName = toLower(replace(resourceBaseName, '-', ''))
var uniqueSuffix = uniqueString(resourceGroup().id, baseName)
var webAppName = '${baseName}-${take(uniqueSuffix, 8)}'
var webAppHostName = '${webAppName}.azurewebsites.net'
var storageAccountName = take('st${baseName}${uniqueSuffix}', 24)
var keyVaultName = take('kv${baseName}${uniqueSuffix}', 24)
var effectiveGraphTenantIds = empty(graphTenantIds) ? tenant().tenantId : graphTenantIds

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-identity'
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${baseName}-logs-${take(uniqueSuffix, 8)}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${baseName}-insights-${take(uniqueSuffix, 8)}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    // Workspace-based: the bot's telemetry lands in the workspace's AppRequests, AppDependencies,
    // AppTraces and AppMetrics tables, beside the web app's own logs (docs/deploy.md, Monitoring).
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // Managed identity only: with shared keys off, a leaked connection string is worthless.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
  }
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // RBAC mode: access is a role assignment, not an access policy.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    publicNetworkAccess: 'Enabled'
  }
}

resource graphClientSecretEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'graph-client-secret'
  properties: {
    value: graphClientSecret
    contentType: 'Client secret of the Entra app ${graphClientId}'
  }
}

resource notificationClientStateEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'notification-client-state'
  properties: {
    value: notificationClientState
    contentType: 'clientState of the Graph call-record subscription'
  }
}

resource keyVaultSecretsUserAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${baseName}-plan-${take(uniqueSuffix, 8)}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: webAppSku
    capacity: webAppInstanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity (there is no system identity).
    keyVaultReferenceIdentity: identity.id
    // Instances are stateless (state is in Storage): no sticky sessions.
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // The package is read-only (run from package), so start the built code directly: `npm start`
      // would run the prestart build. The heap flags are `npm start`'s (package.json): the heap sized
      // as Node sizes it on B1 whatever the plan (docs/deploy.md, "Memory").
      appCommandLine: 'node --max-old-space-size=896 --max-semi-space-size=8 dist/src/index.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
      appSettings: [
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
        {
          name: 'WEBSITES_PORT'
          value: '8080'
        }
        {
          name: 'PORT'
          value: '8080'
        }
        {
          name: 'NODE_ENV'
          value: 'production'
        }
        {
          name: 'LOG_LEVEL'
          value: logLevel
        }
        {
          name: 'DATA_DIR'
          value: '/home/data'
        }
        {
          // Read by src/telemetry: with it the bot exports to Application Insights. No instrumentation
          // key appears anywhere else. App Service's own Node.js agent
          // (ApplicationInsightsAgent_EXTENSION_VERSION) is deliberately not enabled: the bot
          // instruments itself, and both together would send everything twice.
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'STORE'
          value: 'azure'
        }
        {
          // The blob endpoint of the account; the queue and table endpoints are derived from it.
          name: 'AZURE_STORAGE_ACCOUNT_URL'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          // @azure/identity picks the user-assigned identity by this client id.
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'BOT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'BOT_TYPE'
          value: 'UserAssignedMsi'
        }
        {
          name: 'BOT_TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'TEAMS_APP_ID'
          value: teamsAppId
        }
        {
          name: 'GRAPH_TENANT_IDS'
          value: effectiveGraphTenantIds
        }
        {
          name: 'GRAPH_CLIENT_ID'
          value: graphClientId
        }
        {
          name: 'GRAPH_CLIENT_SECRET'
          value: '@Microsoft.KeyVault(SecretUri=${graphClientSecretEntry.properties.secretUri})'
        }
        {
          name: 'NOTIFICATION_URL'
          value: 'https://${webAppHostName}/api/notifications'
        }
        {
          name: 'NOTIFICATION_CLIENT_STATE'
          value: '@Microsoft.KeyVault(SecretUri=${notificationClientStateEntry.properties.secretUri})'
        }
        {
          name: 'ADMIN_USER_IDS'
          value: adminUserIds
        }
        {
          name: 'PROACTIVE_INSTALL'
          value: empty(proactiveInstall) ? 'false' : proactiveInstall
        }
        {
          name: 'ALERT_CHANNEL_POLICY'
          value: empty(alertChannelPolicy) ? 'all' : alertChannelPolicy
        }
        {
          name: 'QUALITY_PROFILE'
          value: qualityProfile
        }
      ]
    }
  }
  // The identity must be able to read the vault and the account before the first start.
  dependsOn: [
    keyVaultSecretsUserAssignment
    storageRoleAssignments
  ]
}

// The web app's own logs and metrics (HTTP access log, stdout/stderr, platform events, CPU, memory,
// response times) go to the workspace: no manual "Diagnostic settings" step after deployment.
var webAppLogCategories = [
  'AppServiceHTTPLogs'
  'AppServiceConsoleLogs'
  'AppServiceAppLogs'
  'AppServicePlatformLogs'
]

resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      for category in webAppLogCategories: {
        category: category
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

module botRegistration './botRegistration/azurebot.bicep' = {
  name: 'azure-bot-registration'
  params: {
    botServiceName: '${baseName}-bot-${take(uniqueSuffix, 8)}'
    botDisplayName: botDisplayName
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
  }
}

// The Agents Toolkit writes every output into env/.env.<environment> under the same name.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_SERVICE_NAME string = botRegistration.outputs.botServiceName
output AZURE_WEBAPP_RESOURCE_ID string = webApp.id
output AZURE_WEBAPP_NAME string = webApp.name
output IDENTITY_CLIENT_ID string = identity.properties.clientId
output IDENTITY_RESOURCE_ID string = identity.id
output STORAGE_ACCOUNT_NAME string = storage.name
output STORAGE_ACCOUNT_URL string = storage.properties.primaryEndpoints.blob
output KEY_VAULT_NAME string = keyVault.name
output KEY_VAULT_URI string = keyVault.properties.vaultUri
output NOTIFICATION_URL string = 'https://${webApp.properties.defaultHostName}/api/notifications'
output APPLICATION_INSIGHTS_NAME string = appInsights.name
