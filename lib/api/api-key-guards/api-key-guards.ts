import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import {
  ApiKeyRateLimitedError,
  ApiKeyValidationBusyError,
  ApiKeyValidationUnavailableError,
  BackendResponseError,
  InvalidApiKeyError,
  MissingCredentialsError
} from '../../errors.js'
import { INVALID_API_KEY_CHALLENGE, NO_CREDENTIALS_CHALLENGE, withHeaders } from '../../guards/challenges.js'
import { ExpiringLru } from '../../util/expiring-lru.js'
import { tagGuard, type PropelAuthHook } from '../../guards/guard-tag.js'
import { parseBearerHeader } from '../../token/bearer-header.js'
import type { RefusalLog } from '../../guards/refusal-log.js'
import type { RequestSlots } from '../../guards/request-slots.js'
import { ApiKeyCache } from './validation-cache.js'
import { problemWith, verdictOf, type Verdict } from './verdict.js'
import type { BackendError } from '../sender.js'
import { ConcurrencyLimit } from './concurrency-limit.js'
import { ApiKeyValidateException, ApiKeyValidateRateLimitedException, RateLimitedException } from '../exceptions.js'
import type { ApiKeyValidation } from '../types.js'

// Guards for PropelAuth's end-user API keys, which none of PropelAuth's own
// libraries offer as middleware. The key comes as `Authorization: Bearer <key>`
// and is checked by PropelAuth (`validateApiKey`), each check carrying the
// project's integration key; what a key becomes is verdict.ts.
//
// Anyone can send a key, so what reaches PropelAuth is bounded whatever arrives
// (a flood of bogus keys must not spend the integration key's rate limit):
// - answers are remembered by a SHA-256 of the key: valid keys for `ttl`,
//   refused keys for `invalidTtl`, in two caches so bogus keys cannot push
//   valid ones out;
// - requests with one key share one check (queued or running);
// - at most `concurrency` checks run at once and `maxQueued` wait, each at most
//   `maxWaitMs`; beyond that a request is answered 503 at once.
//
// Revocation: `clearApiKeyCache()` (called by `updateApiKey` and `deleteApiKey`
// when they settle) forgets both caches and starts a new generation. A check
// begun before it is never written to the cache, no later request joins it, and
// the requests already waiting on it are checked again: no request made after
// the change is admitted by an answer that may predate it.
//
// PropelAuth's validation answer does not say when the key expires. When this
// plugin created or imported the key (`createApiKey` / `importApiKey` with
// `expiresAtSeconds`) it remembers that time, and a cached validation of the key
// ends then at the latest.

export interface PropelAuthApiKeyGuards {
  /**
   * 401 unless `Authorization: Bearer <end-user API key>` carries a key PropelAuth
   * accepts; sets `request.user` and `request.org` from the key. 429 when PropelAuth
   * rate-limits the key, 502 when PropelAuth cannot be asked, 503 when too many keys
   * wait to be checked.
   */
  requireApiKey: PropelAuthHook
  /**
   * Accepts an access token (verified locally, as `requireUser` does) or an
   * end-user API key (checked with PropelAuth, as `requireApiKey` does). A value
   * shaped like a JWT is only ever treated as an access token.
   */
  requireUserOrApiKey: PropelAuthHook
  /** PropelAuth's answer (frozen) for the API key this request was let in with; undefined for token or anonymous requests. */
  getApiKeyValidation: (request: FastifyRequest) => ApiKeyValidation | undefined
  /**
   * Forgets every answer about API keys, and the checks in flight, e.g. after
   * revoking keys outside this app. `updateApiKey` and `deleteApiKey` called
   * through this plugin do it themselves.
   */
  clearApiKeyCache: () => void
}

/** What the API client tells the guards; not part of `app.auth`. */
interface ApiKeyGuardsInternals {
  /** A key was created or imported through the plugin: its expiry bounds its cached validation. */
  noteApiKeyCreated: (apiKeyToken: string, expiresAtSeconds: number | undefined) => void
}

interface ApiKeyGuardsOptions {
  validateApiKey: (apiKeyToken: string) => Promise<ApiKeyValidation>
  /** The access-token guard `requireUserOrApiKey` hands JWTs to. */
  requireUser: PropelAuthHook
  /** Entries, seconds for valid keys, seconds for refused keys. */
  cache: { max: number, ttl: number, invalidTtl: number }
  validation: { concurrency: number, maxQueued: number }
  /** Longest a request waits for a free slot (the transport's per-attempt timeout). */
  maxWaitMs: number
  /** Logs each refusal with its code and reason (never the key). */
  logRefusal: RefusalLog
  /** Where the user and the org go (`request.user` and `request.org`, or the names configured). */
  slots: RequestSlots
  /** Epoch milliseconds; tests pass their own clock. */
  now?: () => number
}

