import type { StoredApiKey, StoredInvite, StoredOrg, StoredUser } from './records.js'
import type { StandInState } from './state.js'
import { urlSafeName } from './org-claims.js'

// The JSON shapes PropelAuth's backend answers with (docs/propelauth-compatibility.md,
// "Objects in the answers"),
// built from the stored records. Optional fields are left out rather than null.

/** UserMetadata; with `includeOrgs`, `org_id_to_org_info` too. */
export function userMetadata (state: StandInState, user: StoredUser, includeOrgs = false): Record<string, unknown> {
  return {
    user_id: user.userId,
    email: user.email,
    email_confirmed: user.emailConfirmed,
    has_password: user.password !== undefined || user.passwordHash !== undefined,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    picture_url: user.pictureUrl,
    locked: user.locked,
    enabled: user.enabled,
    mfa_enabled: user.mfa !== null,
    can_create_orgs: user.canCreateOrgs,
    created_at: user.createdAt,
    last_active_at: user.lastActiveAt,
    org_id_to_org_info: includeOrgs ? state.orgInfoOf(user.userId) : undefined,
    legacy_user_id: user.legacyUserId,
    metadata: user.metadata,
    properties: user.properties
  }
}

/**
 * The user `/propelauth/oauth/userinfo` describes, in the fields PropelAuth
 * lists for it: the account's, with every org the user is in, and without
 * metadata, `locked` and `enabled`.
 */
export function oauthUserinfo (state: StandInState, user: StoredUser): Record<string, unknown> {
  const { metadata, locked, enabled, ...fields } = userMetadata(state, user, true)
  return { ...fields, update_password_required: user.updatePasswordRequired }
}

/** `fetchOrg`'s Organization. */
export function organization (org: StoredOrg): Record<string, unknown> {
  return {
    org_id: org.orgId,
    name: org.name,
    url_safe_org_slug: urlSafeName(org.name),
    can_setup_saml: org.canSetupSaml,
    is_saml_configured: org.sso?.live === true,
    is_saml_in_test_mode: org.sso !== undefined && !org.sso.live,
    max_users: org.maxUsers,
    metadata: org.metadata,
    domain: org.domain,
    extra_domains: org.extraDomains,
    domain_autojoin: org.domainAutojoin,
    domain_restrict: org.domainRestrict,
    custom_role_mapping_name: org.customRoleMappingName,
    legacy_org_id: org.legacyOrgId,
    require_2fa_by: org.require2faBy,
    password_rotation_enabled: org.passwordRotation.enabled,
    password_rotation_history_size: org.passwordRotation.historySize,
    password_rotation_period: org.passwordRotation.period,
    created_at: org.createdAt
  }
}

/** An item of `fetchOrgByQuery` (and the `org` of an API key validation, with `org_name`). */
export function orgSummary (org: StoredOrg): Record<string, unknown> {
  return {
    org_id: org.orgId,
    name: org.name,
    max_users: org.maxUsers,
    is_saml_configured: org.sso?.live === true,
    legacy_org_id: org.legacyOrgId,
    metadata: org.metadata,
    custom_role_mapping_name: org.customRoleMappingName,
    created_at: org.createdAt
  }
}

export function pendingInvite (state: StandInState, invite: StoredInvite): Record<string, unknown> {
  return {
    invitee_email: invite.inviteeEmail,
    org_id: invite.orgId,
    org_name: state.orgs.get(invite.orgId)?.name ?? '',
    role_in_org: invite.role,
    additional_roles_in_org: invite.additionalRoles,
    created_at: invite.createdAt,
    expires_at: invite.expiresAt,
    inviter_email: invite.inviterEmail,
    inviter_user_id: invite.inviterUserId
  }
}

/** ApiKeyFull. */
export function apiKeyFull (key: StoredApiKey): Record<string, unknown> {
  return {
    api_key_id: key.apiKeyId,
    created_at: key.createdAt,
    expires_at_seconds: key.expiresAtSeconds,
    metadata: key.metadata,
    user_id: key.userId,
    org_id: key.orgId,
    display_name: key.displayName
  }
}

/** ApiKeyValidation: who the key belongs to, as of now. */
export function apiKeyValidation (state: StandInState, key: StoredApiKey): Record<string, unknown> {
  const user = key.userId === undefined ? undefined : state.users.get(key.userId)
  const org = key.orgId === undefined ? undefined : state.orgs.get(key.orgId)
  return {
    metadata: key.metadata,
    user_id: key.userId,
    org_id: key.orgId,
    user: user === undefined ? undefined : userMetadata(state, user),
    org: org === undefined
      ? undefined
      : { ...orgSummary(org), org_name: org.name, can_setup_saml: org.canSetupSaml },
    user_in_org: user === undefined || org === undefined ? undefined : state.memberInfo(org, user.userId)
  }
}

export interface Page {
  pageSize: number
  pageNumber: number
}

/** One page of `items` with PropelAuth's paging fields; `itemsKey`/`totalKey` name the list and its count. */
export function paged<T> (items: T[], page: Page, itemsKey: string, totalKey: string): Record<string, unknown> {
  const start = page.pageNumber * page.pageSize
  return {
    [itemsKey]: items.slice(start, start + page.pageSize),
    [totalKey]: items.length,
    current_page: page.pageNumber,
    page_size: page.pageSize,
    has_more_results: start + page.pageSize < items.length
  }
}
