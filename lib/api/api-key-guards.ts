import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import {
  ApiKeyRateLimitedError,
  ApiKeyValidationUnavailableError,
  InvalidApiKeyError,
  MissingCredentialsError,
  withHeaders
} from '../errors.js'
import { INVALID_API_KEY_CHALLENGE, NO_CREDENTIALS_CHALLENGE } from '../challenges.js'
import { kGuardInfo, type GuardInfo, type PropelAuthHook } from '../guards.js'
import type { RefusalLog } from '../refusals.js'
import type { RequestSlots } from '../request-decorators.js'
import { OrgMemberInfo, User } from '../user.js'
import { ApiKeyCache } from './api-key-cache.js'
import type { BackendError } from './backend.js'
import { ApiKeyValidateException, ApiKeyValidateRateLimitedException, RateLimitedException } from './exceptions.js'
import type { ApiKeyOrg, ApiKeyValidation, UserMetadata } from './types.js'

// Guards for PropelAuth's end-user API keys, which none of PropelAuth's own
// libraries offer as middleware. The key comes as `Authorization: Bearer <key>`
// and is checked by PropelAuth (`validateApiKey`); positive answers are cached
// for a short, bounded time. How a validation becomes `request.user` / `request.org`:
// - the key's user (personal keys, and org keys made by a user) is a `User` with
//   the user's fields, `loginMethod: { loginMethod: 'unknown' }` (no login
//   happened) and, for an org key, `activeOrgId` set to the key's org;
// - `request.org` is the user's membership in the key's org; for an org key that
//   belongs to no member, an OrgMemberInfo of the org with no role and no
//   permissions, so role and permission checks on it fail;
// - personal keys leave `request.org` null; org keys with no user leave `request.user` null.
// `getApiKeyValidation(request)` gives the whole answer, key metadata included.

export interface PropelAuthApiKeyGuards {
  /**
   * 401 unless `Authorization: Bearer <end-user API key>` carries a key PropelAuth
   * accepts; sets `request.user` and `request.org` from the key. 429 when PropelAuth
   * rate-limits the key, 502 when PropelAuth cannot be asked.
   */
  requireApiKey: PropelAuthHook
  /**
   * Accepts an access token (verified locally, as `requireUser` does) or an
   * end-user API key (checked with PropelAuth, as `requireApiKey` does). A value
   * shaped like a JWT is only ever treated as an access token.
   */
  requireUserOrApiKey: PropelAuthHook
  /** PropelAuth's answer for the API key this request was let in with; undefined for token or anonymous requests. */
  getApiKeyValidation: (request: FastifyRequest) => ApiKeyValidation | undefined
  /**
   * Forgets every cached validation, e.g. after revoking keys outside this app.
   * `updateApiKey` and `deleteApiKey` called through this plugin do it themselves.
   */
  clearApiKeyCache: () => void
}

export interface ApiKeyGuardsOptions {
  validateApiKey: (apiKeyToken: string) => Promise<ApiKeyValidation>
  /** The access-token guard `requireUserOrApiKey` hands JWTs to. */
  requireUser: PropelAuthHook
  cache: { max: number, ttl: number }
  /** Logs each refusal with its code and reason (never the key). */
  logRefusal: RefusalLog
  /** Where the user and the org go (`request.user` and `request.org`, or the names configured). */
  slots: RequestSlots
}

interface Verdict {
  validation: ApiKeyValidation
  user: User | null
  org: OrgMemberInfo | null
}

/** Longest API key looked at; PropelAuth's keys are far shorter, so a longer one is refused without asking. */
const MAX_API_KEY_LENGTH = 1024
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/

/** Besides 401: PropelAuth rate-limits the key (429) or cannot be asked (502); see `refusal`. */
const EXTRA_STATUSES = Object.freeze(['429', '502'] as const)

/** `undefined`: no bearer credentials at all; `null`: a malformed Bearer header. */
function bearerOf (header: string | undefined): string | undefined | null {
  if (header === undefined || header === '') return undefined
  const parts = header.split(' ')
  if (parts[0].toLowerCase() !== 'bearer') return undefined
  if (parts.length !== 2 || parts[1] === '') return null
  return parts[1]
}

