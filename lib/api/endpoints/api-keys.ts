import { camel, exceptionOf, failUnlessOk, notFound, rateLimited, type Answer, type Send } from '../sender.js'
import {
  ApiKeyCreateException,
  ApiKeyDeleteException,
  ApiKeyFetchException,
  ApiKeyImportException,
  ApiKeyUpdateException,
  ApiKeyValidateException,
  ApiKeyValidateRateLimitedException
} from '../exceptions.js'
import { isValidHex, path } from '../ids.js'
import type {
  ApiKeyFull,
  ApiKeyNew,
  ApiKeyResultPage,
  ApiKeysCreateRequest,
  ApiKeysImportRequest,
  ApiKeysImportResponse,
  ApiKeysQueryRequest,
  ApiKeyUpdateRequest,
  ApiKeyUsageQueryRequest,
  ApiKeyUsageQueryResponse,
  ApiKeyValidation,
  OrgApiKeyValidation,
  PersonalApiKeyValidation
} from '../types.js'
import { isPlainObject } from '../../util/is-plain-object.js'

const KEYS = '/api/backend/v1/end_user_api_keys'

export interface ApiKeysApi {
  /** Rejects with ApiKeyFetchException for an ID that is not 32 hex characters. */
  fetchApiKey: (apiKeyId: string) => Promise<ApiKeyFull>
  fetchCurrentApiKeys: (apiKeyQuery: ApiKeysQueryRequest) => Promise<ApiKeyResultPage>
  fetchArchivedApiKeys: (apiKeyQuery: ApiKeysQueryRequest) => Promise<ApiKeyResultPage>
  /** The new key's secret is `apiKeyToken`: shown once, store it nowhere but with its owner. */
  createApiKey: (apiKeyCreate: ApiKeysCreateRequest) => Promise<ApiKeyNew>
  updateApiKey: (apiKeyId: string, apiKeyUpdate: ApiKeyUpdateRequest) => Promise<boolean>
  /** Archives the key; `false` when PropelAuth does not know it. */
  deleteApiKey: (apiKeyId: string) => Promise<boolean>
  /**
   * Validates an end-user API key (a leading `Bearer ` is stripped). 400 (invalid,
   * expired or archived key) → ApiKeyValidateException; 429 → ApiKeyValidateRateLimitedException.
   */
  validateApiKey: (apiKeyToken: string) => Promise<ApiKeyValidation>
  /** As validateApiKey, and the key must belong to a user and to no org. */
  validatePersonalApiKey: (apiKeyToken: string) => Promise<PersonalApiKeyValidation>
  /** As validateApiKey, and the key must belong to an org. */
  validateOrgApiKey: (apiKeyToken: string) => Promise<OrgApiKeyValidation>
  fetchApiKeyUsage: (apiKeyUsageQuery: ApiKeyUsageQueryRequest) => Promise<ApiKeyUsageQueryResponse>
  importApiKey: (apiKeysImportRequest: ApiKeysImportRequest) => Promise<ApiKeysImportResponse>
  validateImportedApiKey: (apiKeyToken: string) => Promise<ApiKeyValidation>
}

/** Strips a leading `Bearer ` (any case), as the Node library does before validating. */
function removeBearerIfExists (token: string): string {
  if (!token) return token
  return token.toLowerCase().startsWith('bearer ') ? token.substring(7) : token
}

/** The rejection for an ID that is not 32 hex characters (the Node library meant to throw this, and threw a SyntaxError). */
function invalidId<E extends Error> (Exception: new (message: string) => E): E {
  return new Exception(JSON.stringify({ api_key_id: ['Invalid api key'] }))
}

function validateRateLimited (answer: Answer): Error {
  try {
    const body: unknown = JSON.parse(answer.text)
    if (isPlainObject(body)) return exceptionOf(ApiKeyValidateRateLimitedException, answer)
  } catch {}
  return rateLimited(answer)
}

