import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import {
  EXPIRED_TOKEN_CHALLENGE,
  FORBIDDEN_CHALLENGE,
  INVALID_TOKEN_CHALLENGE,
  MALFORMED_HEADER_CHALLENGE,
  NO_CREDENTIALS_CHALLENGE
} from './challenges.js'
import {
  ExpiredTokenError,
  InsufficientRoleError,
  InvalidAuthorizationHeaderError,
  InvalidOptionError,
  InvalidTokenError,
  MissingPermissionError,
  MissingTokenError,
  NotOrgMemberError,
  WrongRoleError,
  type AuthenticationError,
  type AuthorizationError
} from './errors.js'
import { DEFAULT_REQUEST_DECORATORS } from './options.js'
import { requestSlots, type RequestSlots } from './request-decorators.js'
import { Rejection, type RejectionReason, type TokenVerifier } from './token.js'
import type { OrgMemberInfo, User } from './user.js'

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
}

export const kGuardInfo = Symbol.for('fastify-propelauth.guard-info')

export type TaggedHook = PropelAuthHook & { [kGuardInfo]: GuardInfo }

export interface PropelAuthGuards {
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

function describeOrg (options: RequiredOrgOptions): string {
  if (options.orgId === undefined && options.orgName === undefined) return 'member of the org in `orgId`'
  return 'member of the org the route names'
}

function tag (hook: PropelAuthHook, info: GuardInfo): TaggedHook {
  Object.defineProperty(hook, kGuardInfo, { value: Object.freeze(info) })
  return hook as TaggedHook
}

/** `slots`: where the guards put the user and the org (`request.user` and `request.org`, or the names configured). */
export function createGuards (verifier: TokenVerifier, slots: RequestSlots = requestSlots(DEFAULT_REQUEST_DECORATORS)): PropelAuthGuards {
  /** Verifies the request's token; on failure sets the challenge and returns the 401 error. */
  function authenticate (request: FastifyRequest, reply: FastifyReply): User | AuthenticationError {
    const result = verifier.verifyAuthorizationHeader(request.headers.authorization)
    if (result instanceof Rejection) {
      reply.header('www-authenticate', CHALLENGE[result.reason])
      return authenticationError(result.reason)
    }
    slots.setUser(request, result)
    return result
  }

  const requireUser: PropelAuthHook = function requireUser (request, reply, done) {
    const user = authenticate(request, reply)
    if (user instanceof Error) {
      done(user)
      return
    }
    done()
  }

  const optionalUser: PropelAuthHook = function optionalUser (request, _reply, done) {
    const result = verifier.verifyAuthorizationHeader(request.headers.authorization)
    slots.setUser(request, result instanceof Rejection ? null : result)
    done()
  }

  function orgGuard (factory: string, rawOptions: unknown, requirement: string, check: OrgCheck | undefined): TaggedHook {
    const options = checkOrgOptions(factory, rawOptions)
    const { orgId: orgIdOf, orgName: orgNameOf } = options
    const useParams = orgIdOf === undefined && orgNameOf === undefined
    const hook: PropelAuthHook = function requireOrgMember (request, reply, done) {
      const user = authenticate(request, reply)
      if (user instanceof Error) {
        done(user)
        return
      }
      const org = useParams
        ? findOrg(user, (request.params as { orgId?: unknown } | undefined)?.orgId, undefined)
        : findOrg(user, orgIdOf?.(request), orgNameOf?.(request))
      const denied = org === undefined ? new NotOrgMemberError() : check?.(org)
      if (denied !== undefined) {
        reply.header('www-authenticate', FORBIDDEN_CHALLENGE)
        done(denied)
        return
      }
      slots.setOrg(request, org as OrgMemberInfo)
      done()
    }
    return tag(hook, { kind: 'org', requirement: describeOrg(options) + requirement })
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
    if (result instanceof Rejection) throw authenticationError(result.reason)
    return result
  }
  async function validateInOrg (header: string | undefined, required: RequiredOrgInfo, check: OrgCheck | undefined): Promise<UserAndOrgMemberInfo> {
    const user = await validateUser(header)
    const orgMemberInfo = findOrg(user, required?.orgId, required?.orgName)
    if (orgMemberInfo === undefined) throw new NotOrgMemberError()
    const denied = check?.(orgMemberInfo)
    if (denied !== undefined) throw denied
    return { user, orgMemberInfo }
  }

  return {
    requireUser: tag(requireUser, { kind: 'user', requirement: 'signed-in user' }),
    optionalUser: tag(optionalUser, { kind: 'optional', requirement: 'signed-in user, optional' }),
    requireOrgMember: (options) => orgGuard('requireOrgMember', options, '', undefined),
    requireOrgMemberWithMinimumRole: (role, options) => {
      const name = requireNonEmptyString('requireOrgMemberWithMinimumRole', 'role', role)
      return orgGuard('requireOrgMemberWithMinimumRole', options, ` with role at least ${name}`, minimumRole(name))
    },
    requireOrgMemberWithExactRole: (role, options) => {
      const name = requireNonEmptyString('requireOrgMemberWithExactRole', 'role', role)
      return orgGuard('requireOrgMemberWithExactRole', options, ` with role exactly ${name}`, exactRole(name))
    },
    requireOrgMemberWithPermission: (name, options) => {
      const checked = requireNonEmptyString('requireOrgMemberWithPermission', 'permission', name)
      return orgGuard('requireOrgMemberWithPermission', options, ` with permission ${checked}`, permission(checked))
    },
    requireOrgMemberWithAllPermissions: (names, options) => {
      const checked = requireStringList('requireOrgMemberWithAllPermissions', names)
      const requirement = checked.length === 0 ? '' : ` with permissions ${checked.join(', ')}`
      return orgGuard('requireOrgMemberWithAllPermissions', options, requirement, allPermissions(checked))
    },
    validateAccessTokenAndGetUser: validateUser,
    validateAccessTokenAndGetUserClass: validateUser,
    validateAccessTokenAndGetUserWithOrgInfo: (header, required) => validateInOrg(header, required, undefined),
    validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole: (header, required, role) => validateInOrg(header, required, minimumRole(role)),
    validateAccessTokenAndGetUserWithOrgInfoWithExactRole: (header, required, role) => validateInOrg(header, required, exactRole(role)),
    validateAccessTokenAndGetUserWithOrgInfoWithPermission: (header, required, name) => validateInOrg(header, required, permission(name)),
    validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions: (header, required, names) => validateInOrg(header, required, allPermissions(names))
  }
}
