// PropelAuth's webhook events: flat JSON objects named by `event_type`. The
// fields typed here are those PropelAuth documents for each type; an event may
// carry more, which reach the handler as sent, and a type not listed here
// reaches the catch-all handler (`onOtherEvent`) unchanged.

interface UserEvent<Type extends string> { event_type: Type, user_id: string }
interface OrgEvent<Type extends string> { event_type: Type, org_id: string }

export interface UserCreatedEvent extends UserEvent<'user.created'> {
  email: string
  email_confirmed: boolean
  first_name?: string
  last_name?: string
  picture_url?: string
  username?: string
}
export interface UserLoginEvent extends UserEvent<'user.login'> { active_org_id?: string }
export interface UserImpersonatedEvent extends UserEvent<'user.impersonated'> { impersonator_user_id: string }
export interface UserAddedToOrgEvent extends UserEvent<'user.added_to_org'> { org_id: string, role: string }
export interface UserInvitedToOrgEvent extends UserEvent<'user.invited_to_org'> { org_id: string, role?: string }
/** The one user event whose user is `removed_user_id`, not `user_id`. */
export interface UserRemovedFromOrgEvent { event_type: 'user.removed_from_org', removed_user_id: string, org_id: string }
export interface UserRoleChangedWithinOrgEvent extends UserEvent<'user.role_changed_within_org'> { org_id: string, new_role: string, old_role?: string }
export interface UserDeletedPersonalApiKeyEvent extends UserEvent<'user.deleted_personal_api_key'> { api_key_id: string }
export interface UserSendMfaPhoneCodeEvent extends UserEvent<'user.send_mfa_phone_code'> { phone_number: string }
export interface UserScimGroupEvent<Type extends string> extends UserEvent<Type> { org_id: string, scim_group_id: string }

export interface OrgCreatedEvent extends OrgEvent<'org.created'> { name: string }
export interface OrgApiKeyDeletedEvent extends OrgEvent<'org.api_key_deleted'> { api_key_id: string }
export interface OrgScimGroupEvent<Type extends string> extends OrgEvent<Type> { scim_group_id: string }
export interface OrgScimGroupChangedEvent<Type extends string> extends OrgScimGroupEvent<Type> { display_name: string }
export interface OrgScimKeyEvent<Type extends string> extends OrgEvent<Type> { scim_key_id: string }

/** Every event type this package knows, with its fields. */
export interface PropelAuthWebhookEvents {
  'user.created': UserCreatedEvent
  'user.updated': UserEvent<'user.updated'>
  'user.deleted': UserEvent<'user.deleted'>
  'user.enabled': UserEvent<'user.enabled'>
  'user.disabled': UserEvent<'user.disabled'>
  'user.locked': UserEvent<'user.locked'>
  'user.logged_out': UserEvent<'user.logged_out'>
  'user.login': UserLoginEvent
  'user.impersonated': UserImpersonatedEvent
  'user.added_to_org': UserAddedToOrgEvent
  'user.invited_to_org': UserInvitedToOrgEvent
  'user.removed_from_org': UserRemovedFromOrgEvent
  'user.role_changed_within_org': UserRoleChangedWithinOrgEvent
  'user.deleted_personal_api_key': UserDeletedPersonalApiKeyEvent
  'user.send_mfa_phone_code': UserSendMfaPhoneCodeEvent
  'user.added_to_scim_group': UserScimGroupEvent<'user.added_to_scim_group'>
  'user.removed_from_scim_group': UserScimGroupEvent<'user.removed_from_scim_group'>
  'org.created': OrgCreatedEvent
  'org.updated': OrgEvent<'org.updated'>
  'org.deleted': OrgEvent<'org.deleted'>
  'org.saml_setup': OrgEvent<'org.saml_setup'>
  'org.saml_went_live': OrgEvent<'org.saml_went_live'>
  'org.saml_removed': OrgEvent<'org.saml_removed'>
  'org.api_key_deleted': OrgApiKeyDeletedEvent
  'org.scim_group_created': OrgScimGroupChangedEvent<'org.scim_group_created'>
  'org.scim_group_updated': OrgScimGroupChangedEvent<'org.scim_group_updated'>
  'org.scim_group_deleted': OrgScimGroupEvent<'org.scim_group_deleted'>
  'org.scim_key_created': OrgScimKeyEvent<'org.scim_key_created'>
  'org.scim_key_revoked': OrgScimKeyEvent<'org.scim_key_revoked'>
}

export type PropelAuthWebhookEventType = keyof PropelAuthWebhookEvents
/** A known event, discriminated by `event_type`; its other fields are kept as sent. */
export type PropelAuthWebhookEvent = PropelAuthWebhookEvents[PropelAuthWebhookEventType]

// A record, so that the compiler fails when a type above is missing here.
const KNOWN: Record<PropelAuthWebhookEventType, true> = {
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

/** Every event type this package knows, at run time: the users' events, then the orgs'. */
export const PROPELAUTH_WEBHOOK_EVENT_TYPES: readonly PropelAuthWebhookEventType[] = Object.freeze(Object.keys(KNOWN) as PropelAuthWebhookEventType[])

/** Whether this package knows `type`; any other reaches `onOtherEvent`. */
export function isKnownEventType (type: unknown): type is PropelAuthWebhookEventType {
  return typeof type === 'string' && Object.hasOwn(KNOWN, type)
}
