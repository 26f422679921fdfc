import type { FastifyBaseLogger, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import {
  EXPIRED_TOKEN_CHALLENGE,
  FORBIDDEN_CHALLENGE,
  INVALID_TOKEN_CHALLENGE,
  MALFORMED_HEADER_CHALLENGE,
  NO_CREDENTIALS_CHALLENGE
} from './challenges.js'
import {
  CrossSiteRequestError,
  ExpiredTokenError,
  InsufficientRoleError,
  InvalidAuthorizationHeaderError,
  InvalidOptionError,
  InvalidTokenError,
  MissingPermissionError,
  MissingTokenError,
  NotOrgMemberError,
  WrongRoleError,
  withHeaders,
  type AuthenticationError,
  type AuthorizationError,
  type RefusalHeaders
} from '../errors.js'
import type { Member } from '../route-policy/composition.js'
import type { RefusalLog } from './refusal-log.js'
import type { RequestSlots } from './request-slots.js'
import { Rejection, type RejectionReason, type TokenVerifier } from '../token/verifier.js'
import { createTokenReader, CrossSiteRefusal, resolveTokenFrom, type ResolvedTokenFrom, type TokenFrom, type TokenReader } from '../sources/read-token.js'
import { User, type OrgMemberInfo } from '../token/user.js'
import { closeConnectionAtExpiry } from './websocket-expiry.js'

/**
 * A route hook made by this plugin. It works in `onRequest` (recommended: it runs
 * before the body is read), `preValidation` and `preHandler`, and in @fastify/auth.
 */
export type PropelAuthHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

/** Where a guard finds the org: by default `request.params.orgId`. */
export interface RequiredOrgOptions {
  /** Returns the org id to check, e.g. `(request) => request.headers['x-org-id']`. */
  orgId?: (request: FastifyRequest) => string | undefined
  /** Returns the org name (or url-safe name) to check. With `orgId` too, both must match. */
  orgName?: (request: FastifyRequest) => string | undefined
}

/** The org a non-route check looks for, as in PropelAuth's Node library. */
export interface RequiredOrgInfo {
  orgId?: string
  orgName?: string
}

export interface UserAndOrgMemberInfo {
  user: User
  orgMemberInfo: OrgMemberInfo
}

/** What a guard requires; read by the OpenAPI annotation (lib/openapi.ts). */
export interface GuardInfo {
  /** `optional` never rejects; `user` may answer 401; `org` may answer 401 or 403. */
  kind: 'optional' | 'user' | 'org'
  /** Human-readable requirement, for route descriptions. */
  requirement: string
  /**
   * Statuses the guard may answer besides those of its `kind`, documented as
   * responses of every route it guards: the API-key guards answer 429 when
   * PropelAuth rate-limits the key, 502 when PropelAuth cannot be asked (or
   * answers with something that is not a validation), 503 when too many keys
   * wait to be checked.
   */
  extraStatuses?: ReadonlyArray<'429' | '502' | '503'>
  /**
   * Which 401s the guard sends, when not the access-token ones of `requireUser`
   * (FST_PROPELAUTH_MISSING_TOKEN, …): `api-key` sends FST_PROPELAUTH_MISSING_CREDENTIALS
   * or FST_PROPELAUTH_INVALID_API_KEY (`requireApiKey`); `token-or-api-key` those two, and
   * requireUser's for a malformed header or an access token it refuses (`requireUserOrApiKey`).
   * lib/openapi.ts documents each variant's codes, challenges and example.
   */
  unauthorized?: 'api-key' | 'token-or-api-key'
  /** The guard reads a cookie: the routes it guards need @fastify/cookie. */
  readsCookies?: boolean
  /** Query parameters the guard takes a token from: they must be kept out of the request log. */
  queryParameters?: readonly string[]
  /** For a hook composed with @fastify/auth (lib/composition.ts): what it runs, in which relation. */
  composition?: { relation: 'or' | 'and', members: readonly Member[] }
}

export const kGuardInfo = Symbol.for('fastify-propelauth.guard-info')

export type TaggedHook = PropelAuthHook & { [kGuardInfo]: GuardInfo }

/** The guards that read an access token from the request; `from(…)` makes a set that reads it elsewhere. */
export interface PropelAuthTokenGuards {
  /** 401 unless the request carries a valid access token; sets `request.user`. */
  requireUser: PropelAuthHook
  /** Never rejects: sets `request.user` for a valid token, leaves it null otherwise. */
  optionalUser: PropelAuthHook
  /** 401 without a valid token; 403 unless the user is a member of the org. Sets `request.user` and `request.org`. */
  requireOrgMember: (options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user's role is `role` or one that inherits it (multi-role orgs: holds it). */
  requireOrgMemberWithMinimumRole: (role: string, options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user's role is exactly `role` (multi-role orgs: assigned or additional). */
  requireOrgMemberWithExactRole: (role: string, options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user has `permission` in the org. */
  requireOrgMemberWithPermission: (permission: string, options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user has every one of `permissions` in the org (an empty list passes). */
  requireOrgMemberWithAllPermissions: (permissions: readonly string[], options?: RequiredOrgOptions) => PropelAuthHook
}

export interface PropelAuthGuards extends PropelAuthTokenGuards {
  /**
   * The same guards, taking the access token from `tokenFrom` instead of the
   * plugin's `tokenFrom` option: a cookie, a WebSocket upgrade, a function of the
   * request, or several in order. Call it once and keep the result:
   * `const fromCookie = app.auth.from({ cookie: '__pa_at' })`, then
   * `onRequest: fromCookie.requireUser`.
   */
  from: (tokenFrom: TokenFrom) => PropelAuthTokenGuards

  /** Verifies `Authorization` header text outside a route; rejects with the same 401 errors as the guards. */
  validateAccessTokenAndGetUser: (authorizationHeader: string | undefined) => Promise<User>
  /**
   * PropelAuth's Node name for the same verification returning its `UserClass`:
   * this plugin's `User` already has that class's methods, so it resolves to the same `User`.
   */
  validateAccessTokenAndGetUserClass: (authorizationHeader: string | undefined) => Promise<User>
  validateAccessTokenAndGetUserWithOrgInfo: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo) => Promise<UserAndOrgMemberInfo>
  validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, minimumRole: string) => Promise<UserAndOrgMemberInfo>
  validateAccessTokenAndGetUserWithOrgInfoWithExactRole: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, role: string) => Promise<UserAndOrgMemberInfo>
  validateAccessTokenAndGetUserWithOrgInfoWithPermission: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, permission: string) => Promise<UserAndOrgMemberInfo>
  validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, permissions: readonly string[]) => Promise<UserAndOrgMemberInfo>
}

