import { randomBytes, randomUUID } from 'node:crypto'
import { Webhook } from 'standardwebhooks'

/** A delivery as Svix sends it: the body's exact bytes, and the headers signed over them. */
export interface SignedWebhook {
  body: string
  headers: {
    'content-type': 'application/json'
    'svix-id': string
    'svix-timestamp': string
    'svix-signature': string
  }
}

export interface SignWebhookOptions {
  /** The endpoint's signing secret (`whsec_…`), as given to the receiver. */
  secret: string
  /** The delivery id; default a new `msg_…`. Give the same id to test a redelivery. */
  id?: string | undefined
  /** When it was signed; default now. An old one tests the receiver's time window. */
  timestamp?: Date | undefined
}

/** A new signing secret in PropelAuth's (Svix's) format: `whsec_` and 24 random bytes in base64. */
export function createWebhookSecret (): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/**
 * Signs `event` the way Svix delivers PropelAuth's webhooks, for a test that
 * sends it with `app.inject({ method: 'POST', url, ...signWebhook(event, { secret }) })`.
 * A string `event` is sent as it is (to test exact bytes); an object as JSON.
 */
export function signWebhook (event: object | string, options: SignWebhookOptions): SignedWebhook {
  const body = typeof event === 'string' ? event : JSON.stringify(event)
  const id = options.id ?? `msg_${randomUUID().replaceAll('-', '')}`
  const timestamp = options.timestamp ?? new Date()
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': new Webhook(options.secret).sign(id, timestamp, body)
    }
  }
}