function withNullPrototype<T> (entries: Array<[string, T]>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries))
}

/** The org of an org key that belongs to no member: no role, no permission. */
function orgWithoutMember (org: ApiKeyOrg): OrgMemberInfo {
  const orgName = org.orgName
  return Object.freeze(new OrgMemberInfo({
    orgId: org.orgId,
    orgName,
    // PropelAuth's url-safe name, as its Node library derives it in getOrgByName.
    urlSafeOrgName: String(orgName ?? '').toLowerCase().replace(/ /g, '-'),
    orgMetadata: org.metadata ?? {},
    userAssignedRole: '',
    userInheritedRolesPlusCurrentRole: [],
    userPermissions: [],
    legacyOrgId: org.legacyOrgId
  }))
}

function userOf (metadata: UserMetadata, validation: ApiKeyValidation, org: OrgMemberInfo | null): User {
  const orgId = validation.org?.orgId
  // An org key acts in its org only (like an active-org token); a personal key as the user, in all the user's orgs.
  const orgs = orgId !== undefined
    ? (org !== null && validation.userInOrg !== undefined ? withNullPrototype([[orgId, org]]) : undefined)
    : metadata.orgIdToOrgInfo !== undefined ? withNullPrototype(Object.entries(metadata.orgIdToOrgInfo)) : undefined
  return Object.freeze(new User({
    userId: metadata.userId,
    email: metadata.email,
    firstName: metadata.firstName,
    lastName: metadata.lastName,
    username: metadata.username,
    properties: metadata.properties,
    metadata: metadata.metadata,
    legacyUserId: metadata.legacyUserId,
    impersonatorUserId: metadata.impersonatorUserId,
    activeOrgId: orgId,
    loginMethod: Object.freeze({ loginMethod: 'unknown' as const }),
    orgIdToOrgMemberInfo: orgs === undefined ? undefined : Object.freeze(orgs)
  }))
}

export function verdictOf (validation: ApiKeyValidation): Verdict {
  let org: OrgMemberInfo | null = null
  if (validation.org !== undefined) {
    org = validation.userInOrg !== undefined ? Object.freeze(validation.userInOrg) : orgWithoutMember(validation.org)
  }
  const user = validation.user !== undefined ? userOf(validation.user, validation, org) : null
  return { validation: Object.freeze(validation), user, org }
}

function tag (hook: PropelAuthHook, info: GuardInfo): PropelAuthHook {
  Object.defineProperty(hook, kGuardInfo, { value: Object.freeze(info) })
  return hook
}

