import { createError } from '@fastify/error'

// The receiver's refusals, rendered by Fastify's error handler as
// `{ statusCode, code, error, message }` like the guards' own. Fixed text: a
// message never quotes the body, a header or the signing secret.

export const WebhookUnsignedError = createError(
  'FST_PROPELAUTH_WEBHOOK_UNSIGNED',
  'Missing or unreadable webhook headers: a delivery carries svix-id, svix-timestamp (in seconds) and svix-signature, or webhook-id, webhook-timestamp and webhook-signature',
  401
)

export const WebhookSignatureError = createError(
  'FST_PROPELAUTH_WEBHOOK_BAD_SIGNATURE',
  'No webhook signature matches the body: the body was changed, or it was signed with another secret than the endpoint\'s',
  401
)

export const WebhookStaleError = createError(
  'FST_PROPELAUTH_WEBHOOK_STALE',
  'Webhook timestamp more than 5 minutes away from this server\'s clock: a replayed delivery, or a clock that is off',
  401
)

export const WebhookMalformedError = createError(
  'FST_PROPELAUTH_WEBHOOK_MALFORMED',
  'Webhook body is not a JSON object with a string event_type',
  400
)

export const WebhookHandlerError = createError(
  'FST_PROPELAUTH_WEBHOOK_HANDLER_FAILED',
  'The handler of the webhook event %s (delivery %s) failed; PropelAuth will deliver it again',
  500
)
