import type { PropelAuthHook } from '../guards/guard-tag.js'
import type { RefusalLog } from '../guards/refusal-log.js'
import type { RequestSlots } from '../guards/request-slots.js'
import { createApiKeyGuards, type PropelAuthApiKeyGuards } from './api-key-guards/api-key-guards.js'
import { createApiClient, type PropelAuthApi } from './client.js'
import type { Transport } from './transport.js'

/** The part of `app.auth` that talks to PropelAuth's backend: the API functions and the API key guards. */
export interface PropelAuthBackendApi extends PropelAuthApi, PropelAuthApiKeyGuards {}

interface BackendApiOptions {
  /** The access-token guard, for `requireUserOrApiKey`. */
  requireUser: PropelAuthHook
  apiKeyCache: { max: number, ttl: number, invalidTtl: number }
  apiKeyValidation: { concurrency: number, maxQueued: number }
  /** Milliseconds per attempt of a backend call; also the longest a key waits to be checked. */
  timeout: number
  logRefusal: RefusalLog
  slots: RequestSlots
}

export function createBackendApi (transport: Transport, options: BackendApiOptions): PropelAuthBackendApi {
  const { noteApiKeyCreated, ...guards } = createApiKeyGuards({
    validateApiKey: (apiKeyToken) => api.validateApiKey(apiKeyToken),
    requireUser: options.requireUser,
    cache: options.apiKeyCache,
    logRefusal: options.logRefusal,
    validation: options.apiKeyValidation,
    maxWaitMs: options.timeout,
    slots: options.slots
  })
  const api = createApiClient(transport, {
    // A key updated or archived through the API must not stay admitted from the cache, nor by a check in flight.
    onApiKeyChange: () => guards.clearApiKeyCache(),
    onApiKeyCreated: noteApiKeyCreated
  })
  return { ...api, ...guards }
}
