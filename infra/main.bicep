// The low-efficiency land redevelopment service in Azure: a Linux Function App on an Elastic Premium plan running the
// published app as a custom handler, one Storage account for its tables, queues and blobs, Key Vault for its secrets,
// Application Insights on a Log Analytics workspace, and a user-assigned managed identity that reaches all of them.
//
// No key or connection string with a secret is stored anywhere: the Functions host and the app reach storage with the
// identity (AzureWebJobsStorage__accountName/__clientId), secrets are Key Vault references resolved with the same
// identity, and the storage account refuses shared keys. Azure Files (the default content share of an Elastic
// Premium app) only works with a key, so the app has none and runs from a package blob in this account, fetched with
// the identity (WEBSITE_RUN_FROM_PACKAGE): deploying the app is uploading that blob and restarting the app.
//
// Every app setting is either one the app reads (the settings table in README.md) or one the Functions host or the
// platform reads; settings meant for tests are never set here. A test
// (tests/LandRedevelopment.Functions.Tests/Hosting/InfraTemplateTests.cs) holds this file to that table and the code.

targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short prefix of every resource name: lowercase letters and digits, starting with a letter. The storage account, Key Vault and Function App names add a suffix unique to the resource group.')
@minLength(2)
@maxLength(10)
param namePrefix string

@description('The admin API key (Admin__Key), at least 24 characters. Stored in Key Vault; the app gets a reference to it.')
@secure()
@minLength(24)
param adminKey string

@description('The SMTP relay for review mails (Smtp__Host). Azure Communication Services: smtp.azurecomm.net.')
param smtpHost string = 'smtp.azurecomm.net'

@description('The SMTP relay port (Smtp__Port). 587 is submission with STARTTLS; implicit TLS (465) is not supported by the app.')
param smtpPort int = 587

@description('The SMTP user name (Smtp__UserName). Azure Communication Services: the SMTP username created for its Entra application.')
param smtpUserName string

@description('The SMTP password (Smtp__Password). Azure Communication Services: the Entra application\'s client secret. Stored in Key Vault; the app gets a reference to it.')
@secure()
param smtpPassword string

@description('The sender address of review mails (Smtp__From). Azure Communication Services accepts only its verified sender addresses.')
param smtpFrom string

@description('The address officers reach the service at (Review__PublicBaseUrl); decision links in mails start with it. Empty: the Function App\'s own https://<name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Time zone of timer schedules (WEBSITE_TIME_ZONE), an IANA name on Linux such as Asia/Shanghai. Empty: UTC. Tenants\' legal deadlines use each tenant\'s own time zone, not this.')
param timeZone string = ''

