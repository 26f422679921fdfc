import { sameSecret } from './passwords.js'
import type { StoredUser } from './records.js'

// What every way of signing in shares: the hosted login, the development
// login (`POST /login`) and magic links refuse the same users with the same
// words, and the two logins check MFA codes the same way.

/** Why a user may not sign in even with the right password, in the words the pages show; undefined when they may. */
export function accountRefusal (user: StoredUser): string | undefined {
  if (!user.enabled) return 'This account is disabled'
  if (user.locked) return 'This account is locked'
  return undefined
}

/**
 * Whether `code` is the MFA code of a user whose password was right: the
 * stand-in's one code (`mfaCode`), compared in constant time, spaces around it ignored.
 */
export function isMfaCode (expected: string, code: string): boolean {
  return sameSecret(code.trim(), expected)
}
