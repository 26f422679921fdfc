import { PROPELAUTH_WEBHOOK_EVENT_TYPES, type PropelAuthWebhookEventType } from 'fastify-propelauth/webhooks'

// The events PropelAuth sends to webhooks are typed by the plugin, for its
// receiver (`fastify-propelauth/webhooks`: `PropelAuthWebhookEvent`, one
// type per `event_type`), which also lists them at run time; the stand-in
// sends those very types, so what it sends and what an app's handlers take
// cannot drift apart.

/** Every event type PropelAuth sends, the stand-in's or not: the users' events, then the orgs'. */
export const WEBHOOK_EVENT_TYPES: readonly PropelAuthWebhookEventType[] = PROPELAUTH_WEBHOOK_EVENT_TYPES

const KNOWN: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES)

export function isWebhookEventType (value: unknown): value is PropelAuthWebhookEventType {
  return typeof value === 'string' && KNOWN.has(value)
}
