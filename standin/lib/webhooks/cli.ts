import type { StandInWebhookAttempt, StandInWebhookDelivery } from './deliveries.js'
import { checkWebhookEndpoint, type StandInWebhookEndpoint } from './endpoints.js'
import { delayAfterFailure, WEBHOOK_MAX_ATTEMPTS } from './retry-schedule.js'

// The command line's side of webhooks: endpoints from flags, and the line
// logged for each attempt (never a secret, a header or a body).

/**
 * Pairs `--webhook` URLs with `--webhook-secret` secrets: one secret for
 * every endpoint, or one per endpoint in the same order. Throws a message
 * naming the flag (and never quoting a secret).
 */
export function webhookCliEndpoints (urls: string[], secrets: string[]): StandInWebhookEndpoint[] {
  if (urls.length === 0) {
    if (secrets.length > 0) throw new TypeError('--webhook-secret needs a --webhook URL to sign for')
    return []
  }
  if (secrets.length === 0) throw new TypeError('--webhook needs --webhook-secret <whsec_…>: the secret your receiver verifies with (--new-webhook-secret prints a fresh one)')
  if (secrets.length !== 1 && secrets.length !== urls.length) {
    throw new TypeError(`--webhook-secret: give one secret for every --webhook, or one per --webhook in the same order (${secrets.length} secrets for ${urls.length} URLs)`)
  }
  return urls.map((url, index) => {
    const endpoint = { url, secret: secrets.length === 1 ? secrets[0] : secrets[index] }
    checkWebhookEndpoint(endpoint, index, (_index, field) => field === 'secret' ? '--webhook-secret' : '--webhook')
    return endpoint
  })
}

function duration (ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`
  if (ms < 3_600_000) return `${ms / 60_000} min`
  return `${ms / 3_600_000} h`
}

/** `12:00:01.234 webhook user.created msg_… → http://localhost:3000/webhooks 204 (attempt 1 of 8)`, with what comes next after a failure. */
export function formatWebhookAttempt (attempt: StandInWebhookAttempt, delivery: StandInWebhookDelivery): string {
  const time = new Date().toISOString().slice(11, 23)
  const made = delivery.attempts.filter((earlier) => !earlier.replay).length
  const number = attempt.replay ? 'replay' : `attempt ${made} of ${WEBHOOK_MAX_ATTEMPTS}`
  const outcome = attempt.statusCode === undefined ? `failed: ${attempt.error ?? 'no answer'}` : String(attempt.statusCode)
  const delay = delayAfterFailure(made)
  const next = attempt.replay || attempt.ok ? '' : delivery.status === 'retrying' && delay !== undefined ? `; next attempt in ${duration(delay)}` : delivery.status === 'failed' ? '; no attempt left' : ''
  return `${time} webhook ${delivery.event.event_type} ${delivery.id} → ${delivery.url} ${outcome} (${number})${next}`
}
