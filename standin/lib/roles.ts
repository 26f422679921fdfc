import type { Fields } from './http.js'
import type { StoredOrg } from './records.js'
import type { StandInState } from './state.js'

/**
 * Checks a role assignment against the org's roles: `role` must be one of
 * them, and additional roles are for multi-role orgs only. Adds field errors.
 */
export function checkRoleAssignment (state: StandInState, org: StoredOrg, fields: Fields, role: string | undefined, additionalRoles: string[]): void {
  const model = state.roleModelFor(org)
  const known = model.roleHierarchy
  if (role !== undefined && !known.includes(role)) fields.fail('role', `Unknown role ${role}; the org's roles are ${known.join(', ')}`)
  if (additionalRoles.length > 0 && model.roleStructure !== 'multi_role') {
    fields.fail('additional_roles', 'Additional roles are only allowed in orgs with multiple roles per user')
    return
  }
  for (const extra of additionalRoles) {
    if (!known.includes(extra)) fields.fail('additional_roles', `Unknown role ${extra}`)
  }
}

/** The domain of an email address, lowercased. */
export function emailDomain (email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase()
}

/** Whether an org that restricts members to its domains would take this email. */
export function domainAllows (org: StoredOrg, email: string): boolean {
  if (!org.domainRestrict || org.domain === undefined) return true
  const domain = emailDomain(email)
  return [org.domain, ...org.extraDomains].some((allowed) => allowed.toLowerCase() === domain)
}

/** Why `email` cannot join `org` now (max users, domain), or undefined. */
export function joinProblem (org: StoredOrg, email: string, pendingSeats = 0): string | undefined {
  if (org.maxUsers !== undefined && org.members.size + pendingSeats >= org.maxUsers) return 'This org has reached its maximum number of users'
  if (!domainAllows(org, email)) return `Only emails at ${[org.domain, ...org.extraDomains].join(', ')} may join this org`
  return undefined
}