export function apiKeysApi (send: Send): ApiKeysApi {
  async function list (operation: string, endpoint: string, query: ApiKeysQueryRequest): Promise<ApiKeyResultPage> {
    const answer = await send(operation, {
      method: 'GET',
      path: endpoint,
      query: {
        org_id: query.orgId,
        user_id: query.userId,
        user_email: query.userEmail,
        page_size: query.pageSize,
        page_number: query.pageNumber
      },
      queryMark: true
    })
    if (answer.status === 400) throw exceptionOf(ApiKeyFetchException, answer)
    failUnlessOk(answer)
    return camel(answer)
  }

  async function validate (operation: string, endpoint: string, apiKeyToken: string): Promise<ApiKeyValidation> {
    const token = removeBearerIfExists(apiKeyToken)
    // Read-only, but not retried: a guard waits on it, and a 429 here is about the key, not load.
    const answer = await send(operation, { method: 'POST', path: endpoint, body: { api_key_token: token }, secrets: [token] })
    if (answer.status === 400) throw exceptionOf(ApiKeyValidateException, answer)
    if (answer.status === 429) throw validateRateLimited(answer)
    failUnlessOk(answer)
    return camel(answer)
  }

  async function validateApiKey (apiKeyToken: string): Promise<ApiKeyValidation> {
    return validate('validateApiKey', `${KEYS}/validate`, apiKeyToken)
  }

  return {
    fetchApiKey: async (apiKeyId) => {
      if (!isValidHex(apiKeyId)) throw invalidId(ApiKeyFetchException)
      const answer = await send('fetchApiKey', { method: 'GET', path: KEYS + path`/${apiKeyId}` })
      if (answer.status === 400) throw exceptionOf(ApiKeyFetchException, answer)
      if (answer.status === 404) throw notFound(answer, 'API key not found')
      failUnlessOk(answer)
      return camel(answer)
    },

    fetchCurrentApiKeys: (query) => list('fetchCurrentApiKeys', KEYS, query),
    fetchArchivedApiKeys: (query) => list('fetchArchivedApiKeys', `${KEYS}/archived`, query),

    createApiKey: async (request) => {
      const answer = await send('createApiKey', {
        method: 'POST',
        path: KEYS,
        body: {
          org_id: request.orgId,
          user_id: request.userId,
          expires_at_seconds: request.expiresAtSeconds,
          metadata: request.metadata,
          display_name: request.displayName
        }
      })
      if (answer.status === 400) throw exceptionOf(ApiKeyCreateException, answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    updateApiKey: async (apiKeyId, request) => {
      if (!isValidHex(apiKeyId)) throw invalidId(ApiKeyUpdateException)
      const answer = await send('updateApiKey', {
        method: 'PATCH',
        path: KEYS + path`/${apiKeyId}`,
        body: {
          expires_at_seconds: request.expiresAtSeconds,
          metadata: request.metadata,
          set_to_never_expire: request.setToNeverExpire
        }
      })
      if (answer.status === 400) throw exceptionOf(ApiKeyUpdateException, answer)
      if (answer.status === 404) throw notFound(answer, 'API key not found')
      failUnlessOk(answer)
      return true
    },

    deleteApiKey: async (apiKeyId) => {
      if (!isValidHex(apiKeyId)) throw invalidId(ApiKeyDeleteException)
      const answer = await send('deleteApiKey', { method: 'DELETE', path: KEYS + path`/${apiKeyId}` })
      if (answer.status === 400) throw exceptionOf(ApiKeyDeleteException, answer)
      if (answer.status === 404) return false
      failUnlessOk(answer)
      return true
    },

    validateApiKey,

    validatePersonalApiKey: async (apiKeyToken) => {
      const validation = await validateApiKey(apiKeyToken)
      if (!validation.user || validation.org) {
        throw new ApiKeyValidateException(JSON.stringify({ api_key_token: ['Not a personal API Key'] }))
      }
      return { user: validation.user, metadata: validation.metadata }
    },

    validateOrgApiKey: async (apiKeyToken) => {
      const validation = await validateApiKey(apiKeyToken)
      if (!validation.org) {
        throw new ApiKeyValidateException(JSON.stringify({ api_key_token: ['Not an org API Key'] }))
      }
      return { org: validation.org, metadata: validation.metadata, user: validation.user, userInOrg: validation.userInOrg }
    },

    fetchApiKeyUsage: async (query) => {
      const answer = await send('fetchApiKeyUsage', {
        method: 'GET',
        path: `${KEYS}/usage`,
        query: { org_id: query.orgId, user_id: query.userId, api_key_id: query.api_key_id, date: query.date },
        queryMark: true
      })
      if (answer.status === 400) throw exceptionOf(ApiKeyFetchException, answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    importApiKey: async (request) => {
      const answer = await send('importApiKey', {
        method: 'POST',
        path: `${KEYS}/import`,
        body: {
          imported_api_key: request.importedApiKey,
          org_id: request.orgId,
          user_id: request.userId,
          expires_at_seconds: request.expiresAtSeconds,
          metadata: request.metadata,
          display_name: request.displayName
        },
        secrets: typeof request.importedApiKey === 'string' ? [request.importedApiKey] : undefined
      })
      if (answer.status === 400) throw exceptionOf(ApiKeyImportException, answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    validateImportedApiKey: (apiKeyToken) => validate('validateImportedApiKey', `${KEYS}/validate_imported`, apiKeyToken)
  }
}
