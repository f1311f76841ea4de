// The Azure Bot registration: the bot's identity is the user-assigned managed identity, so there
// is no bot password anywhere. Kept as its own module, like the Agents Toolkit templates, so that
// a local environment can register a bot without creating the web app.

@description('Name of the Azure Bot resource (2 to 64 characters, unique in the resource group).')
@minLength(2)
@maxLength(64)
param botServiceName string

@description('Name shown in the Azure portal and in the Bot Framework channels.')
@maxLength(42)
param botDisplayName string

@description('Client id of the user-assigned managed identity the bot authenticates as.')
param identityClientId string

@description('Resource id of that managed identity.')
param identityResourceId string

@description('Tenant of that managed identity.')
param identityTenantId string

@description('Host name of the web app that serves /api/messages, without https://.')
param botAppDomain string

@description('F0 is free and enough for the Teams channel; S1 is only needed for premium channels.')
@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  // Bot registrations are global; the region only decides where the Bot Connector relays from.
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

output botServiceName string = botService.name
output messagingEndpoint string = botService.properties.endpoint
