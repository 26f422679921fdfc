import { LOGIN_METHOD_KINDS, type LoginMethodKind } from './claims.js'
import { deepFreeze } from '../util/deep-freeze.js'
import { isPlainObject } from '../util/is-plain-object.js'
import type { PropelAuthPermissionName, PropelAuthRoleName } from '../options/declared-names.js'

export type OrgRoleStructure = 'single_role_in_hierarchy' | 'multi_role'

export interface LoginMethod {
  loginMethod: LoginMethodKind
  provider?: string
  orgId?: string
}

/** Thrown while mapping claims that do not have PropelAuth's shape; the verifier turns it into a 401. */
export class ClaimsShapeError extends Error {
  override name = 'ClaimsShapeError'
}

/**
 * A user's membership in one org, with PropelAuth's role semantics: in
 * `single_role_in_hierarchy` orgs roles inherit (an Admin is at least a Member),
 * in `multi_role` orgs a user holds an assigned role plus additional roles and
 * nothing is inherited.
 */
export class OrgMemberInfo {
  readonly orgId: string
  readonly orgName: string
  readonly urlSafeOrgName: string
  readonly orgMetadata: Readonly<Record<string, unknown>>
  readonly userAssignedRole: string
  readonly userInheritedRolesPlusCurrentRole: readonly string[]
  readonly userPermissions: readonly string[]
  readonly orgRoleStructure: OrgRoleStructure
  readonly userAssignedAdditionalRoles: readonly string[]
  readonly legacyOrgId?: string

  constructor (fields: {
    orgId: string
    orgName: string
    urlSafeOrgName: string
    orgMetadata: Record<string, unknown>
    userAssignedRole: string
    userInheritedRolesPlusCurrentRole: string[]
    userPermissions: string[]
    orgRoleStructure?: OrgRoleStructure
    userAssignedAdditionalRoles?: string[]
    legacyOrgId?: string
  }) {
    this.orgId = fields.orgId
    this.orgName = fields.orgName
    this.urlSafeOrgName = fields.urlSafeOrgName
    this.orgMetadata = fields.orgMetadata
    this.userAssignedRole = fields.userAssignedRole
    this.userInheritedRolesPlusCurrentRole = fields.userInheritedRolesPlusCurrentRole
    this.userPermissions = fields.userPermissions
    this.orgRoleStructure = fields.orgRoleStructure ?? 'single_role_in_hierarchy'
    this.userAssignedAdditionalRoles = fields.userAssignedAdditionalRoles ?? []
    if (fields.legacyOrgId !== undefined) this.legacyOrgId = fields.legacyOrgId
  }

  /** Alias of `userAssignedRole`, as in PropelAuth's Node library. */
  get assignedRole (): string { return this.userAssignedRole }
  /** Alias of `userPermissions`. */
  get permissions (): readonly string[] { return this.userPermissions }
  /** Alias of `userInheritedRolesPlusCurrentRole`. */
  get inheritedRolesPlusCurrentRole (): readonly string[] { return this.userInheritedRolesPlusCurrentRole }

  isRole (role: PropelAuthRoleName): boolean {
    if (this.orgRoleStructure === 'multi_role') {
      return this.userAssignedRole === role || this.userAssignedAdditionalRoles.includes(role)
    }
    return this.userAssignedRole === role
  }

  isAtLeastRole (role: PropelAuthRoleName): boolean {
    if (this.orgRoleStructure === 'multi_role') return this.isRole(role)
    return this.userInheritedRolesPlusCurrentRole.includes(role)
  }

  hasPermission (permission: PropelAuthPermissionName): boolean {
    return this.userPermissions.includes(permission)
  }

  /** True when every permission is held; an empty list is true, as in PropelAuth. */
  hasAllPermissions (permissions: readonly PropelAuthPermissionName[]): boolean {
    for (const permission of permissions) {
      if (!this.userPermissions.includes(permission)) return false
    }
    return true
  }
}

