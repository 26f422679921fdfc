import { deepFreeze } from '../../util/deep-freeze.js'
import { OrgMemberInfo, User } from '../../token/user.js'
import type { ApiKeyOrg, ApiKeyValidation, UserMetadata } from '../types.js'
import { isPlainObject } from '../../util/is-plain-object.js'

// How PropelAuth's answer for an end-user API key becomes `request.user` and
// `request.org`:
// - the key's user (personal keys, and org keys made by a user) is a `User` with
//   the user's fields, `loginMethod: { loginMethod: 'unknown' }` (no login
//   happened) and, for an org key, `activeOrgId` set to the key's org;
// - `request.org` is the user's membership in the key's org; for an org key that
//   belongs to no member, an OrgMemberInfo of the org with no role and no
//   permissions, so role and permission checks on it fail;
// - personal keys leave `request.org` null; org keys with no user leave `request.user` null.
//
// Only an answer of the shape PropelAuth gives is turned into one: a user or an
// org (or both) with their ids, memberships that are memberships. Anything else
// (`{}`, `true`, `[]`, `{ "status": "ok" }`, a membership with a role that is not
// a string) says nothing about who is calling, and admitting it would let in a
// request nobody vouched for; `problemWith` names what is wrong instead.

export interface Verdict {
  validation: ApiKeyValidation
  user: User | null
  org: OrgMemberInfo | null
}

/** Absent or null: PropelAuth's other libraries read both as "not there". */
function isAbsent (value: unknown): value is undefined | null {
  return value === undefined || value === null
}

function isNonEmptyString (value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

function isStringArray (value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

/** An OrgMemberInfo whose role checks mean something: the API client makes one of every membership with the seven fields. */
function isMembership (value: unknown): value is OrgMemberInfo {
  return value instanceof OrgMemberInfo &&
    isNonEmptyString(value.orgId) &&
    typeof value.orgName === 'string' &&
    typeof value.userAssignedRole === 'string' &&
    isStringArray(value.userInheritedRolesPlusCurrentRole) &&
    isStringArray(value.userPermissions) &&
    isStringArray(value.userAssignedAdditionalRoles)
}

/** What is wrong with an answer to validateApiKey, or undefined when it can be acted on. */
export function problemWith (answer: unknown): string | undefined {
  if (!isPlainObject(answer)) return 'it is not a JSON object'
  const { user, org, userInOrg, metadata } = answer
  if (isAbsent(user) && isAbsent(org)) return 'it names no user and no org'
  if (!isAbsent(user)) {
    if (!isPlainObject(user) || !isNonEmptyString(user.userId)) return 'its user has no user_id'
    const orgs = user.orgIdToOrgInfo
    if (!isAbsent(orgs)) {
      if (!isPlainObject(orgs)) return 'its user\'s org_id_to_org_info is not an object'
      for (const [orgId, membership] of Object.entries(orgs)) {
        if (!isMembership(membership) || membership.orgId !== orgId) return 'its user\'s org_id_to_org_info holds something that is not a membership of that org'
      }
    }
  }
  if (!isAbsent(org) && (!isPlainObject(org) || !isNonEmptyString(org.orgId))) return 'its org has no org_id'
  if (!isAbsent(userInOrg)) {
    if (!isMembership(userInOrg)) return 'its user_in_org is not a membership'
    if (!isPlainObject(org) || userInOrg.orgId !== org.orgId) return 'its user_in_org is not a membership of its org'
  }
  if (!isAbsent(metadata) && !isPlainObject(metadata)) return 'its metadata is not an object'
  return undefined
}

function withNullPrototype<T> (entries: Array<[string, T]>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries))
}

/** The org of an org key that belongs to no member: no role, no permission. */
function orgWithoutMember (org: ApiKeyOrg): OrgMemberInfo {
  const orgName = org.orgName
  return new OrgMemberInfo({
    orgId: org.orgId,
    orgName,
    // PropelAuth's url-safe name, as its Node library derives it in getOrgByName.
    urlSafeOrgName: String(orgName ?? '').toLowerCase().replace(/ /g, '-'),
    orgMetadata: org.metadata ?? {},
    userAssignedRole: '',
    userInheritedRolesPlusCurrentRole: [],
    userPermissions: [],
    legacyOrgId: org.legacyOrgId
  })
}

function userOf (metadata: UserMetadata, validation: ApiKeyValidation, org: OrgMemberInfo | null): User {
  const orgId = isAbsent(validation.org) ? undefined : validation.org.orgId
  // An org key acts in its org only (like an active-org token); a personal key as the user, in all the user's orgs.
  const orgs = orgId !== undefined
    ? (org !== null && !isAbsent(validation.userInOrg) ? withNullPrototype([[orgId, org]]) : undefined)
    : !isAbsent(metadata.orgIdToOrgInfo) ? withNullPrototype(Object.entries(metadata.orgIdToOrgInfo)) : undefined
  return new User({
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
    loginMethod: { loginMethod: 'unknown' },
    orgIdToOrgMemberInfo: orgs
  })
}

/**
 * The request's user and org for a validation that `problemWith` accepted.
 * All of it is frozen, the validation included, down to the last object: it is
 * cached and handed to every request with the same key.
 */
export function verdictOf (validation: ApiKeyValidation): Verdict {
  let org: OrgMemberInfo | null = null
  if (!isAbsent(validation.org)) {
    org = !isAbsent(validation.userInOrg) ? validation.userInOrg : orgWithoutMember(validation.org)
  }
  const user = !isAbsent(validation.user) ? userOf(validation.user, validation, org) : null
  return deepFreeze({ validation, user, org })
}
