import { matchesPath } from './faults.js'
import type { Clock } from './clock.js'

/** A limit on calls, as PropelAuth enforces per project: past `max` calls in the window, 429. */
export interface StandInRateLimit {
  /** Calls allowed per window. */
  max: number
  /** Length of the sliding window in seconds. Default 60. */
  windowSeconds?: number
  /** Which calls count: exact path, prefix ending in `*`, or RegExp. Default: every call. */
  path?: string | RegExp
  /** Only calls with this HTTP method count. Default: any. */
  method?: string
}

interface Tracked {
  rule: StandInRateLimit
  windowMs: number
  /** Clock readings of the calls inside the window. */
  calls: number[]
}

function checkRule (rule: StandInRateLimit): void {
  if (!(Number.isInteger(rule.max) && rule.max >= 0)) throw new TypeError('stand-in rate limit: max must be a whole number >= 0')
  if (rule.windowSeconds !== undefined && !(Number.isFinite(rule.windowSeconds) && rule.windowSeconds > 0)) {
    throw new TypeError('stand-in rate limit: windowSeconds must be > 0')
  }
}

/** The rate limits in force; `startStandIn` returns one as `standIn.rateLimits`. Counted on the stand-in's clock. */
export class RateLimiter {
  #tracked: Tracked[] = []
  readonly #now: Clock

  constructor (now: Clock, rules: StandInRateLimit[] = []) {
    this.#now = now
    this.set(rules)
  }

  /** Replaces the limits (and forgets past calls). */
  set (rules: StandInRateLimit[]): void {
    rules.forEach(checkRule)
    this.#tracked = rules.map((rule) => ({ rule: { ...rule }, windowMs: (rule.windowSeconds ?? 60) * 1000, calls: [] }))
  }

  /** Removes every limit. */
  clear (): void {
    this.#tracked = []
  }

  /** Counts one call; returns the seconds to wait when a limit is exceeded (the call is then not counted). */
  hit (method: string, path: string): number | undefined {
    const now = this.#now()
    const matching = this.#tracked.filter(({ rule }) =>
      (rule.method === undefined || rule.method.toUpperCase() === method) && matchesPath(rule.path, path))
    let wait: number | undefined
    for (const tracked of matching) {
      tracked.calls = tracked.calls.filter((at) => at > now - tracked.windowMs)
      if (tracked.calls.length >= tracked.rule.max) {
        const oldest = tracked.calls[0] ?? now
        const seconds = Math.max(1, Math.ceil((oldest + tracked.windowMs - now) / 1000))
        wait = Math.max(wait ?? 0, seconds)
      }
    }
    if (wait !== undefined) return wait
    for (const tracked of matching) tracked.calls.push(now)
    return undefined
  }
}
