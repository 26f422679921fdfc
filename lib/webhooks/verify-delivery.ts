import type { IncomingHttpHeaders } from 'node:http'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { WebhookMalformedError, WebhookSignatureError, WebhookStaleError, WebhookUnsignedError } from './webhook-errors.js'

// A delivery is checked the way Svix's libraries check it, by Standard
// Webhooks' reference implementation (Svix's own library delegates to it): an
// HMAC-SHA256 of `${id}.${timestamp}.${body}` over the exact bytes received,
// keyed with the endpoint's `whsec_` secret, matched in constant time against
// each `v1,` entry of the signature header, and a timestamp within 5 minutes of
// this server's clock. Svix sends its headers as `svix-*`; Standard Webhooks
// senders as `webhook-*`: both are read.

export interface VerifiedDelivery {
  /** The delivery's id, the same on every redelivery of one event. */
  id: string
  /** The body, parsed: an object with a string `event_type`. */
  event: { event_type: string } & Record<string, unknown>
}

type DeliveryHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>

function header (headers: IncomingHttpHeaders, name: 'id' | 'timestamp' | 'signature'): string | undefined {
  const value = headers[`svix-${name}`] ?? headers[`webhook-${name}`]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function deliveryHeaders (headers: IncomingHttpHeaders): DeliveryHeaders {
  const id = header(headers, 'id')
  const timestamp = header(headers, 'timestamp')
  const signature = header(headers, 'signature')
  if (id === undefined || timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) throw new WebhookUnsignedError()
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }
}

/** Checks deliveries against each of `secrets` (several while one is being rotated). */
export function createDeliveryVerifier (secrets: readonly string[]): (body: Buffer, headers: IncomingHttpHeaders) => VerifiedDelivery {
  const verifiers = secrets.map((secret) => new Webhook(secret))
  return function verifyDelivery (body, headers) {
    const signed = deliveryHeaders(headers)
    let payload: unknown
    let matched = false
    for (const verifier of verifiers) {
      try {
        payload = verifier.verify(body, signed)
        matched = true
        break
      } catch (error) {
        if (error instanceof SyntaxError) throw new WebhookMalformedError()
        if (!(error instanceof WebhookVerificationError)) throw error
        // The timestamp is checked before the signature, and the same for every secret.
        if (/timestamp too (old|new)/.test(error.message)) throw new WebhookStaleError()
      }
    }
    if (!matched) throw new WebhookSignatureError()
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || typeof (payload as { event_type?: unknown }).event_type !== 'string') {
      throw new WebhookMalformedError()
    }
    return { id: signed['webhook-id'], event: payload as VerifiedDelivery['event'] }
  }
}