export function createApiKeyGuards (options: ApiKeyGuardsOptions): PropelAuthApiKeyGuards {
  const cache = new ApiKeyCache<Verdict>(options.cache.max, options.cache.ttl)
  // Concurrent requests with one key share one question to PropelAuth.
  const inFlight = new Map<string, Promise<Verdict>>()
  const validations = new WeakMap<FastifyRequest, ApiKeyValidation>()

  function lookUp (apiKey: string): Promise<Verdict> {
    const key = ApiKeyCache.keyOf(apiKey)
    const cached = cache.get(key)
    if (cached !== undefined) return Promise.resolve(cached)
    let pending = inFlight.get(key)
    if (pending === undefined) {
      pending = options.validateApiKey(apiKey)
        .then((validation) => {
          const verdict = verdictOf(validation)
          cache.set(key, verdict)
          return verdict
        })
        .finally(() => inFlight.delete(key))
      inFlight.set(key, pending)
    }
    return pending
  }

  const { logRefusal } = options

  /** The error a refusal fails with, its headers inside (a guard sets nothing on the reply), logged once. */
  function refuse (log: FastifyBaseLogger, error: Error & { code: string }, headers: Record<string, string>, cause: string, detail: string): Error {
    logRefusal({ code: error.code, cause }, detail, log)
    return Object.keys(headers).length === 0 ? error : withHeaders(error, headers)
  }

  /** Turns a failed validation into the guard's answer; never echoes the key. */
  function refusal (error: unknown, log: FastifyBaseLogger): Error {
    if (error instanceof ApiKeyValidateException || (error as BackendError)?.backendStatus === 404) {
      return refuse(log, new InvalidApiKeyError(), { 'www-authenticate': INVALID_API_KEY_CHALLENGE }, 'invalid-api-key', 'PropelAuth says the API key is invalid, expired or archived')
    }
    if (error instanceof ApiKeyValidateRateLimitedException || error instanceof RateLimitedException) {
      const wait = error.waitSeconds
      const headers: Record<string, string> = typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? { 'retry-after': String(Math.ceil(wait)) } : {}
      return refuse(log, new ApiKeyRateLimitedError(), headers, 'api-key-rate-limited', 'PropelAuth rate-limits attempts with this API key')
    }
    // PropelAuth unreachable, 5xx, or our integration key refused: the client's key may be fine.
    // The transport's errors say what failed (never with a key); validateApiKey rejects with nothing else.
    return refuse(log, new ApiKeyValidationUnavailableError({ cause: error }), {}, 'api-key-validation-unavailable', `the API key could not be checked: ${(error as Error).message}`)
  }

  function admitKey (apiKey: string, request: FastifyRequest, done: (error?: Error) => void): void {
    if (apiKey.length > MAX_API_KEY_LENGTH) {
      done(refuse(request.log, new InvalidApiKeyError(), { 'www-authenticate': INVALID_API_KEY_CHALLENGE }, 'invalid-api-key', `the API key is longer than ${MAX_API_KEY_LENGTH} characters, so not one of PropelAuth's`))
      return
    }
    lookUp(apiKey).then((verdict) => {
      options.slots.setUser(request, verdict.user)
      options.slots.setOrg(request, verdict.org)
      validations.set(request, verdict.validation)
      done()
    }, (error: unknown) => done(refusal(error, request.log)))
  }

  const requireApiKey: PropelAuthHook = function requireApiKey (request, _reply, done) {
    const apiKey = bearerOf(request.headers.authorization)
    if (apiKey === undefined) {
      done(refuse(request.log, new MissingCredentialsError('API key'), { 'www-authenticate': NO_CREDENTIALS_CHALLENGE }, 'no-credentials', 'no Authorization: Bearer header'))
      return
    }
    if (apiKey === null) {
      done(refuse(request.log, new InvalidApiKeyError(), { 'www-authenticate': INVALID_API_KEY_CHALLENGE }, 'malformed-authorization-header', 'the Authorization header is "Bearer" with no key, extra spaces or several values'))
      return
    }
    admitKey(apiKey, request, done)
  }

  const requireUserOrApiKey: PropelAuthHook = function requireUserOrApiKey (request, reply, done) {
    const credential = bearerOf(request.headers.authorization)
    if (credential === undefined) {
      done(refuse(request.log, new MissingCredentialsError('access token or API key'), { 'www-authenticate': NO_CREDENTIALS_CHALLENGE }, 'no-credentials', 'no Authorization: Bearer header'))
      return
    }
    // JWTs are verified locally and never sent to PropelAuth as API keys.
    if (credential === null || JWT_SHAPE.test(credential)) {
      options.requireUser(request, reply, done)
      return
    }
    admitKey(credential, request, done)
  }

  return {
    // `unauthorized`: the 401s above (MissingCredentialsError, InvalidApiKeyError; requireUserOrApiKey also
    // requireUser's, for a malformed header or a JWT), documented by lib/openapi.ts.
    requireApiKey: tag(requireApiKey, { kind: 'user', requirement: 'valid end-user API key', extraStatuses: EXTRA_STATUSES, unauthorized: 'api-key' }),
    requireUserOrApiKey: tag(requireUserOrApiKey, {
      kind: 'user',
      requirement: 'signed-in user or a valid end-user API key',
      extraStatuses: EXTRA_STATUSES,
      unauthorized: 'token-or-api-key'
    }),
    getApiKeyValidation: (request) => validations.get(request),
    clearApiKeyCache: () => cache.clear()
  }
}