/** Longest API key looked at; PropelAuth's keys are far shorter, so a longer one is refused without asking. */
const MAX_API_KEY_LENGTH = 1024
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/
/** Seconds a client is asked to wait after a 503: a few checks will have finished by then. */
const BUSY_RETRY_AFTER_S = 1
/** How often requests waiting on a check are checked again when keys keep changing meanwhile. */
const MAX_RECHECKS = 3

/** Besides 401: PropelAuth rate-limits the key (429), cannot be asked (502), too many keys wait (503); see `refusal`. */
const EXTRA_STATUSES = Object.freeze(['429', '502', '503'] as const)

/** A refusal remembered from an earlier check: answered as PropelAuth's refusal was. Never leaves this file. */
class KnownInvalidKey extends Error {}
const KNOWN_INVALID = new KnownInvalidKey('refused a moment ago')

interface Check {
  promise: Promise<Verdict>
  generation: number
}

/** PropelAuth said the key is invalid, expired or archived (400), or does not know it (404). */
function isRefusal (error: unknown): boolean {
  return error === KNOWN_INVALID || error instanceof ApiKeyValidateException || (error as BackendError)?.backendStatus === 404
}

export function createApiKeyGuards (options: ApiKeyGuardsOptions): PropelAuthApiKeyGuards & ApiKeyGuardsInternals {
  const now = options.now ?? Date.now
  const { max, ttl, invalidTtl } = options.cache
  const valid = new ApiKeyCache<Verdict>(max, ttl)
  const invalid = new ApiKeyCache<true>(max, invalidTtl)
  // Expiry (epoch ms) of keys created or imported here, kept a ttl longer than the
  // key so that a validation answered by a PropelAuth whose clock lags ours is not cached.
  const expiries = new ExpiringLru<number>(valid.enabled ? max : 0)
  const limit = new ConcurrencyLimit({
    concurrency: options.validation.concurrency,
    maxQueued: options.validation.maxQueued,
    maxWaitMs: options.maxWaitMs,
    busy: () => new ApiKeyValidationBusyError()
  })
  const inFlight = new Map<string, Check>()
  let generation = 0
  const validations = new WeakMap<FastifyRequest, ApiKeyValidation>()

  function startCheck (apiKey: string, key: string): Check {
    const started = generation
    const promise = limit.run(async () => await options.validateApiKey(apiKey)).then((validation) => {
      const problem = problemWith(validation)
      if (problem !== undefined) {
        throw new BackendResponseError(`validateApiKey: PropelAuth's answer cannot be acted on: ${problem}`)
      }
      const verdict = verdictOf(validation)
      if (started === generation) valid.set(key, verdict, now(), expiries.get(key, now()))
      return verdict
    }, (error: unknown) => {
      if (started === generation && isRefusal(error)) invalid.set(key, true, now())
      throw error
    }).finally(() => {
      if (inFlight.get(key) === check) inFlight.delete(key)
    })
    const check: Check = { promise, generation: started }
    inFlight.set(key, check)
    return check
  }

  async function lookUp (apiKey: string, key: string): Promise<Verdict> {
    for (let round = 0; ; round++) {
      const cached = valid.get(key, now())
      if (cached !== undefined) return cached
      if (invalid.get(key, now()) !== undefined) throw KNOWN_INVALID
      const check = inFlight.get(key) ?? startCheck(apiKey, key)
      const verdict = await check.promise
      // A key changed while this check ran: its answer may predate the change.
      if (check.generation === generation) return verdict
      if (round >= MAX_RECHECKS) throw new ApiKeyValidationBusyError()
    }
  }

  const { logRefusal } = options

  /** The error a refusal fails with, its headers inside (a guard sets nothing on the reply), logged once. */
  function refuse (log: FastifyBaseLogger, error: Error & { code: string }, headers: Record<string, string>, cause: string, detail: string): Error {
    logRefusal({ code: error.code, cause }, detail, log)
    return Object.keys(headers).length === 0 ? error : withHeaders(error, headers)
  }

  /** Turns a failed validation into the guard's answer; never echoes the key. */
  function refusal (error: unknown, log: FastifyBaseLogger): Error {
    if (error === KNOWN_INVALID) {
      return refuse(log, new InvalidApiKeyError(), { 'www-authenticate': INVALID_API_KEY_CHALLENGE }, 'invalid-api-key', `PropelAuth refused this API key less than ${options.cache.invalidTtl} s ago`)
    }
    if (isRefusal(error)) {
      return refuse(log, new InvalidApiKeyError(), { 'www-authenticate': INVALID_API_KEY_CHALLENGE }, 'invalid-api-key', 'PropelAuth says the API key is invalid, expired or archived')
    }
    if (error instanceof ApiKeyValidateRateLimitedException || error instanceof RateLimitedException) {
      const wait = error.waitSeconds
      const headers: Record<string, string> = typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? { 'retry-after': String(Math.ceil(wait)) } : {}
      return refuse(log, new ApiKeyRateLimitedError(), headers, 'api-key-rate-limited', 'PropelAuth rate-limits attempts with this API key')
    }
    if (error instanceof ApiKeyValidationBusyError) {
      return refuse(log, error, { 'retry-after': String(BUSY_RETRY_AFTER_S) }, 'api-key-validation-busy', 'too many API keys are waiting to be checked with PropelAuth (option `apiKeyValidation`)')
    }
    // PropelAuth unreachable, 5xx, our integration key refused, a redirect, or an
    // answer that is not a validation: the client's key may be fine. The cause is
    // one of our own errors, built with both keys cut out of whatever it quotes of
    // the answer, so logging it, as Fastify does a 502, shows neither key.
    return refuse(log, new ApiKeyValidationUnavailableError({ cause: error }), {}, 'api-key-validation-unavailable', `the API key could not be checked: ${(error as Error).message}`)
  }

  function admit (request: FastifyRequest, verdict: Verdict): void {
    options.slots.setUser(request, verdict.user)
    options.slots.setOrg(request, verdict.org)
    validations.set(request, verdict.validation)
  }

  function admitKey (apiKey: string, request: FastifyRequest, done: (error?: Error) => void): void {
    if (apiKey.length > MAX_API_KEY_LENGTH) {
      done(refuse(request.log, new InvalidApiKeyError(), { 'www-authenticate': INVALID_API_KEY_CHALLENGE }, 'invalid-api-key', `the API key is longer than ${MAX_API_KEY_LENGTH} characters, so not one of PropelAuth's`))
      return
    }
    const key = ApiKeyCache.keyOf(apiKey)
    // The usual request, a key seen a moment ago, is answered without a promise.
    const cached = valid.get(key, now())
    if (cached !== undefined) {
      admit(request, cached)
      done()
      return
    }
    lookUp(apiKey, key).then((verdict) => {
      admit(request, verdict)
      done()
    }, (error: unknown) => done(refusal(error, request.log)))
  }

  const requireApiKey: PropelAuthHook = function requireApiKey (request, _reply, done) {
    const apiKey = parseBearerHeader(request.headers.authorization)
    if (apiKey === undefined) {
      done(refuse(request.log, new MissingCredentialsError('API key'), { 'www-authenticate': NO_CREDENTIALS_CHALLENGE }, 'no-credentials', 'no Authorization: Bearer header'))
      return
    }
    if (typeof apiKey !== 'string') {
      done(refuse(request.log, new InvalidApiKeyError(), { 'www-authenticate': INVALID_API_KEY_CHALLENGE }, apiKey.cause, apiKey.detail))
      return
    }
    admitKey(apiKey, request, done)
  }

  const requireUserOrApiKey: PropelAuthHook = function requireUserOrApiKey (request, reply, done) {
    const credential = parseBearerHeader(request.headers.authorization)
    if (credential === undefined) {
      done(refuse(request.log, new MissingCredentialsError('access token or API key'), { 'www-authenticate': NO_CREDENTIALS_CHALLENGE }, 'no-credentials', 'no Authorization: Bearer header'))
      return
    }
    // JWTs are verified locally and never sent to PropelAuth as API keys.
    // A malformed header is answered by requireUser, with the access-token 401 it documents.
    if (typeof credential !== 'string' || JWT_SHAPE.test(credential)) {
      options.requireUser(request, reply, done)
      return
    }
    admitKey(credential, request, done)
  }

  return {
    // `unauthorized`: the 401s above (MissingCredentialsError, InvalidApiKeyError; requireUserOrApiKey also
    // requireUser's, for a malformed header or a JWT), documented by the OpenAPI annotation.
    requireApiKey: tagGuard(requireApiKey, { kind: 'user', requirement: 'valid end-user API key', extraStatuses: EXTRA_STATUSES, unauthorized: 'api-key' }),
    requireUserOrApiKey: tagGuard(requireUserOrApiKey, {
      kind: 'user',
      requirement: 'signed-in user or a valid end-user API key',
      extraStatuses: EXTRA_STATUSES,
      unauthorized: 'token-or-api-key'
    }),
    getApiKeyValidation: (request) => validations.get(request),
    clearApiKeyCache: () => {
      generation++
      valid.clear()
      invalid.clear()
      inFlight.clear()
    },
    noteApiKeyCreated: (apiKeyToken, expiresAtSeconds) => {
      const key = ApiKeyCache.keyOf(apiKeyToken)
      // A key imported under a value that was refused a moment ago is good now.
      invalid.delete(key)
      if (typeof expiresAtSeconds === 'number' && Number.isFinite(expiresAtSeconds)) {
        const expiresAt = expiresAtSeconds * 1000
        expiries.set(key, expiresAt, expiresAt + ttl * 1000)
      }
    }
  }
}
