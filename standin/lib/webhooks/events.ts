import type { PropelAuthWebhookEventType } from 'fastify-propelauth/webhooks'

// The events PropelAuth sends to webhooks are typed by the plugin, for its
// receiver (`fastify-propelauth/webhooks`: `PropelAuthWebhookEvent`, one
// type per `event_type`); the stand-in sends those very types, so what it
// sends and what an app's handlers take cannot drift apart. Here is their
// list at run time, to check the `eventTypes` of an endpoint.

// A record keyed by every type, so that a type the plugin adds and this list lacks fails to compile.
const EVENT_TYPES: Record<PropelAuthWebhookEventType, true> = {
  'user.created': true,
  'user.updated': true,
  'user.deleted': true,
  'user.enabled': true,
  'user.disabled': true,
  'user.locked': true,
  'user.logged_out': true,
  'user.login': true,
  'user.impersonated': true,
  'user.added_to_org': true,
  'user.invited_to_org': true,
  'user.removed_from_org': true,
  'user.role_changed_within_org': true,
  'user.deleted_personal_api_key': true,
  'user.send_mfa_phone_code': true,
  'user.added_to_scim_group': true,
  'user.removed_from_scim_group': true,
  'org.created': true,
  'org.updated': true,
  'org.deleted': true,
  'org.saml_setup': true,
  'org.saml_went_live': true,
  'org.saml_removed': true,
  'org.api_key_deleted': true,
  'org.scim_group_created': true,
  'org.scim_group_updated': true,
  'org.scim_group_deleted': true,
  'org.scim_key_created': true,
  'org.scim_key_revoked': true
}

/** Every event type PropelAuth sends, the stand-in's or not: the users' events, then the orgs'. */
export const WEBHOOK_EVENT_TYPES: readonly PropelAuthWebhookEventType[] = Object.freeze(Object.keys(EVENT_TYPES) as PropelAuthWebhookEventType[])

export function isWebhookEventType (value: unknown): value is PropelAuthWebhookEventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_TYPES, value)
}
