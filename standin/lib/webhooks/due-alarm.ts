import { onManualClockMove, type Clock } from '../clock.js'

/** The longest a Node.js timer can wait (about 24.8 days); a later time is waited for in steps. */
const MAX_TIMER_MS = 2_147_483_647

/** Tells when retries may have come due on the stand-in's clock. */
export interface DueAlarm {
  /** Rings at this time on the clock (epoch ms), or never for undefined; replaces the time set before. */
  setFor: (at: number | undefined) => void
  stop: () => void
}

/**
 * On a manual clock, rings each time the clock moves: a test moves it, and
 * the retries due by then are made, with no timer that could fire at a
 * moment the test did not choose. On any other clock, which moves by itself,
 * rings at the time set, on a timer. The timer holds the process no more
 * than the stand-in's server does, and `stop()` (at close) clears it.
 */
export function createDueAlarm (now: Clock, ring: () => void): DueAlarm {
  const stopListening = onManualClockMove(now, ring)
  if (stopListening !== undefined) return { setFor: () => {}, stop: stopListening }

  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const setFor = (at: number | undefined): void => {
    clearTimeout(timer)
    timer = undefined
    if (at === undefined || stopped) return
    const wait = Math.min(Math.max(at - now(), 0), MAX_TIMER_MS)
    timer = setTimeout(() => {
      timer = undefined
      ring()
    }, wait)
  }
  return {
    setFor,
    stop: () => {
      stopped = true
      clearTimeout(timer)
      timer = undefined
    }
  }
}
