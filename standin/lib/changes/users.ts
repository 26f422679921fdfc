import type { StoredUser } from '../records.js'
import type { StandInState } from '../state.js'
import { dropMembership } from './memberships.js'

// Changes to user accounts. Each is made here, and only here, whether the
// backend API, a hosted page or a test helper asks for it, and reports its
// event to the state's feed (`state.events`), which the webhooks send.

/** Stores a new user (the API, migration, sign-up, a magic link for a new email): `user.created`. */
export function createUser (state: StandInState, user: StoredUser): void {
  state.users.set(user.userId, user)
  state.events.report({
    event_type: 'user.created',
    user_id: user.userId,
    email: user.email,
    email_confirmed: user.emailConfirmed,
    first_name: user.firstName,
    last_name: user.lastName,
    picture_url: user.pictureUrl,
    username: user.username
  })
}

/**
 * Changes fields of a user (a key given as undefined clears that field):
 * `user.updated`, which names the user and not the fields, as PropelAuth's
 * does. A successful call reports, whether or not a value differed.
 */
export function updateUser (state: StandInState, user: StoredUser, changes: Partial<StoredUser>): void {
  Object.assign(user, changes)
  state.events.report({ event_type: 'user.updated', user_id: user.userId })
}

/** Marks the address confirmed (following a magic link proves it): `user.updated` when it was not. */
export function confirmEmail (state: StandInState, user: StoredUser): void {
  if (!user.emailConfirmed) updateUser(state, user, { emailConfirmed: true })
}

/** Disables a user, ending their browser sessions and apps' refresh tokens at once: `user.disabled`. */
export function disableUser (state: StandInState, user: StoredUser): void {
  user.enabled = false
  state.endAllSessionsOf(user.userId)
  state.events.report({ event_type: 'user.disabled', user_id: user.userId })
}

export function enableUser (state: StandInState, user: StoredUser): void {
  user.enabled = true
  state.events.report({ event_type: 'user.enabled', user_id: user.userId })
}

/** Ends every session of the user, apps' refresh tokens included (`logoutAllUserSessions`): `user.logged_out`. */
export function logOutEverywhere (state: StandInState, user: StoredUser): void {
  user.sessionsRevokedAt = state.nowSeconds()
  state.endAllSessionsOf(user.userId)
  state.events.report({ event_type: 'user.logged_out', user_id: user.userId })
}

/**
 * Deletes a user and everything that hangs on them (memberships, personal
 * API keys, sessions): `user.deleted` alone, the rest going with it.
 * False for an unknown user.
 */
export function deleteUser (state: StandInState, userId: string): boolean {
  const user = state.users.get(userId)
  if (user === undefined) return false
  for (const org of state.orgs.values()) dropMembership(state, org, userId)
  for (const key of state.apiKeys.values()) {
    if (key.userId === userId) key.archived = true
  }
  state.endAllSessionsOf(userId)
  state.users.delete(userId)
  state.events.report({ event_type: 'user.deleted', user_id: userId })
  return true
}