export interface GuardsOptions {
  /** Where the default guards take the token from (option `tokenFrom`). */
  tokenFrom: ResolvedTokenFrom
  /** Logs each refusal; outside a request (`validateAccessTokenAndGetUser…`) on the instance's logger. */
  logRefusal: RefusalLog
  /** Seconds of leeway on `exp`, also given to WebSocket connections before they are closed. */
  clockTolerance: number
  /** Where the guards put the user and the org (`request.user` and `request.org`, or the names configured). */
  slots: RequestSlots
}

const CHALLENGE: Record<RejectionReason, string> = {
  missing: NO_CREDENTIALS_CHALLENGE,
  'malformed-header': MALFORMED_HEADER_CHALLENGE,
  invalid: INVALID_TOKEN_CHALLENGE,
  expired: EXPIRED_TOKEN_CHALLENGE
}

function authenticationError (reason: RejectionReason): AuthenticationError {
  switch (reason) {
    case 'missing': return new MissingTokenError()
    case 'malformed-header': return new InvalidAuthorizationHeaderError()
    case 'expired': return new ExpiredTokenError()
    default: return new InvalidTokenError()
  }
}

/** The 401 of a rejection, carrying its challenge. */
function refusalError (reason: RejectionReason): AuthenticationError & RefusalHeaders {
  return withHeaders(authenticationError(reason), { 'www-authenticate': CHALLENGE[reason] })
}

/**
 * What the access-token guards send when they refuse: each error code with its
 * challenge, no credentials first. lib/openapi.ts documents exactly these.
 */
export const ACCESS_TOKEN_REFUSALS: ReadonlyArray<readonly [code: string, challenge: string]> =
  (Object.keys(CHALLENGE) as RejectionReason[]).map((reason) => [authenticationError(reason).code, CHALLENGE[reason]] as const)

/** Finds the org as PropelAuth's Node library does: by id, by name or url-safe name, or both. */
function findOrg (user: User, orgId: unknown, orgName: unknown): OrgMemberInfo | undefined {
  const hasId = typeof orgId === 'string'
  const hasName = typeof orgName === 'string'
  if (hasId) {
    const org = user.getOrg(orgId)
    if (org === undefined || !hasName) return org
    return org.orgName === orgName || org.urlSafeOrgName === orgName ? org : undefined
  }
  if (hasName) {
    return user.getOrgs().find((org) => org.orgName === orgName || org.urlSafeOrgName === orgName)
  }
  return undefined
}

type OrgCheck = (org: OrgMemberInfo) => AuthorizationError | undefined

function requireNonEmptyString (factory: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(`${factory}(${what}) expects ${what} to be a non-empty string`)
  }
  return value
}

function requireStringList (factory: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new InvalidOptionError(`${factory}(permissions) expects an array of permission names`)
  }
  return Object.freeze([...value])
}

