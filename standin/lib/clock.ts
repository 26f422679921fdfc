/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number

/** A clock that moves only when told to, for tests that need exact dates. */
export interface ManualClock {
  now: Clock
  /** Moves to this time (epoch milliseconds or a Date). */
  set: (time: number | Date) => void
  /** Moves forward (or back, with a negative value) by this many milliseconds. */
  advance: (ms: number) => void
}

/**
 * A manual clock for `startStandIn({ now: clock.now })`. It starts at `start`
 * (default: the real time now) and changes only with `set` and `advance`, so
 * created_at fields, expiries and reports are the same on every run.
 */
export function createManualClock (start: number | Date = Date.now()): ManualClock {
  let current = typeof start === 'number' ? start : start.getTime()
  return {
    now: () => current,
    set: (time) => { current = typeof time === 'number' ? time : time.getTime() },
    advance: (ms) => { current += ms }
  }
}

/** Epoch seconds of a clock reading. */
export function seconds (ms: number): number {
  return Math.floor(ms / 1000)
}

/** `YYYY-MM-DD` (UTC) of a clock reading. */
export function isoDate (ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}
