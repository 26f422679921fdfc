import type { StoredInvite, StoredMembership, StoredOrg, StoredUser } from '../records.js'
import type { StandInState } from '../state.js'

// Who is in which org, with which role, and who is invited: each change made
// here, and reported once (see users.ts).

/** Adds a user to an org, fulfilling their pending invitation to it: `user.added_to_org`. */
export function addMember (state: StandInState, org: StoredOrg, user: StoredUser, role: string, additionalRoles: string[]): void {
  org.members.set(user.userId, { role, additionalRoles, joinedAt: state.nowSeconds() })
  const email = user.email.toLowerCase()
  state.removeInvites((invite) => invite.orgId === org.orgId && invite.inviteeEmail.toLowerCase() === email)
  state.events.report({ event_type: 'user.added_to_org', user_id: user.userId, org_id: org.orgId, role })
}

/** Gives a member new roles: `user.role_changed_within_org`, with the role before. */
export function changeRole (state: StandInState, org: StoredOrg, userId: string, membership: StoredMembership, role: string, additionalRoles: string[]): void {
  const oldRole = membership.role
  membership.role = role
  membership.additionalRoles = additionalRoles
  state.events.report({ event_type: 'user.role_changed_within_org', user_id: userId, org_id: org.orgId, new_role: role, old_role: oldRole })
}

/** Removes a member: `user.removed_from_org`. False when the user is not one. */
export function removeMember (state: StandInState, org: StoredOrg, userId: string): boolean {
  if (!dropMembership(state, org, userId)) return false
  state.events.report({ event_type: 'user.removed_from_org', removed_user_id: userId, org_id: org.orgId })
  return true
}

/**
 * Takes a user out of an org, out of its SCIM groups, and remembers the
 * departure for the attrition report. Reports nothing: it is part of a
 * change that reports for itself (removing the member, deleting the user).
 */
export function dropMembership (state: StandInState, org: StoredOrg, userId: string): boolean {
  if (!org.members.delete(userId)) return false
  org.departures.push({ userId, at: state.nowSeconds() })
  for (const group of org.scimGroups.values()) group.memberIds = group.memberIds.filter((id) => id !== userId)
  return true
}

/**
 * Invites an email to an org, replacing a pending invitation of the same
 * email there, and "sends" the email: `user.invited_to_org` when the email is
 * a user's (the event names a user, so an email with no account reports none).
 */
export function inviteToOrg (state: StandInState, invite: StoredInvite, link: string): void {
  const email = invite.inviteeEmail.toLowerCase()
  state.removeInvites((pending) => pending.orgId === invite.orgId && pending.inviteeEmail.toLowerCase() === email)
  state.invites.push(invite)
  state.sendEmail({ to: invite.inviteeEmail, kind: 'org_invite', orgId: invite.orgId, link })
  const user = state.findUserByEmail(invite.inviteeEmail)
  if (user !== undefined) state.events.report({ event_type: 'user.invited_to_org', user_id: user.userId, org_id: invite.orgId, role: invite.role })
}
