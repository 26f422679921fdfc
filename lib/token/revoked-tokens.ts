import { ExpiringLru } from '../util/expiring-lru.js'

/**
 * How long a revocation is kept. A token issued before it and still valid
 * after it (an access-token lifetime over a day, set in PropelAuth's
 * dashboard) would be accepted again once it is dropped.
 */
export const REVOCATION_KEPT_MS = 24 * 60 * 60 * 1000
/** Users whose revocations are kept at once; past it, the oldest go first. */
export const MAX_REVOKED_USERS = 100_000

/**
 * Users whose access tokens issued before a moment are refused, although their
 * signature and expiry are good: a user signed out, disabled, locked or deleted
 * at PropelAuth. Kept in this process; an app with several processes calls
 * `revokeUserTokens` in each.
 */
export class RevokedTokens {
  readonly #issuedBefore = new ExpiringLru<number>(MAX_REVOKED_USERS)

  /** Zero until a revocation: the verifier then looks nothing up. */
  get size (): number { return this.#issuedBefore.size }

  /** Refuses `userId`'s tokens issued at or before `issuedBefore` (epoch seconds). `now` in epoch ms. */
  revoke (userId: string, issuedBefore: number, now: number): void {
    const earlier = this.#issuedBefore.get(userId, now) ?? 0
    this.#issuedBefore.set(userId, Math.max(earlier, issuedBefore), now + REVOCATION_KEPT_MS)
  }

  /** The epoch second at or before which `userId`'s tokens are refused, if any. */
  issuedBefore (userId: string, now: number): number | undefined {
    return this.#issuedBefore.get(userId, now)
  }
}

/** `app.auth.revokeUserTokens`: what the webhook receiver calls, and an app may too. */
export interface PropelAuthRevocation {
  /**
   * Refuses `userId`'s access tokens issued at or before `issuedBefore`
   * (default: now) with 401 FST_PROPELAUTH_TOKEN_REVOKED, in this process,
   * for a day; tokens issued later are accepted.
   */
  revokeUserTokens: (userId: string, issuedBefore?: Date) => void
}

export function createRevocation (revoked: RevokedTokens, now: () => number = Date.now): PropelAuthRevocation {
  return {
    revokeUserTokens (userId, issuedBefore) {
      if (typeof userId !== 'string' || userId === '') throw new TypeError('revokeUserTokens(userId) expects the user id, a non-empty string')
      if (issuedBefore !== undefined && (!(issuedBefore instanceof Date) || Number.isNaN(issuedBefore.getTime()))) throw new TypeError('revokeUserTokens(userId, issuedBefore) expects issuedBefore to be a valid Date')
      const at = now()
      revoked.revoke(userId, Math.floor((issuedBefore?.getTime() ?? at) / 1000), at)
    }
  }
}
