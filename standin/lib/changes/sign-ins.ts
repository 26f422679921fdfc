import type { LoginMethodClaims } from 'fastify-propelauth'
import { SESSION_LIFETIME_SECONDS, type Session } from '../auth-url/sessions.js'
import type { MfaPhone, StoredUser } from '../records.js'
import type { StandInState } from '../state.js'

// Signing in and out, and the texts PropelAuth sends while signing in: each
// made here, and reported once (see users.ts).

/** Signs `user` in from a browser (the hosted login and sign-up, `createSession`): a session, and `user.login`. */
export function startSession (state: StandInState, user: StoredUser, loginMethod: LoginMethodClaims): { secret: string, session: Session } {
  const now = state.nowSeconds()
  const secret = state.ids.hex(32)
  const session: Session = { userId: user.userId, loginMethod, createdAt: now, expiresAt: now + SESSION_LIFETIME_SECONDS }
  state.sessions.start(secret, session)
  user.lastActiveAt = now
  state.events.report({ event_type: 'user.login', user_id: user.userId })
  return { secret, session }
}

/** A sign-in that answers with a token and starts no session (the development login, a magic link): `user.login`. */
export function recordSignIn (state: StandInState, user: StoredUser): void {
  user.lastActiveAt = state.nowSeconds()
  state.events.report({ event_type: 'user.login', user_id: user.userId })
}

/** Ends one browser's session (signing out): `user.logged_out` when it was live. False when it was not. */
export function endSession (state: StandInState, secret: string): boolean {
  const session = state.sessions.find(secret, state.nowSeconds())
  state.sessions.end(secret)
  if (session === undefined) return false
  state.events.report({ event_type: 'user.logged_out', user_id: session.userId })
  return true
}

/** PropelAuth texts a code to the phone (an SMS step-up challenge, the hosted login's MFA step): `user.send_mfa_phone_code`. */
export function sendMfaPhoneCode (state: StandInState, user: StoredUser, phone: MfaPhone): void {
  state.events.report({ event_type: 'user.send_mfa_phone_code', user_id: user.userId, phone_number: phone.number })
}