function checkOrgOptions (factory: string, options: unknown): RequiredOrgOptions {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(`${factory}: options must be { orgId?: (request) => string, orgName?: (request) => string }`)
  }
  const { orgId, orgName } = options as RequiredOrgOptions
  for (const [name, value] of [['orgId', orgId], ['orgName', orgName]] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw new InvalidOptionError(`${factory}: option \`${name}\` must be a function of the request returning the org ${name === 'orgId' ? 'id' : 'name'}`)
    }
  }
  return { orgId, orgName }
}

/** The org a refused request asked for, for the refusal log: ids and names are the route's input, not token claims. */
function describeRequestedOrg (orgId: unknown, orgName: unknown): string {
  const parts: string[] = []
  if (typeof orgId === 'string') parts.push(`id ${JSON.stringify(orgId.slice(0, 100))}`)
  if (typeof orgName === 'string') parts.push(`name ${JSON.stringify(orgName.slice(0, 100))}`)
  return parts.length > 0 ? parts.join(', ') : 'not named by the request'
}

function describeOrg (options: RequiredOrgOptions): string {
  if (options.orgId === undefined && options.orgName === undefined) return 'member of the org in `orgId`'
  return 'member of the org the route names'
}

function tag (hook: PropelAuthHook, info: GuardInfo): TaggedHook {
  Object.defineProperty(hook, kGuardInfo, { value: Object.freeze(info) })
  return hook as TaggedHook
}

