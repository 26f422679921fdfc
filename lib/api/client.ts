import { accessTokensApi, type AccessTokensApi } from './endpoints/access-tokens.js'
import { apiKeysApi, type ApiKeysApi } from './endpoints/api-keys.js'
import { createSender } from './sender.js'
import { employeesApi, type EmployeesApi } from './endpoints/employees.js'
import { invitesApi, type InvitesApi } from './endpoints/invites.js'
import { magicLinksApi, type MagicLinksApi } from './endpoints/magic-links.js'
import { mfaApi, type MfaApi } from './endpoints/mfa.js'
import { orgsApi, type OrgsApi } from './endpoints/orgs.js'
import { reportsApi, type ReportsApi } from './endpoints/reports.js'
import { scimApi, type ScimApi } from './endpoints/scim.js'
import type { Transport } from './transport.js'
import { usersApi, type UsersApi } from './endpoints/users.js'

/**
 * PropelAuth's backend API, with the names, arguments and results of its Node
 * library (`initBaseAuth(...)` from @propelauth/node): every function of it but
 * the token validators, which are the guards' business.
 */
export interface PropelAuthApi extends
  UsersApi,
  MagicLinksApi,
  AccessTokensApi,
  OrgsApi,
  InvitesApi,
  ApiKeysApi,
  MfaApi,
  EmployeesApi,
  ScimApi,
  ReportsApi {}

interface ApiClientHooks {
  /**
   * Called when `updateApiKey` or `deleteApiKey` settles, whatever the outcome: a
   * call that failed on the way back may still have changed the key.
   */
  onApiKeyChange?: () => void
  /** Called after a key was created or imported through this client, with the expiry it was given. */
  onApiKeyCreated?: (apiKeyToken: string, expiresAtSeconds: number | undefined) => void
}

export function createApiClient (transport: Transport, hooks: ApiClientHooks = {}): PropelAuthApi {
  const send = createSender(transport)
  const apiKeys = apiKeysApi(send)
  const { onApiKeyChange, onApiKeyCreated } = hooks
  if (onApiKeyChange !== undefined) {
    // A guard may hold a validation of the key, cached or in flight; drop it as soon as the key changes here.
    const { updateApiKey, deleteApiKey } = apiKeys
    apiKeys.updateApiKey = async (apiKeyId, update) => {
      try {
        return await updateApiKey(apiKeyId, update)
      } finally {
        onApiKeyChange()
      }
    }
    apiKeys.deleteApiKey = async (apiKeyId) => {
      try {
        return await deleteApiKey(apiKeyId)
      } finally {
        onApiKeyChange()
      }
    }
  }
  if (onApiKeyCreated !== undefined) {
    const { createApiKey, importApiKey } = apiKeys
    apiKeys.createApiKey = async (request) => {
      const created = await createApiKey(request)
      onApiKeyCreated(created.apiKeyToken, request.expiresAtSeconds)
      return created
    }
    apiKeys.importApiKey = async (request) => {
      const imported = await importApiKey(request)
      onApiKeyCreated(request.importedApiKey, request.expiresAtSeconds)
      return imported
    }
  }
  return {
    ...usersApi(send),
    ...magicLinksApi(send),
    ...accessTokensApi(send),
    ...orgsApi(send),
    ...invitesApi(send),
    ...apiKeys,
    ...mfaApi(send),
    ...employeesApi(send),
    ...scimApi(send),
    ...reportsApi(send)
  }
}
