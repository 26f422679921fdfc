import type { StoredUser } from './records.js'

// What every way of signing in shares, so that the hosted login and a magic
// link refuse the same users with the same words.

/** Why a user may not sign in even with the right password, in the words the pages show; undefined when they may. */
export function accountRefusal (user: StoredUser): string | undefined {
  if (!user.enabled) return 'This account is disabled'
  if (user.locked) return 'This account is locked'
  return undefined
}
