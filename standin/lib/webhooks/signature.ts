import { createHmac } from 'node:crypto'

/** The headers that sign one attempt of a message, as Svix sends them. */
export interface SvixHeaders {
  'svix-id': string
  'svix-timestamp': string
  'svix-signature': string
}

/**
 * Signs an attempt the way Svix does: HMAC-SHA256, keyed with the endpoint's
 * decoded key, over `<svix-id>.<svix-timestamp>.<body>`, in base64 after
 * `v1,`. The header may list several signatures separated by spaces (Svix
 * sends one per secret while a secret is being rotated); the stand-in has one
 * secret per endpoint, so it sends one.
 */
export function svixHeaders (key: Buffer, messageId: string, timestampSeconds: number, body: string): SvixHeaders {
  const timestamp = String(timestampSeconds)
  const mac = createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64')
  return { 'svix-id': messageId, 'svix-timestamp': timestamp, 'svix-signature': `v1,${mac}` }
}
