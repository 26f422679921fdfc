import type { OrgMemberInfoClaims } from 'fastify-propelauth'
import type { TestOrgMembership } from 'fastify-propelauth/testing'

// How PropelAuth describes a user's membership in an org, in tokens and in the
// backend API's answers (`include_orgs`, API key validation). The stand-in works
// it out itself, from its own project's roles, as it is published apart from the
// plugin and uses only its documented exports: here, the claim shapes.

/** PropelAuth's default roles, highest first: each role inherits the ones below it. */
export const DEFAULT_ROLE_HIERARCHY: readonly string[] = ['Owner', 'Admin', 'Member']

/** The roles of a project, or of a custom role mapping. */
export interface RoleModel {
  /** Roles highest first. */
  roleHierarchy: readonly string[]
  /** Permissions granted by each role. */
  rolePermissions: Readonly<Record<string, readonly string[]>>
}

/** The url-safe org name PropelAuth derives from an org name: lower-cased, spaces as dashes. */
export function urlSafeName (name: string): string {
  return name.toLowerCase().replaceAll(' ', '-')
}

/**
 * The claims PropelAuth gives for one membership: in a single-role org the role
 * inherits every role below it, and the permissions are those of the roles held.
 */
export function orgMemberInfoClaims (membership: TestOrgMembership, roles: RoleModel): OrgMemberInfoClaims {
  const structure = membership.roleStructure ?? 'single_role_in_hierarchy'
  const additionalRoles = membership.additionalRoles ?? []
  let inherited = membership.inheritedRoles
  if (inherited === undefined) {
    const index = roles.roleHierarchy.indexOf(membership.role)
    inherited = structure === 'multi_role' || index === -1
      ? [membership.role, ...additionalRoles]
      : roles.roleHierarchy.slice(index)
  }
  const held = structure === 'multi_role' ? [membership.role, ...additionalRoles] : inherited
  const permissions = membership.permissions ?? [...new Set(held.flatMap((role) => roles.rolePermissions[role] ?? []))]
  const claims: OrgMemberInfoClaims = {
    org_id: membership.orgId,
    org_name: membership.orgName,
    url_safe_org_name: membership.urlSafeOrgName ?? urlSafeName(membership.orgName),
    org_metadata: membership.metadata ?? {},
    user_role: membership.role,
    inherited_user_roles_plus_current_role: inherited,
    user_permissions: permissions,
    org_role_structure: structure,
    additional_roles: additionalRoles
  }
  if (membership.legacyOrgId !== undefined) claims.legacy_org_id = membership.legacyOrgId
  return claims
}
