// The events PropelAuth sends to a project's webhook endpoints: each is a flat
// JSON object, `event_type` and the fields of that type (snake_case, as on
// the wire). Every type PropelAuth documents is listed, including those the
// stand-in never produces (SCIM provisioning, impersonation, lockouts), so a
// receiver's tests can name them all.

/** The fields each event type carries besides `event_type`. */
export interface WebhookEventFields {
  'user.created': {
    user_id: string
    email: string
    email_confirmed: boolean
    first_name?: string
    last_name?: string
    picture_url?: string
    username?: string
  }
  'user.updated': { user_id: string }
  'user.deleted': { user_id: string }
  'user.enabled': { user_id: string }
  'user.disabled': { user_id: string }
  'user.locked': { user_id: string }
  'user.logged_out': { user_id: string }
  'user.login': { user_id: string, active_org_id?: string }
  'user.impersonated': { user_id: string, impersonator_user_id: string }
  'user.added_to_org': { user_id: string, org_id: string, role: string }
  'user.invited_to_org': { user_id: string, org_id: string, role?: string }
  'user.removed_from_org': { removed_user_id: string, org_id: string }
  'user.role_changed_within_org': { user_id: string, org_id: string, new_role: string, old_role?: string }
  'user.deleted_personal_api_key': { user_id: string, api_key_id: string }
  'user.send_mfa_phone_code': { user_id: string, phone_number: string }
  'user.added_to_scim_group': { user_id: string, org_id: string, scim_group_id: string }
  'user.removed_from_scim_group': { user_id: string, org_id: string, scim_group_id: string }
  'org.created': { org_id: string, name: string }
  'org.updated': { org_id: string }
  'org.deleted': { org_id: string }
  'org.saml_setup': { org_id: string }
  'org.saml_went_live': { org_id: string }
  'org.saml_removed': { org_id: string }
  'org.api_key_deleted': { org_id: string, api_key_id: string }
  'org.scim_group_created': { org_id: string, scim_group_id: string, display_name: string }
  'org.scim_group_updated': { org_id: string, scim_group_id: string, display_name: string }
  'org.scim_group_deleted': { org_id: string, scim_group_id: string }
  'org.scim_key_created': { org_id: string, scim_key_id: string }
  'org.scim_key_revoked': { org_id: string, scim_key_id: string }
}

/** `user.created`, `org.deleted`, …: the value of `event_type`. */
export type WebhookEventType = keyof WebhookEventFields

/** One event as PropelAuth posts it: `{ event_type: 'user.added_to_org', user_id, org_id, role }`. */
export type WebhookEvent = {
  [Type in WebhookEventType]: { event_type: Type } & WebhookEventFields[Type]
}[WebhookEventType]

// A record keyed by every type, so that adding a type above without listing it here fails to compile.
const EVENT_TYPES: Record<WebhookEventType, true> = {
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

/** Every event type PropelAuth sends: the users' events, then the orgs'. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = Object.freeze(Object.keys(EVENT_TYPES) as WebhookEventType[])

export function isWebhookEventType (value: unknown): value is WebhookEventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_TYPES, value)
}
