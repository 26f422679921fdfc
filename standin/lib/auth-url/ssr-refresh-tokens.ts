import type { LoginMethodClaims } from 'fastify-propelauth'
import { ExpiringSecrets } from './expiring-secrets.js'
import { SESSION_LIFETIME_SECONDS, type Session } from './sessions.js'

/**
 * How long a refresh token keeps working after it was exchanged for a new
 * one. Every refresh rotates the token, and PropelAuth's Next.js library
 * refreshes from its middleware on any request whose access token is stale,
 * with nothing to stop two requests of one page from refreshing the same
 * token at once: without a grace the slower of them would sign the user out.
 * Within the grace the old token refreshes again (to a new token of its own);
 * after it, it is refused.
 */
export const REFRESH_TOKEN_GRACE_SECONDS = 10

/** Every token rotated from one sign-in: signing out with any of them ends them all. */
interface RefreshTokenFamily {
  revoked: boolean
}

/** What a server-side refresh token stands for. */
export interface RefreshTokenGrant {
  userId: string
  loginMethod: LoginMethodClaims
  /** The browser session that signed in at the auth URL: signing out there ends this too. */
  session: Session
  family: RefreshTokenFamily
  expiresAt: number
  /** When it was exchanged for a new token; refused `REFRESH_TOKEN_GRACE_SECONDS` later. */
  rotatedAt?: number
}

/**
 * The refresh tokens of apps signed in on the server (`/propelauth/ssr/token`,
 * `/api/backend/v1/refresh_token`), found by the token (only its SHA-256 is
 * kept). Times are epoch seconds on the stand-in's clock.
 */
export class RefreshTokenStore {
  readonly #tokens = new ExpiringSecrets<RefreshTokenGrant>()

  /** Stores a new token: the first of its sign-in (no `from`) or the successor of `from`. */
  issue (secret: string, fields: Pick<RefreshTokenGrant, 'userId' | 'loginMethod' | 'session'>, now: number, from?: RefreshTokenGrant): void {
    this.#tokens.set(secret, {
      ...fields,
      family: from?.family ?? { revoked: false },
      // Never beyond the session it came from.
      expiresAt: Math.min(now + SESSION_LIFETIME_SECONDS, fields.session.expiresAt)
    })
  }

  /** The grant of a token that may still refresh: known, unexpired, not signed out, not rotated beyond the grace. */
  find (secret: string, now: number): RefreshTokenGrant | undefined {
    const grant = this.#tokens.get(secret, now)
    if (grant === undefined || grant.family.revoked) return undefined
    if (grant.rotatedAt !== undefined && now - grant.rotatedAt >= REFRESH_TOKEN_GRACE_SECONDS) {
      this.#tokens.delete(secret)
      return undefined
    }
    return grant
  }

  /** Marks a token exchanged; its grace starts with the first exchange. */
  markRotated (grant: RefreshTokenGrant, now: number): void {
    grant.rotatedAt ??= now
  }

  /** Signs out with this token: it and every token of its sign-in stop working. False if it was unknown. */
  revoke (secret: string, now: number): boolean {
    const grant = this.#tokens.get(secret, now)
    if (grant === undefined) return false
    grant.family.revoked = true
    this.#tokens.delete(secret)
    return true
  }

  revokeAllOf (userId: string): number {
    return this.#tokens.deleteAllOf(userId)
  }

  clear (): void {
    this.#tokens.clear()
  }
}