@description('Redundancy of the storage account, which holds every case, event, timer and evidence file. Zone-redundant by default; Standard_LRS in a region without availability zones.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSku string = 'Standard_ZRS'

@description('Most instances the Elastic Premium plan scales out to.')
@minValue(1)
@maxValue(100)
param maximumInstanceCount int = 4

@description('Name of the app package blob in the package container; upload the published app as a zip under this name.')
param packageBlobName string = 'app.zip'

@description('Object id of the user, group or service principal that uploads the app package; it gets Storage Blob Data Contributor on the package container. Empty: grant it yourself.')
param deployerPrincipalId string = ''

@description('Kind of principal deployerPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

@description('Tags put on every resource.')
param tags object = {}

// Unique per resource group and prefix: storage accounts, vaults and apps share global name spaces.
var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageAccountName = take('${toLower(replace(namePrefix, '-', ''))}st${suffix}', 24)
var keyVaultName = take('${namePrefix}-kv-${suffix}', 24)
// At most 29 characters: the Functions host derives its host id from the first 32 characters of the app name, and
// two apps whose ids collide on one storage account stop each other.
var functionAppName = '${namePrefix}-func-${suffix}'
var packageContainerName = 'app-package'
var packageUrl = 'https://${storageAccountName}.blob.${environment().suffixes.storage}/${packageContainerName}/${packageBlobName}'
var reviewBaseUrl = empty(publicBaseUrl) ? 'https://${functionAppName}.azurewebsites.net' : publicBaseUrl

// Built-in role definitions (ids are the same in every tenant).
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

// What the identity needs on the storage account. Blob Data Owner rather than Contributor: the Functions host manages
// its own containers and leases with it, and the app signs evidence upload URLs with a user delegation key.
// Queue and Table Data Contributor: the app's queues (triggers, timers, poison queues) and all of its tables.
var storageDataRoleIds = [
  storageBlobDataOwnerRoleId
  storageQueueDataContributorRoleId
  storageTableDataContributorRoleId
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Identity only: the host and the app use Entra tokens, and upload URLs are user delegation SAS, which
    // stay valid with shared keys off (account and service SAS do not).
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = {
  parent: storage
  name: 'default'
}

// The app package, read by the platform with the identity. The app creates its own tables, queues and containers.
resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = {
  parent: blobService
  name: packageContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource storageDataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in storageDataRoleIds: {
  name: guid(storage.id, identity.id, roleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource deployerPackageWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(packageContainer.id, deployerPrincipalId, storageBlobDataContributorRoleId)
  scope: packageContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A deleted vault (and its name) is kept for the 90 days and cannot be purged before: redeploying the same
    // prefix into a re-created resource group of the same name needs the vault recovered first.
    enablePurgeProtection: true
  }
}

resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'admin-key'
  properties: {
    value: adminKey
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'smtp-password'
  properties: {
    value: smtpPassword
  }
}

resource vaultSecretsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${namePrefix}-logs'
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
  name: '${namePrefix}-appi'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: 'EP1'
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: maximumInstanceCount
  }
}

// Key Vault references: versionless secret URIs, so a new secret version reaches the app on its next refresh.
var keyVaultSettings = [
  {
    name: 'Admin__Key'
    value: '@Microsoft.KeyVault(SecretUri=${adminKeySecret.properties.secretUri})'
  }
  {
    name: 'Smtp__Password'
    value: '@Microsoft.KeyVault(SecretUri=${smtpPasswordSecret.properties.secretUri})'
  }
]

var appSettings = [
  // The Functions host: version 4, a custom handler (host.json names the executable).
  {
    name: 'FUNCTIONS_EXTENSION_VERSION'
    value: '~4'
  }
  {
    name: 'FUNCTIONS_WORKER_RUNTIME'
    value: 'custom'
  }
  // Host storage by identity, read the same way by the host and by the app. __credential is the host's alone.
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storage.name
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identity.properties.clientId
  }
  // The package blob, fetched with the identity (no Azure Files content share: it would need a key).
  {
    name: 'WEBSITE_RUN_FROM_PACKAGE'
    value: packageUrl
  }
  {
    name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID'
    value: identity.id
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  // Review mails through the SMTP relay; STARTTLS always, as credentials go over the network.
  {
    name: 'Smtp__Host'
    value: smtpHost
  }
  {
    name: 'Smtp__Port'
    value: string(smtpPort)
  }
  {
    name: 'Smtp__EnableStartTls'
    value: 'true'
  }
  {
    name: 'Smtp__UserName'
    value: smtpUserName
  }
  {
    name: 'Smtp__From'
    value: smtpFrom
  }
  {
    name: 'Review__PublicBaseUrl'
    value: reviewBaseUrl
  }
]

// Only when given; without it timer schedules run in UTC.
var timeZoneSettings = empty(timeZone) ? [] : [
  {
    name: 'WEBSITE_TIME_ZONE'
    value: timeZone
  }
]

resource functionApp 'Microsoft.Web/sites@2023-12-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references are resolved with the user-assigned identity, not a system-assigned one.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      // No language stack: the app is published self-contained and started by the host as a custom handler.
      linuxFxVersion: ''
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(appSettings, keyVaultSettings, timeZoneSettings)
    }
  }
  // The app starts with the package, storage and secrets readable; references that fail to resolve at first are
  // only retried later.
  dependsOn: [
    storageDataRoles
    vaultSecretsReader
  ]
}

// Deployment is by the package blob alone: no FTP, no publishing user name and password.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The Function App\'s default host name; the API is at https://<host name>/api/…')
output functionAppHostName string = functionApp.properties.defaultHostName

@description('The Function App\'s name (for az functionapp restart).')
output functionAppName string = functionApp.name

@description('The storage account holding the service\'s tables, queues and blobs, and the app package.')
output storageAccountName string = storage.name

@description('Where the app package is uploaded (a zip of the published app).')
output packageUrl string = packageUrl
