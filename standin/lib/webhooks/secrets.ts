// An endpoint's signing secret, as Svix shows it to PropelAuth's customers:
// `whsec_` and the base64 of the key. The key, decoded, signs every message
// to that endpoint. Secrets never appear in a message, a log or an error:
// a problem with one is described, never quoted.

export const WEBHOOK_SECRET_PREFIX = 'whsec_'
/** Svix's own secrets hold 24 bytes; shorter keys are refused as too weak. */
export const MIN_WEBHOOK_KEY_BYTES = 24
// Padded, as Svix's libraries decode it: a receiver could not use an unpadded one.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** A fresh signing secret, `whsec_` and base64 of 24 random bytes, as Svix makes them: the testing kit's. */
export { createWebhookSecret } from 'fastify-propelauth/testing'

/** What is wrong with a secret, in words that do not repeat it; undefined when it is a valid one. */
export function webhookSecretProblem (secret: unknown): string | undefined {
  if (typeof secret !== 'string') return `must be a string, not ${secret === null ? 'null' : typeof secret}`
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return `must start with ${WEBHOOK_SECRET_PREFIX}`
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length)
  if (!BASE64.test(encoded)) return `must be ${WEBHOOK_SECRET_PREFIX} followed by base64 (A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4 characters)`
  const bytes = Buffer.from(encoded, 'base64').length
  if (bytes < MIN_WEBHOOK_KEY_BYTES) return `holds a key of ${bytes} bytes; a key needs at least ${MIN_WEBHOOK_KEY_BYTES}`
  return undefined
}

/** The signing key of a valid secret (see `webhookSecretProblem`). */
export function webhookSigningKey (secret: string): Buffer {
  return Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64')
}
