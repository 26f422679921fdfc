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

// Who hears a manual clock move, by its `now` function: that function is all
// a stand-in is given (`now: clock.now`), and is how it knows the clock.
const moveListeners = new WeakMap<Clock, Set<() => void>>()

/**
 * A manual clock for `startStandIn({ now: clock.now })`. It starts at `start`
 * (default: the real time now) and changes only with `set` and `advance`, so
 * created_at fields, expiries and reports are the same on every run. A
 * stand-in on it makes the webhook retries that come due as the clock moves,
 * in `set` or `advance`, and never on a timer.
 */
export function createManualClock (start: number | Date = Date.now()): ManualClock {
  let current = typeof start === 'number' ? start : start.getTime()
  const now: Clock = () => current
  const listeners = new Set<() => void>()
  moveListeners.set(now, listeners)
  const moved = (): void => {
    for (const listener of [...listeners]) listener()
  }
  return {
    now,
    set: (time) => { current = typeof time === 'number' ? time : time.getTime(); moved() },
    advance: (ms) => { current += ms; moved() }
  }
}

/**
 * Calls `listener` each time the manual clock whose `now` this is moves, until
 * the returned function is called. Undefined for any other clock: it moves by
 * itself, and only a timer can tell when a time comes.
 */
export function onManualClockMove (clock: Clock, listener: () => void): (() => void) | undefined {
  const listeners = moveListeners.get(clock)
  if (listeners === undefined) return undefined
  listeners.add(listener)
  return () => { listeners.delete(listener) }
}

/** Epoch seconds of a clock reading. */
export function seconds (ms: number): number {
  return Math.floor(ms / 1000)
}

/** `YYYY-MM-DD` (UTC) of a clock reading. */
export function isoDate (ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}
