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

/** Clock readings of the events inside a sliding window, for a limit of `max` events per window. */
class SlidingWindow {
  #events: number[] = []
  readonly #max: number
  readonly #windowMs: number

  constructor (max: number, windowMs: number) {
    this.#max = max
    this.#windowMs = windowMs
  }

  /** Forgets the events that left the window; returns the seconds until one more fits, or undefined when it fits now. */
  wait (now: number): number | undefined {
    this.#events = this.#events.filter((at) => at > now - this.#windowMs)
    if (this.#events.length < this.#max) return undefined
    const oldest = this.#events[0] ?? now
    return Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000))
  }

  record (now: number): void {
    this.#events.push(now)
  }

  /** Whether no event is inside the window any more. */
  isEmpty (now: number): boolean {
    return this.#events.every((at) => at <= now - this.#windowMs)
  }
}

interface Tracked {
  rule: StandInRateLimit
  window: SlidingWindow
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
    this.#tracked = rules.map((rule) => ({ rule: { ...rule }, window: new SlidingWindow(rule.max, (rule.windowSeconds ?? 60) * 1000) }))
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
    for (const { window } of matching) {
      const seconds = window.wait(now)
      if (seconds !== undefined) wait = Math.max(wait ?? 0, seconds)
    }
    if (wait !== undefined) return wait
    for (const { window } of matching) window.record(now)
    return undefined
  }
}

/** Keys followed at most by a `PerKeyLimiter`: past this, keys with nothing in their window are forgotten, then the oldest. */
const MAX_KEYS = 10_000

/**
 * A limit per key (say, an email): past `max` events recorded for one key
 * within the window, that key waits, and no other. Counted on the stand-in's clock.
 */
export class PerKeyLimiter {
  readonly #windows = new Map<string, SlidingWindow>()
  readonly #now: Clock
  readonly #max: number
  readonly #windowMs: number

  constructor (now: Clock, limit: { max: number, windowSeconds: number }) {
    this.#now = now
    this.#max = limit.max
    this.#windowMs = limit.windowSeconds * 1000
  }

  /** Seconds `key` must wait before its next attempt, or undefined when it may go on. */
  wait (key: string): number | undefined {
    return this.#windows.get(key)?.wait(this.#now())
  }

  record (key: string): void {
    const now = this.#now()
    let window = this.#windows.get(key)
    if (window === undefined) {
      this.#makeRoom(now)
      window = new SlidingWindow(this.#max, this.#windowMs)
      this.#windows.set(key, window)
    }
    window.record(now)
  }

  forget (key: string): void {
    this.#windows.delete(key)
  }

  clear (): void {
    this.#windows.clear()
  }

  // Any caller can make up keys (emails that are no one's): memory stays bounded.
  #makeRoom (now: number): void {
    if (this.#windows.size < MAX_KEYS) return
    for (const [key, window] of this.#windows) if (window.isEmpty(now)) this.#windows.delete(key)
    if (this.#windows.size >= MAX_KEYS) this.#windows.delete(this.#windows.keys().next().value!)
  }
}