export interface UserFields {
  userId: string
  email: string
  firstName?: string
  lastName?: string
  username?: string
  properties?: Record<string, unknown>
  metadata?: Record<string, unknown>
  legacyUserId?: string
  impersonatorUserId?: string
  activeOrgId?: string
  loginMethod: LoginMethod
  orgIdToOrgMemberInfo?: Record<string, OrgMemberInfo>
}

/**
 * The user an access token describes: the fields of PropelAuth's Node `User`
 * and the methods of its `UserClass`. Instances are frozen, because a verified
 * token's user is cached and shared by every request that carries that token.
 */
export class User {
  readonly userId: string
  readonly email: string
  readonly firstName?: string
  readonly lastName?: string
  readonly username?: string
  readonly properties?: Readonly<Record<string, unknown>>
  readonly metadata?: Readonly<Record<string, unknown>>
  readonly legacyUserId?: string
  readonly impersonatorUserId?: string
  readonly activeOrgId?: string
  readonly loginMethod: LoginMethod
  /** Orgs keyed by org id; a null-prototype object, so look orgs up with `getOrg`. */
  readonly orgIdToOrgMemberInfo?: Readonly<Record<string, OrgMemberInfo>>

  constructor (fields: UserFields) {
    this.userId = fields.userId
    this.email = fields.email
    this.firstName = fields.firstName
    this.lastName = fields.lastName
    this.username = fields.username
    this.properties = fields.properties
    this.metadata = fields.metadata
    this.legacyUserId = fields.legacyUserId
    this.impersonatorUserId = fields.impersonatorUserId
    this.activeOrgId = fields.activeOrgId
    this.loginMethod = fields.loginMethod
    this.orgIdToOrgMemberInfo = fields.orgIdToOrgMemberInfo
  }

  getOrg (orgId: string): OrgMemberInfo | undefined {
    const orgs = this.orgIdToOrgMemberInfo
    if (orgs === undefined || typeof orgId !== 'string' || !Object.hasOwn(orgs, orgId)) return undefined
    return orgs[orgId]
  }

  /**
   * Finds an org by name the way PropelAuth's Node library does: the name is
   * lower-cased, spaces become dashes, and the result is compared with
   * `urlSafeOrgName`, so "Acme Inc", "ACME INC" and "acme-inc" all match.
   */
  getOrgByName (orgName: string): OrgMemberInfo | undefined {
    if (typeof orgName !== 'string') return undefined
    const urlSafeName = orgName.toLowerCase().replaceAll(' ', '-')
    for (const org of this.getOrgs()) {
      if (org.urlSafeOrgName === urlSafeName) return org
    }
    return undefined
  }

  getOrgs (): OrgMemberInfo[] {
    return this.orgIdToOrgMemberInfo === undefined ? [] : Object.values(this.orgIdToOrgMemberInfo)
  }

  /** The orgs under the name PropelAuth's Node `UserClass` gives them; the same object as `orgIdToOrgMemberInfo`. */
  get orgIdToUserOrgInfo (): Readonly<Record<string, OrgMemberInfo>> | undefined {
    return this.orgIdToOrgMemberInfo
  }

  getActiveOrg (): OrgMemberInfo | undefined {
    return this.activeOrgId === undefined ? undefined : this.getOrg(this.activeOrgId)
  }

  getActiveOrgId (): string | undefined {
    return this.activeOrgId
  }

  getUserProperty (key: string): unknown {
    const properties = this.properties
    if (properties === undefined || !Object.hasOwn(properties, key)) return undefined
    return properties[key]
  }

  isImpersonating (): boolean {
    return this.impersonatorUserId !== undefined && this.impersonatorUserId !== ''
  }

  isRole (orgId: string, role: PropelAuthRoleName): boolean {
    return this.getOrg(orgId)?.isRole(role) ?? false
  }

  isAtLeastRole (orgId: string, role: PropelAuthRoleName): boolean {
    return this.getOrg(orgId)?.isAtLeastRole(role) ?? false
  }

