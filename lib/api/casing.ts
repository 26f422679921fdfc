import { OrgMemberInfo, type OrgRoleStructure } from '../token/user.js'

// PropelAuth answers in snake_case; its Node library hands results over in
// camelCase through one conversion, which we reproduce rule for rule so that
// results compare equal:
// - every key `a_b` becomes `aB` (only a letter after `_` is lifted: `require_2fa_by`
//   becomes `require_2faBy`, as there);
// - the values under `metadata` and `org_metadata` are the customer's own data and
//   are left exactly as they came;
// - `user_role`, `inherited_user_roles_plus_current_role` and `additional_roles`
//   take the names of OrgMemberInfo's fields;
// - any object that then has OrgMemberInfo's seven fields becomes an OrgMemberInfo,
//   so `isAtLeastRole` & co. work on API results too.
// Unlike a plain assignment, keys are defined as own properties, so a `__proto__`
// key in an answer cannot change an object's prototype.

const UNTOUCHED_VALUES = new Set(['metadata', 'org_metadata'])

const RENAMED: Record<string, string> = {
  user_role: 'userAssignedRole',
  inherited_user_roles_plus_current_role: 'userInheritedRolesPlusCurrentRole',
  additional_roles: 'userAssignedAdditionalRoles'
}

const ORG_MEMBER_INFO_FIELDS = [
  'orgId', 'orgName', 'urlSafeOrgName', 'orgMetadata', 'userAssignedRole', 'userInheritedRolesPlusCurrentRole', 'userPermissions'
]

function camelCaseKey (key: string): string {
  return key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())
}

function looksLikeOrgMemberInfo (value: Record<string, unknown>): boolean {
  return ORG_MEMBER_INFO_FIELDS.every((field) => Object.hasOwn(value, field))
}

function toOrgMemberInfo (value: Record<string, unknown>): OrgMemberInfo {
  return new OrgMemberInfo({
    orgId: value.orgId as string,
    orgName: value.orgName as string,
    urlSafeOrgName: value.urlSafeOrgName as string,
    orgMetadata: value.orgMetadata as Record<string, unknown>,
    userAssignedRole: value.userAssignedRole as string,
    userInheritedRolesPlusCurrentRole: value.userInheritedRolesPlusCurrentRole as string[],
    userPermissions: value.userPermissions as string[],
    orgRoleStructure: (value.orgRoleStructure ?? undefined) as OrgRoleStructure | undefined,
    userAssignedAdditionalRoles: (value.userAssignedAdditionalRoles ?? undefined) as string[] | undefined,
    // Kept as sent, null included, as the Node library keeps it.
    legacyOrgId: value.legacyOrgId as string | undefined
  })
}

/**
 * Converts a parsed answer to the Node library's camelCase shape. `renames`
 * overrides the name of some keys (fetchOrgByQuery reports `org_name` as `name`).
 */
export function camelize (value: unknown, renames?: Readonly<Record<string, string>>): unknown {
  if (typeof value !== 'object' || value === null) return value
  const source = value as Record<string, unknown>
  const result: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {}
  for (const key of Object.keys(source)) {
    let item = source[key]
    if (!UNTOUCHED_VALUES.has(key) && typeof item === 'object' && item !== null) {
      item = camelize(item, renames)
      if (!Array.isArray(item) && looksLikeOrgMemberInfo(item as Record<string, unknown>)) {
        item = toOrgMemberInfo(item as Record<string, unknown>)
      }
    }
    const name = renames?.[key] ?? RENAMED[key] ?? camelCaseKey(key)
    Object.defineProperty(result, name, { value: item, enumerable: true, writable: true, configurable: true })
  }
  return result
}