export function createGuards (verifier: TokenVerifier, options: GuardsOptions): PropelAuthGuards {
  const { logRefusal, clockTolerance, slots } = options

  /** The error a refused token is answered with, logged once with its precise reason. */
  function refuse (result: Rejection | CrossSiteRefusal, requestLog?: FastifyBaseLogger): Error {
    if (result instanceof CrossSiteRefusal) {
      const error = new CrossSiteRequestError()
      logRefusal({ code: error.code, cause: 'cross-site-request' }, result.detail, requestLog)
      return error
    }
    const error = refusalError(result.reason)
    logRefusal({ code: error.code, cause: result.cause, ...result.facts }, result.detail, requestLog)
    return error
  }

  function tokenGuards (reader: TokenReader): PropelAuthTokenGuards {
    // What the routes' checks need to know of the source (lib/deny-by-default.ts).
    const carriers: Pick<GuardInfo, 'readsCookies' | 'queryParameters'> = {
      ...(reader.readsCookies ? { readsCookies: true } : {}),
      ...(reader.queryParameters.length > 0 ? { queryParameters: reader.queryParameters } : {})
    }

    /** Verifies the request's token; sets `request.user`, or returns the 401 (or cross-site 403) to fail with. */
    function authenticate (request: FastifyRequest): User | Error {
      const result = reader.authenticate(request)
      // One check on the path of an accepted token: anything but a User is a refusal.
      if (!(result instanceof User)) return refuse(result, request.log)
      slots.setUser(request, result)
      // A WebSocket connection must not outlive the token that opened it.
      if (request.raw.headers.upgrade !== undefined) closeConnectionAtExpiry(request, reader.tokenOf(request), clockTolerance)
      return result
    }

    const requireUser: PropelAuthHook = function requireUser (request, _reply, done) {
      const user = authenticate(request)
      if (user instanceof Error) {
        done(user)
        return
      }
      done()
    }

    const optionalUser: PropelAuthHook = function optionalUser (request, _reply, done) {
      const result = reader.authenticate(request)
      if (!(result instanceof User)) {
        slots.setUser(request, null)
      } else {
        slots.setUser(request, result)
        if (request.raw.headers.upgrade !== undefined) closeConnectionAtExpiry(request, reader.tokenOf(request), clockTolerance)
      }
      done()
    }

    function orgGuard (factory: string, rawOptions: unknown, requirement: string, check: OrgCheck | undefined): TaggedHook {
      const orgOptions = checkOrgOptions(factory, rawOptions)
      const { orgId: orgIdOf, orgName: orgNameOf } = orgOptions
      const useParams = orgIdOf === undefined && orgNameOf === undefined
      const hook: PropelAuthHook = function requireOrgMember (request, _reply, done) {
        const user = authenticate(request)
        if (user instanceof Error) {
          done(user)
          return
        }
        const orgId = useParams ? (request.params as { orgId?: unknown } | undefined)?.orgId : orgIdOf?.(request)
        const orgName = useParams ? undefined : orgNameOf?.(request)
        const org = findOrg(user, orgId, orgName)
        const denied = org === undefined ? new NotOrgMemberError() : check?.(org)
        if (denied !== undefined) {
          logRefusal({ code: denied.code, cause: org === undefined ? 'not-org-member' : 'org-requirement', userId: user.userId },
            `${denied.message} (org ${describeRequestedOrg(orgId, orgName)})`, request.log)
          done(withHeaders(denied, { 'www-authenticate': FORBIDDEN_CHALLENGE }))
          return
        }
        slots.setOrg(request, org as OrgMemberInfo)
        done()
      }
      return tag(hook, { kind: 'org', requirement: describeOrg(orgOptions) + requirement, ...carriers })
    }

    return {
      requireUser: tag(requireUser, { kind: 'user', requirement: 'signed-in user', ...carriers }),
      optionalUser: tag(optionalUser, { kind: 'optional', requirement: 'signed-in user, optional', ...carriers }),
      requireOrgMember: (orgOptions) => orgGuard('requireOrgMember', orgOptions, '', undefined),
      requireOrgMemberWithMinimumRole: (role, orgOptions) => {
        const name = requireNonEmptyString('requireOrgMemberWithMinimumRole', 'role', role)
        return orgGuard('requireOrgMemberWithMinimumRole', orgOptions, ` with role at least ${name}`, minimumRole(name))
      },
      requireOrgMemberWithExactRole: (role, orgOptions) => {
        const name = requireNonEmptyString('requireOrgMemberWithExactRole', 'role', role)
        return orgGuard('requireOrgMemberWithExactRole', orgOptions, ` with role exactly ${name}`, exactRole(name))
      },
      requireOrgMemberWithPermission: (name, orgOptions) => {
        const checked = requireNonEmptyString('requireOrgMemberWithPermission', 'permission', name)
        return orgGuard('requireOrgMemberWithPermission', orgOptions, ` with permission ${checked}`, permission(checked))
      },
      requireOrgMemberWithAllPermissions: (names, orgOptions) => {
        const checked = requireStringList('requireOrgMemberWithAllPermissions', names)
        const requirement = checked.length === 0 ? '' : ` with permissions ${checked.join(', ')}`
        return orgGuard('requireOrgMemberWithAllPermissions', orgOptions, requirement, allPermissions(checked))
      }
    }
  }

  const minimumRole = (role: string): OrgCheck => (org) => org.isAtLeastRole(role) ? undefined : new InsufficientRoleError(role)
  const exactRole = (role: string): OrgCheck => (org) => org.isRole(role) ? undefined : new WrongRoleError(role)
  const permission = (name: string): OrgCheck => (org) => org.hasPermission(name) ? undefined : new MissingPermissionError(name)
  const allPermissions = (names: readonly string[]): OrgCheck => (org) => {
    const missing = names.find((name) => !org.hasPermission(name))
    return missing === undefined ? undefined : new MissingPermissionError(missing)
  }

  // Outside routes: the same verification, as promises that reject with the same errors.
  async function validateUser (authorizationHeader: string | undefined): Promise<User> {
    const result = verifier.verifyAuthorizationHeader(authorizationHeader)
    if (result instanceof Rejection) throw refuse(result)
    return result
  }
  async function validateInOrg (header: string | undefined, required: RequiredOrgInfo, check: OrgCheck | undefined): Promise<UserAndOrgMemberInfo> {
    const user = await validateUser(header)
    const orgMemberInfo = findOrg(user, required?.orgId, required?.orgName)
    const denied = orgMemberInfo === undefined ? new NotOrgMemberError() : check?.(orgMemberInfo)
    if (denied !== undefined) {
      logRefusal({ code: denied.code, cause: orgMemberInfo === undefined ? 'not-org-member' : 'org-requirement', userId: user.userId },
        `${denied.message} (org ${describeRequestedOrg(required?.orgId, required?.orgName)})`)
      throw withHeaders(denied, { 'www-authenticate': FORBIDDEN_CHALLENGE })
    }
    return { user, orgMemberInfo: orgMemberInfo as OrgMemberInfo }
  }

  const from = (tokenFrom: TokenFrom): PropelAuthTokenGuards =>
    tokenGuards(createTokenReader(resolveTokenFrom('from(tokenFrom)', tokenFrom), verifier))

  return {
    ...tokenGuards(createTokenReader(options.tokenFrom, verifier)),
    from,
    validateAccessTokenAndGetUser: validateUser,
    validateAccessTokenAndGetUserClass: validateUser,
    validateAccessTokenAndGetUserWithOrgInfo: (header, required) => validateInOrg(header, required, undefined),
    validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole: (header, required, role) => validateInOrg(header, required, minimumRole(role)),
    validateAccessTokenAndGetUserWithOrgInfoWithExactRole: (header, required, role) => validateInOrg(header, required, exactRole(role)),
    validateAccessTokenAndGetUserWithOrgInfoWithPermission: (header, required, name) => validateInOrg(header, required, permission(name)),
    validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions: (header, required, names) => validateInOrg(header, required, allPermissions(names))
  }
}