  hasPermission (orgId: string, permission: PropelAuthPermissionName): boolean {
    return this.getOrg(orgId)?.hasPermission(permission) ?? false
  }

  hasAllPermissions (orgId: string, permissions: readonly PropelAuthPermissionName[]): boolean {
    return this.getOrg(orgId)?.hasAllPermissions(permissions) ?? false
  }
}

// --- claims → User ----------------------------------------------------------------
// PropelAuth always signs these shapes; a token whose claims have other types is
// refused rather than turned into a user the claims do not really describe.
// Optional claims given as null count as absent.

function fail (what: string): never {
  throw new ClaimsShapeError(what)
}

function optionalString (claims: Record<string, unknown>, key: string): string | undefined {
  const value = claims[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') fail(`claim ${key} must be a string`)
  return value
}

function optionalObject (claims: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = claims[key]
  if (value === undefined || value === null) return undefined
  if (!isPlainObject(value)) fail(`claim ${key} must be an object`)
  return frozenJsonObject(value)
}

function requiredString (claims: Record<string, unknown>, key: string): string {
  const value = claims[key]
  if (typeof value !== 'string') fail(`claim ${key} must be a string`)
  return value
}

function stringArray (claims: Record<string, unknown>, key: string, required: boolean): string[] {
  const value = claims[key]
  if ((value === undefined || value === null) && !required) return NO_STRINGS
  if (!Array.isArray(value)) fail(`claim ${key} must be an array of strings`)
  for (const item of value) {
    if (typeof item !== 'string') fail(`claim ${key} must be an array of strings`)
  }
  return value.length === 0 ? NO_STRINGS : Object.freeze(value) as string[]
}

// Empty arrays and objects are common in tokens (additional_roles, org_metadata);
// sharing one frozen instance saves a freeze per token on the uncached path.
const NO_STRINGS = Object.freeze([]) as unknown as string[]
const EMPTY_OBJECT: Record<string, unknown> = Object.freeze({})

function frozenJsonObject (value: Record<string, unknown>): Record<string, unknown> {
  for (const key in value) {
    if (Object.hasOwn(value, key)) return deepFreeze(value)
  }
  return EMPTY_OBJECT
}

function orgMemberInfoFromClaims (claims: unknown): OrgMemberInfo {
  if (!isPlainObject(claims)) fail('org member info must be an object')
  const structure = claims.org_role_structure
  if (structure !== undefined && structure !== null && typeof structure !== 'string') {
    fail('claim org_role_structure must be a string')
  }
  const metadata = claims.org_metadata
  if (!isPlainObject(metadata)) fail('claim org_metadata must be an object')
  // Read straight into the fields: this runs for every org of every new token.
  return Object.freeze(new OrgMemberInfo({
    orgId: requiredString(claims, 'org_id'),
    orgName: requiredString(claims, 'org_name'),
    urlSafeOrgName: requiredString(claims, 'url_safe_org_name'),
    orgMetadata: frozenJsonObject(metadata),
    userAssignedRole: requiredString(claims, 'user_role'),
    userInheritedRolesPlusCurrentRole: stringArray(claims, 'inherited_user_roles_plus_current_role', true),
    userPermissions: stringArray(claims, 'user_permissions', true),
    // Any structure other than multi_role behaves as the single-role hierarchy, as in PropelAuth's libraries.
    orgRoleStructure: structure === 'multi_role' ? 'multi_role' : 'single_role_in_hierarchy',
    userAssignedAdditionalRoles: stringArray(claims, 'additional_roles', false),
    legacyOrgId: optionalString(claims, 'legacy_org_id')
  }))
}

/**
 * One frozen instance per kind, for login methods that carry nothing but their
 * kind (a password or magic-link sign-in, say): those need nothing built per
 * token, and every user may share them since they are frozen.
 */
const BARE_LOGIN_METHODS = new Map<string, LoginMethod>(LOGIN_METHOD_KINDS.map((kind) => [kind, Object.freeze({ loginMethod: kind })]))
const UNKNOWN_LOGIN_METHOD = BARE_LOGIN_METHODS.get('unknown') as LoginMethod

function loginMethodFromClaims (value: unknown): LoginMethod {
  if (value === undefined || value === null) return UNKNOWN_LOGIN_METHOD
  if (!isPlainObject(value)) fail('claim login_method must be an object')
  const kind = value.login_method
  // Unknown kinds map to `unknown` and providers pass through unchecked, like the Node library.
  const bare = typeof kind === 'string' ? BARE_LOGIN_METHODS.get(kind) : undefined
  if (bare === undefined) return UNKNOWN_LOGIN_METHOD
  const provider = kind === 'social_sso' || kind === 'saml_sso' ? optionalString(value, 'provider') : undefined
  const orgId = kind === 'saml_sso' ? optionalString(value, 'org_id') : undefined
  if (provider === undefined && orgId === undefined) return bare
  const method: LoginMethod = { loginMethod: kind as LoginMethodKind }
  if (provider !== undefined) method.provider = provider
  if (orgId !== undefined) method.orgId = orgId
  return Object.freeze(method)
}

function orgsFromClaims (claims: Record<string, unknown>): { orgs?: Record<string, OrgMemberInfo>, activeOrgId?: string } {
  const active = claims.org_member_info
  if (active !== undefined && active !== null) {
    // An active-org token: that org is the user's only org, and `org_id_to_org_member_info` is ignored.
    const org = orgMemberInfoFromClaims(active)
    const orgs: Record<string, OrgMemberInfo> = Object.create(null)
    orgs[org.orgId] = org
    return { orgs: Object.freeze(orgs), activeOrgId: org.orgId }
  }
  const map = claims.org_id_to_org_member_info
  if (map === undefined || map === null) return {}
  if (!isPlainObject(map)) fail('claim org_id_to_org_member_info must be an object')
  const orgs: Record<string, OrgMemberInfo> = Object.create(null)
  for (const key of Object.keys(map)) {
    const entry = map[key]
    // The Node library skips empty entries; keep that leniency, it grants nothing.
    if (entry === null || entry === undefined || entry === false) continue
    // PropelAuth's Python library skips a membership whose role is null (no role
    // in that org): the user is then not a member of it, and the rest of the
    // token still counts. Refusing the whole token would lock the user out.
    if (isPlainObject(entry) && entry.user_role === null) continue
    const org = orgMemberInfoFromClaims(entry)
    if (org.orgId !== key) fail('org_id_to_org_member_info key does not match its org_id')
    orgs[key] = org
  }
  return { orgs: Object.freeze(orgs) }
}

/**
 * Maps verified claims to a `User`, refusing claims PropelAuth would not sign:
 * `user_id` must be a non-empty string (PropelAuth's Node library does not check
 * this; a user with no id is never what a route expects), and `email` a string,
 * as PropelAuth's access tokens always carry one and its Node `User` types it.
 */
export function userFromClaims (claims: Record<string, unknown>): User {
  const userId = claims.user_id
  if (typeof userId !== 'string' || userId.length === 0) fail('claim user_id must be a non-empty string')
  const { orgs, activeOrgId } = orgsFromClaims(claims)
  return Object.freeze(new User({
    userId,
    email: requiredString(claims, 'email'),
    firstName: optionalString(claims, 'first_name'),
    lastName: optionalString(claims, 'last_name'),
    username: optionalString(claims, 'username'),
    properties: optionalObject(claims, 'properties'),
    metadata: optionalObject(claims, 'metadata'),
    legacyUserId: optionalString(claims, 'legacy_user_id'),
    impersonatorUserId: optionalString(claims, 'impersonator_user_id'),
    activeOrgId,
    loginMethod: loginMethodFromClaims(claims.login_method),
    orgIdToOrgMemberInfo: orgs
  }))
}
