import type { LoginMethodClaims } from 'fastify-propelauth'
import type { StandInState } from '../state.js'
import { sessionCookieAttributes, sessionCookieName } from './session-cookie.js'
import { endSession, startSession } from '../changes/sign-ins.js'

/**
 * The session cookie of a signed-in browser, in the shape Playwright's
 * `browserContext.addCookies` takes (`url` names the auth URL, so the cookie
 * is the same host-only cookie the login page would have set).
 */
export interface StandInSessionCookie {
  name: string
  value: string
  url: string
  httpOnly: true
  secure: boolean
  sameSite: 'Lax'
  /** Epoch seconds. */
  expires: number
}

/** A browser session made without the login form, for end-to-end tests. */
export interface StandInSession {
  userId: string
  /** `await browserContext.addCookies([session.cookie])`, and the page's PropelAuth client is signed in. */
  cookie: StandInSessionCookie
  /** The `Cookie` header for calling the auth URL without a browser (`fetch(…/api/v1/refresh_token, { headers: { cookie } })`). */
  cookieHeader: string
  /** Ends the session, as signing out would. */
  end: () => void
}

export interface CreateSessionOptions {
  /** How the user signed in, as the session's tokens will say. Default `{ login_method: 'password' }`. */
  loginMethod?: LoginMethodClaims
}

/** Signs a stored user in as the login page would, and hands over the cookie. */
export function createTestSession (state: StandInState, authUrl: string, userIdOrEmail: string, options: CreateSessionOptions = {}): StandInSession {
  const user = state.users.get(userIdOrEmail) ?? state.findUserByEmail(userIdOrEmail)
  if (user === undefined) throw new Error(`stand-in createSession: no user ${userIdOrEmail}`)
  if (!user.enabled) throw new Error(`stand-in createSession: ${user.email} is disabled and cannot sign in`)
  if (user.locked) throw new Error(`stand-in createSession: ${user.email} is locked and cannot sign in`)
  const { secret, session } = startSession(state, user, options.loginMethod ?? { login_method: 'password' })
  const name = sessionCookieName(authUrl)
  return {
    userId: user.userId,
    cookie: {
      name,
      value: secret,
      url: `${authUrl}/`,
      httpOnly: true,
      secure: sessionCookieAttributes(authUrl).secure,
      sameSite: 'Lax',
      expires: session.expiresAt
    },
    cookieHeader: `${name}=${secret}`,
    end: () => { endSession(state, secret) }
  }
}
