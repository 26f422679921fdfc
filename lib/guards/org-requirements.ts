import type { FastifyRequest } from 'fastify'
import {
  InsufficientRoleError,
  MissingPermissionError,
  NotOrgMemberError,
  WrongRoleError,
  type AuthorizationError
} from '../errors.js'
import { invalidOption } from '../options/option-checks.js'
import type { OrgMemberInfo, User } from '../token/user.js'

// The org stages of the org guards: which org a request names, the user's
// membership of it, and the role or permission the guard requires, with
// PropelAuth's semantics (the methods of OrgMemberInfo).

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

/** What a request names, as read from the route: values of the request, not yet checked. */
export interface RequestedOrg {
  orgId: unknown
  orgName: unknown
}

/** The requirement past membership: undefined when the member meets it, else the 403 to answer. */
type OrgCheck = (org: OrgMemberInfo) => AuthorizationError | undefined

/** The org a route's guard looks for: `request.params.orgId`, or what the options' functions return. */
interface OrgLocator {
  read: (request: FastifyRequest) => RequestedOrg
  /** The requirement's words for the route's description. */
  description: string
  /** The org is the route parameter `orgId`. */
  readsOrgIdParam: boolean
}

export function orgLocator (factory: string, options: unknown): OrgLocator {
  if (options === undefined) {
    return { read: (request) => ({ orgId: (request.params as { orgId?: unknown } | undefined)?.orgId, orgName: undefined }), description: 'member of the org in `orgId`', readsOrgIdParam: true }
  }
  if (typeof options !== 'object' || options === null) {
    invalidOption(`${factory}: options must be { orgId?: (request) => string, orgName?: (request) => string }`)
  }
  const { orgId, orgName } = options as RequiredOrgOptions
  for (const [name, value] of [['orgId', orgId], ['orgName', orgName]] as const) {
    if (value !== undefined && typeof value !== 'function') {
      invalidOption(`${factory}: option \`${name}\` must be a function of the request returning the org ${name === 'orgId' ? 'id' : 'name'}`)
    }
  }
  if (orgId === undefined && orgName === undefined) return orgLocator(factory, undefined)
  return { read: (request) => ({ orgId: orgId?.(request), orgName: orgName?.(request) }), description: 'member of the org the route names', readsOrgIdParam: false }
}

/** Finds the org as PropelAuth's Node library does: by id, by name or url-safe name, or both. */
export function findOrg (user: User, { orgId, orgName }: RequestedOrg): OrgMemberInfo | undefined {
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

/** Membership, then the requirement: the 403 a user gets for the org, or undefined when admitted. */
export function orgDenial (org: OrgMemberInfo | undefined, check: OrgCheck | undefined): AuthorizationError | undefined {
  return org === undefined ? new NotOrgMemberError() : check?.(org)
}

/** The org a refused request asked for, for the refusal log: ids and names are the route's input, not token claims. */
export function describeRequestedOrg ({ orgId, orgName }: RequestedOrg): string {
  const parts: string[] = []
  if (typeof orgId === 'string') parts.push(`id ${JSON.stringify(orgId.slice(0, 100))}`)
  if (typeof orgName === 'string') parts.push(`name ${JSON.stringify(orgName.slice(0, 100))}`)
  return parts.length > 0 ? parts.join(', ') : 'not named by the request'
}

/** A requirement of an org guard: its check, and its words for the route's description. */
export interface OrgRequirement {
  check: OrgCheck | undefined
  description: string
}

export const membership: OrgRequirement = { check: undefined, description: '' }

// Each takes names already checked: the guard factories check their arguments
// at registration, the checks outside routes take what PropelAuth's Node library takes.

export function minimumRole (role: string): OrgRequirement {
  return { check: (org) => org.isAtLeastRole(role) ? undefined : new InsufficientRoleError(role), description: ` with role at least ${role}` }
}

export function exactRole (role: string): OrgRequirement {
  return { check: (org) => org.isRole(role) ? undefined : new WrongRoleError(role), description: ` with role exactly ${role}` }
}

export function permission (name: string): OrgRequirement {
  return { check: (org) => org.hasPermission(name) ? undefined : new MissingPermissionError(name), description: ` with permission ${name}` }
}

export function allPermissions (names: readonly string[]): OrgRequirement {
  return {
    check: (org) => {
      const missing = names.find((name) => !org.hasPermission(name))
      return missing === undefined ? undefined : new MissingPermissionError(missing)
    },
    description: names.length === 0 ? '' : ` with permissions ${names.join(', ')}`
  }
}

/** The `permissions` argument of a guard factory: a list of non-empty names. */
export function requirePermissionList (factory: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    invalidOption(`${factory}(permissions) expects an array of permission names`)
  }
  return Object.freeze([...value])
}
