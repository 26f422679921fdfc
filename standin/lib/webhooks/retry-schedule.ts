/**
 * Svix's schedule: the first attempt at once, then, after each failure, the
 * next delay of this list, in milliseconds: 5 seconds, 5 minutes, 30
 * minutes, 2 hours, 5 hours, 10 hours and 10 hours. Eight attempts in all,
 * the last 27 hours 35 minutes and 5 seconds after the first (plus the time endpoints
 * took to fail).
 */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000
])

/** Attempts of one message to one endpoint, the first included. */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1

/** How long to wait after the `attemptsMade`-th scheduled attempt failed; undefined when it was the last. */
export function delayAfterFailure (attemptsMade: number): number | undefined {
  return WEBHOOK_RETRY_DELAYS_MS[attemptsMade - 1]
}
