import { sameSecret } from './passwords.js'
import type { StoredUser } from './records.js'
import type { StandInState } from './state.js'

// What every way of signing in shares: the hosted login, the development
// login (`POST /login`) and magic links refuse the same users with the same
// words; the two logins check passwords and MFA codes the same way, and the
// failures of both count against one limit per email (`FAILED_SIGN_IN_LIMIT`),
// so neither door lets someone guess faster than the other.

/** Why a user may not sign in even with the right password, in the words the pages show; undefined when they may. */
export function accountRefusal (user: StoredUser): string | undefined {
  if (!user.enabled) return 'This account is disabled'
  if (user.locked) return 'This account is locked'
  return undefined
}

export type PasswordCheck =
  | { outcome: 'wait', seconds: number }
  | { outcome: 'incorrect' }
  | { outcome: 'refused', message: string }
  | { outcome: 'correct', user: StoredUser }

export type MfaCodeCheck =
  | { outcome: 'wait', seconds: number }
  | { outcome: 'incorrect' }
  | { outcome: 'correct' }

// Emails are matched in any case (as `findUserByEmail` does), so the limit is too.
function limitKey (email: string): string {
  return email.toLowerCase()
}

/**
 * Checks an email and password. An email past the limit waits whether the
 * password is right or not (else the limit would not slow guessing down); a
 * wrong password, an unknown email or a user with no password counts as a
 * failure. A user without MFA is then signed in, and their failures are forgotten.
 */
export function verifyPassword (state: StandInState, email: string, password: string): PasswordCheck {
  const key = limitKey(email)
  const seconds = state.failedSignIns.wait(key)
  if (seconds !== undefined) return { outcome: 'wait', seconds }
  const user = state.findUserByEmail(email)
  if (user === undefined || !sameSecret(password, user.password)) {
    state.failedSignIns.record(key)
    return { outcome: 'incorrect' }
  }
  const refusal = accountRefusal(user)
  if (refusal !== undefined) return { outcome: 'refused', message: refusal }
  if (user.mfa === null) state.failedSignIns.forget(key)
  return { outcome: 'correct', user }
}

/**
 * Checks the MFA code of a user whose password was right: the stand-in's one
 * code (`mfaCode`), compared in constant time, spaces around it ignored. A
 * wrong code counts as a failed sign-in; the right one signs in and forgets
 * the failures.
 */
export function verifyMfaCode (state: StandInState, expected: string, user: StoredUser, code: string): MfaCodeCheck {
  const key = limitKey(user.email)
  const seconds = state.failedSignIns.wait(key)
  if (seconds !== undefined) return { outcome: 'wait', seconds }
  if (!sameSecret(code.trim(), expected)) {
    state.failedSignIns.record(key)
    return { outcome: 'incorrect' }
  }
  state.failedSignIns.forget(key)
  return { outcome: 'correct' }
}

/** What a sign-in past the limit is told (the seconds also go in `Retry-After`). */
export function tooManyFailedSignIns (seconds: number): string {
  return `Too many failed sign-ins for this email: try again in ${seconds} seconds`
}
