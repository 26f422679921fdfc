import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import { CrossSiteRequestError, type AuthorizationError } from '../errors.js'
import { CrossSiteRefusal } from '../sources/cross-site.js'
import { createTokenReader, isWebSocketUpgrade } from '../sources/read-token.js'
import { resolveTokenFrom } from '../sources/resolve-token-from.js'
import type { ResolvedTokenFrom, TokenFrom } from '../sources/token-from.js'
import type { Rejection } from '../token/rejection.js'
import { User, type OrgMemberInfo } from '../token/user.js'
import type { TokenVerifier } from '../token/verifier.js'
import { requireNonEmptyString } from '../options/option-checks.js'
import type { PropelAuthPermissionName, PropelAuthRoleName } from '../options/declared-names.js'
import { tagGuard, type GuardInfo, type PropelAuthHook } from './guard-tag.js'
import {
  allPermissions,
  describeRequestedOrg,
  exactRole,
  findOrg,
  membership,
  minimumRole,
  orgDenial,
  orgLocator,
  permission,
  requirePermissionList,
  type OrgRequirement,
  type RequestedOrg,
  type RequiredOrgInfo,
  type RequiredOrgOptions
} from './org-requirements.js'
import { orgRefusalError, tokenRefusalError } from './refusal-errors.js'
import type { RefusalLog } from './refusal-log.js'
import type { RequestSlots } from './request-slots.js'
import { carriersOf, isHeaderOnly, missingTokenMessage } from './token-carriers.js'
import { closeConnectionAtExpiry } from './websocket-expiry.js'

// The access-token guards. Each is the same steps in the same order: read the
// token (its sources), verify it, find the org the route names, check the role
// or permission, then admit (the user and org go on the request) or refuse (one
// error, logged once). A guard that refuses sets nothing on the request.

export interface UserAndOrgMemberInfo {
  user: User
  orgMemberInfo: OrgMemberInfo
}

/** The guards that read an access token from the request; `from(…)` makes a set that reads it elsewhere. */
export interface PropelAuthTokenGuards {
  /** 401 unless the request carries a valid access token; sets `request.user`. */
  requireUser: PropelAuthHook
  /** Never rejects: sets `request.user` for a valid token, leaves it null otherwise. */
  optionalUser: PropelAuthHook
  /** 401 without a valid token; 403 unless the user is a member of the org. Sets `request.user` and `request.org`. */
  requireOrgMember: (options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user's role is `role` or one that inherits it (multi-role orgs: holds it). */
  requireOrgMemberWithMinimumRole: (role: PropelAuthRoleName, options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user's role is exactly `role` (multi-role orgs: assigned or additional). */
  requireOrgMemberWithExactRole: (role: PropelAuthRoleName, options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user has `permission` in the org. */
  requireOrgMemberWithPermission: (permission: PropelAuthPermissionName, options?: RequiredOrgOptions) => PropelAuthHook
  /** As `requireOrgMember`, and the user has every one of `permissions` in the org (an empty list passes). */
  requireOrgMemberWithAllPermissions: (permissions: readonly PropelAuthPermissionName[], options?: RequiredOrgOptions) => PropelAuthHook
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
  validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, minimumRole: PropelAuthRoleName) => Promise<UserAndOrgMemberInfo>
  validateAccessTokenAndGetUserWithOrgInfoWithExactRole: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, role: PropelAuthRoleName) => Promise<UserAndOrgMemberInfo>
  validateAccessTokenAndGetUserWithOrgInfoWithPermission: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, permission: PropelAuthPermissionName) => Promise<UserAndOrgMemberInfo>
  validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions: (authorizationHeader: string | undefined, requiredOrgInfo: RequiredOrgInfo, permissions: readonly PropelAuthPermissionName[]) => Promise<UserAndOrgMemberInfo>
}

