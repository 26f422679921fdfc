import { accessTokensApi, type AccessTokensApi } from './access-tokens.js'
import { apiKeysApi, type ApiKeysApi } from './api-keys.js'
import { createSender } from './backend.js'
import { employeesApi, type EmployeesApi } from './employees.js'
import { invitesApi, type InvitesApi } from './invites.js'
import { magicLinksApi, type MagicLinksApi } from './magic-links.js'
import { mfaApi, type MfaApi } from './mfa.js'
import { orgsApi, type OrgsApi } from './orgs.js'
import { reportsApi, type ReportsApi } from './reports.js'
import { scimApi, type ScimApi } from './scim.js'
import type { Transport } from './transport.js'
import { usersApi, type UsersApi } from './users.js'

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

export interface ApiClientHooks {
  /** Called after an end-user API key was updated or archived through this client. */
  onApiKeyChange?: () => void
}

export function createApiClient (transport: Transport, hooks: ApiClientHooks = {}): PropelAuthApi {
  const send = createSender(transport)
  const apiKeys = apiKeysApi(send)
  const { onApiKeyChange } = hooks
  if (onApiKeyChange !== undefined) {
    // A guard may hold a cached validation of the key; drop it as soon as the key changes here.
    const { updateApiKey, deleteApiKey } = apiKeys
    apiKeys.updateApiKey = async (apiKeyId, update) => {
      const result = await updateApiKey(apiKeyId, update)
      onApiKeyChange()
      return result
    }
    apiKeys.deleteApiKey = async (apiKeyId) => {
      const result = await deleteApiKey(apiKeyId)
      onApiKeyChange()
      return result
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
