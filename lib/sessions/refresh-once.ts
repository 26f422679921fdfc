import { digestOf, ExpiringLru } from '../util/expiring-lru.js'
import type { AuthUrlCalls, TokensOutcome } from './auth-url-calls.js'

// PropelAuth rotates the refresh token on every refresh: the old one stops
// working. A page that fires twenty requests the moment its access token has
// expired sends the same refresh token twenty times; refreshed twenty times,
// nineteen refreshes would be refused and, acted upon, sign the user out. So a
// refresh token is refreshed once per process: the requests that come while it
// is under way wait for the same answer, and those that come a little later
// with the old cookie (sent before the browser stored the new ones) get the
// tokens it was exchanged for, for GRACE_MS. The outcome is kept under the
// refresh token's digest, never the token itself.

/** How long the tokens a refresh gave are handed to requests that still carry the old refresh token. */
const GRACE_MS = 30_000
/** Sessions refreshed within GRACE_MS that are remembered; past it, the oldest are forgotten first. */
const MAX_REMEMBERED = 10_000

export class RefreshOnce {
  readonly #calls: AuthUrlCalls
  readonly #inFlight = new Map<string, Promise<TokensOutcome>>()
  readonly #recent = new ExpiringLru<TokensOutcome>(MAX_REMEMBERED)

  constructor (calls: AuthUrlCalls) {
    this.#calls = calls
  }

  /** Refreshes `refreshToken` (scoped to `activeOrgId`, if any), once for all the requests that carry it. */
  async refresh (refreshToken: string, activeOrgId: string | undefined): Promise<TokensOutcome> {
    const key = `${digestOf(refreshToken)}\u0000${activeOrgId ?? ''}`
    const recent = this.#recent.get(key, Date.now())
    if (recent !== undefined) return recent
    const pending = this.#inFlight.get(key)
    if (pending !== undefined) return await pending
    const started = this.#calls.refresh(refreshToken, activeOrgId).then((outcome) => {
      // Only an answer is remembered: after a failure to reach PropelAuth the next request tries again.
      if (outcome.kind !== 'unavailable') this.#recent.set(key, outcome, Date.now() + GRACE_MS)
      return outcome
    }).finally(() => this.#inFlight.delete(key))
    this.#inFlight.set(key, started)
    return await started
  }

  /** Forgets what was remembered of `refreshToken` (it was logged out). */
  forget (refreshToken: string, activeOrgId: string | undefined): void {
    this.#recent.delete(`${digestOf(refreshToken)}\u0000${activeOrgId ?? ''}`)
  }
}
