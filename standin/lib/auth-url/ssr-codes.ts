import type { LoginMethodClaims } from 'fastify-propelauth'
import { ExpiringSecrets } from './expiring-secrets.js'
import type { Session } from './sessions.js'

/**
 * How long a code from `/propelauth/ssr/authorize` may wait to be exchanged.
 * The app's callback exchanges it at once; a code is worth a session, so it
 * should not outlive that by much.
 */
export const SSR_CODE_LIFETIME_SECONDS = 60

/** What a code stands for: a sign-in, for one app, from one browser session. */
export interface AuthorizationCode {
  userId: string
  /** The redirect URI it was sent to, exactly as given: the exchange must name the same. */
  redirectUri: string
  loginMethod: LoginMethodClaims
  /** The browser session that signed in; the refresh token it gives ends with it. */
  session: Session
  expiresAt: number
}

/**
 * Codes waiting to be exchanged at `/propelauth/ssr/token`, found by the code
 * (only its SHA-256 is kept). Each is taken at most once: the first exchange,
 * right or wrong, spends it, so a code seen in a log or a referrer is worth
 * nothing after the app used it.
 */
export class AuthorizationCodes {
  readonly #codes = new ExpiringSecrets<AuthorizationCode>()

  issue (secret: string, code: AuthorizationCode): void {
    this.#codes.set(secret, code)
  }

  /** The live code for this secret, spent by this call; undefined if unknown, expired or spent. */
  take (secret: string, now: number): AuthorizationCode | undefined {
    const code = this.#codes.get(secret, now)
    this.#codes.delete(secret)
    return code
  }

  deleteAllOf (userId: string): void {
    this.#codes.deleteAllOf(userId)
  }

  clear (): void {
    this.#codes.clear()
  }
}