interface GuardsOptions {
  /** Where the default guards take the token from (option `tokenFrom`). */
  tokenFrom: ResolvedTokenFrom
  /** Logs each refusal; outside a request (`validateAccessTokenAndGetUser…`) on the instance's logger. */
  logRefusal: RefusalLog
  /** Seconds of leeway on `exp`, also given to WebSocket connections before they are closed. */
  clockTolerance: number
  /** Where the guards put the user and the org (`request.user` and `request.org`, or the names configured). */
  slots: RequestSlots
}

export function createGuards (verifier: TokenVerifier, options: GuardsOptions): PropelAuthGuards {
  const { logRefusal, clockTolerance, slots } = options

  /**
   * Refuses a token: its 401 (or the cross-site 403), logged once with the precise
   * reason. `missingMessage`: the message of a missing token that names the
   * guard's sources; the `Authorization` header's message without it.
   */
  function refuseToken (result: Rejection | CrossSiteRefusal, log?: FastifyBaseLogger, missingMessage?: string): Error {
    if (result instanceof CrossSiteRefusal) {
      const error = new CrossSiteRequestError()
      logRefusal({ code: error.code, cause: 'cross-site-request' }, result.detail, log)
      return error
    }
    const error = tokenRefusalError(result.reason, missingMessage)
    logRefusal({ code: error.code, cause: result.cause, ...result.facts }, result.detail, log)
    return error
  }

  /** Refuses a verified user the org: its 403, logged once with the org the request named. */
  function refuseOrg (denied: AuthorizationError, org: OrgMemberInfo | undefined, user: User, requested: RequestedOrg, log?: FastifyBaseLogger): Error {
    logRefusal({ code: denied.code, cause: org === undefined ? 'not-org-member' : 'org-requirement', userId: user.userId },
      `${denied.message} (org ${describeRequestedOrg(requested)})`, log)
    return orgRefusalError(denied)
  }

  function tokenGuards (sources: ResolvedTokenFrom): PropelAuthTokenGuards {
    const reader = createTokenReader(sources)
    const carriers = carriersOf(sources)
    // Made once per set of guards, so that a refusal only reads it.
    const missingMessage = missingTokenMessage(carriers)
    // What the routes' checks (the route audit) and the OpenAPI annotation need to know of the sources.
    const sourceFacts: Pick<GuardInfo, 'readsCookies' | 'carriers' | 'queryParameters'> = {
      ...(reader.readsCookies ? { readsCookies: true } : {}),
      ...(isHeaderOnly(carriers) ? {} : { carriers }),
      ...(reader.queryParameters.length > 0 ? { queryParameters: reader.queryParameters } : {})
    }

    /** Reads the request's token and verifies it: the user, or the refusal to fail with. */
    function authenticate (request: FastifyRequest): User | Error {
      const token = reader.read(request)
      if (typeof token !== 'string') return refuseToken(token, request.log, missingMessage)
      const user = verifier.verifyToken(token)
      // One check on the path of an accepted token: anything but a User is a refusal.
      return user instanceof User ? user : refuseToken(user, request.log)
    }

    /** Puts what the guard verified on the request. A WebSocket connection must not outlive the token that opened it. */
    function admit (request: FastifyRequest, user: User, org?: OrgMemberInfo): void {
      slots.setUser(request, user)
      if (org !== undefined) slots.setOrg(request, org)
      if (isWebSocketUpgrade(request)) {
        const token = reader.read(request)
        if (typeof token === 'string') closeConnectionAtExpiry(request, token, clockTolerance)
      }
    }

    const requireUser: PropelAuthHook = function requireUser (request, _reply, done) {
      const user = authenticate(request)
      if (user instanceof Error) {
        done(user)
        return
      }
      admit(request, user)
      done()
    }

    const optionalUser: PropelAuthHook = function optionalUser (request, _reply, done) {
      const token = reader.read(request)
      const user = typeof token === 'string' ? verifier.verifyToken(token) : token
      if (user instanceof User) admit(request, user)
      else slots.setUser(request, null)
      done()
    }

    function orgGuard (factory: string, orgOptions: unknown, requirement: OrgRequirement): PropelAuthHook {
      const locator = orgLocator(factory, orgOptions)
      const hook: PropelAuthHook = function requireOrgMember (request, _reply, done) {
        const user = authenticate(request)
        if (user instanceof Error) {
          done(user)
          return
        }
        const requested = locator.read(request)
        const org = findOrg(user, requested)
        const denied = orgDenial(org, requirement.check)
        if (denied !== undefined) {
          done(refuseOrg(denied, org, user, requested, request.log))
          return
        }
        admit(request, user, org)
        done()
      }
      return tagGuard(hook, {
        kind: 'org',
        requirement: locator.description + requirement.description,
        ...(locator.readsOrgIdParam ? { readsOrgIdParam: true } : {}),
        ...sourceFacts
      })
    }

    return {
      requireUser: tagGuard(requireUser, { kind: 'user', requirement: 'signed-in user', ...sourceFacts }),
      optionalUser: tagGuard(optionalUser, { kind: 'optional', requirement: 'signed-in user, optional', ...sourceFacts }),
      requireOrgMember: (orgOptions) => orgGuard('requireOrgMember', orgOptions, membership),
      requireOrgMemberWithMinimumRole: (role, orgOptions) => {
        const factory = 'requireOrgMemberWithMinimumRole'
        return orgGuard(factory, orgOptions, minimumRole(requireNonEmptyString(factory, 'role', role)))
      },
      requireOrgMemberWithExactRole: (role, orgOptions) => {
        const factory = 'requireOrgMemberWithExactRole'
        return orgGuard(factory, orgOptions, exactRole(requireNonEmptyString(factory, 'role', role)))
      },
      requireOrgMemberWithPermission: (name, orgOptions) => {
        const factory = 'requireOrgMemberWithPermission'
        return orgGuard(factory, orgOptions, permission(requireNonEmptyString(factory, 'permission', name)))
      },
      requireOrgMemberWithAllPermissions: (names, orgOptions) => {
        const factory = 'requireOrgMemberWithAllPermissions'
        return orgGuard(factory, orgOptions, allPermissions(requirePermissionList(factory, names)))
      }
    }
  }

  // Outside routes: the same steps on the header's token, as promises that reject with the same errors.
  async function validateUser (authorizationHeader: string | undefined): Promise<User> {
    const result = verifier.verifyAuthorizationHeader(authorizationHeader)
    if (!(result instanceof User)) throw refuseToken(result)
    return result
  }
  async function validateInOrg (header: string | undefined, required: RequiredOrgInfo, requirement: OrgRequirement): Promise<UserAndOrgMemberInfo> {
    const user = await validateUser(header)
    const requested: RequestedOrg = { orgId: required?.orgId, orgName: required?.orgName }
    const orgMemberInfo = findOrg(user, requested)
    const denied = orgDenial(orgMemberInfo, requirement.check)
    if (denied !== undefined) throw refuseOrg(denied, orgMemberInfo, user, requested)
    return { user, orgMemberInfo: orgMemberInfo as OrgMemberInfo }
  }

  const from = (tokenFrom: TokenFrom): PropelAuthTokenGuards =>
    tokenGuards(resolveTokenFrom('from(tokenFrom)', tokenFrom))

  return {
    ...tokenGuards(options.tokenFrom),
    from,
    validateAccessTokenAndGetUser: validateUser,
    validateAccessTokenAndGetUserClass: validateUser,
    validateAccessTokenAndGetUserWithOrgInfo: (header, required) => validateInOrg(header, required, membership),
    validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole: (header, required, role) => validateInOrg(header, required, minimumRole(role)),
    validateAccessTokenAndGetUserWithOrgInfoWithExactRole: (header, required, role) => validateInOrg(header, required, exactRole(role)),
    validateAccessTokenAndGetUserWithOrgInfoWithPermission: (header, required, name) => validateInOrg(header, required, permission(name)),
    validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions: (header, required, names) => validateInOrg(header, required, allPermissions(names))
  }
}
