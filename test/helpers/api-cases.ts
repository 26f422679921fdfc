// One row per backend API function (and a few variants): the arguments of a call,
// the JSON PropelAuth answers on success, and the request that call must send,
// written out by hand from what PropelAuth's Node library sends (method, path and
// query as sent, and the JSON body with its keys in order; the tables of
// docs/propelauth-compatibility.md, "The backend API").

export const USER_ID = '2c1f3e5a-6b7c-4d8e-9f00-112233445566'
export const ORG_ID = '9a7b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3'
export const API_KEY_ID = '0123456789abcdef0123456789abcdef'

/** A membership as PropelAuth sends it (also the API-key guard tests' `user_in_org`). */
export const ORG_MEMBER = {
  org_id: ORG_ID,
  org_name: 'Acme Inc',
  url_safe_org_name: 'acme-inc',
  org_metadata: { plan_tier: 'pro' },
  user_role: 'Admin',
  inherited_user_roles_plus_current_role: ['Admin', 'Member'],
  user_permissions: ['read', 'write'],
  org_role_structure: 'single_role_in_hierarchy',
  additional_roles: []
}

/** A user as PropelAuth sends it, with their membership. */
export const USER = {
  user_id: USER_ID,
  email: 'ada@example.com',
  email_confirmed: true,
  has_password: true,
  username: 'ada',
  first_name: 'Ada',
  last_name: 'Lovelace',
  picture_url: 'https://img.example.com/ada.png',
  locked: false,
  enabled: true,
  mfa_enabled: false,
  can_create_orgs: true,
  created_at: 1700000000,
  last_active_at: 1700000500,
  org_id_to_org_info: { [ORG_ID]: ORG_MEMBER },
  // Customer data: left as is, snake_case keys included.
  metadata: { favourite_colour: 'green', nested_thing: { inner_key: 1 } },
  properties: { team_size: 3 }
}

const ORGANIZATION = {
  org_id: ORG_ID,
  name: 'Acme Inc',
  url_safe_org_slug: 'acme-inc',
  can_setup_saml: true,
  is_saml_configured: false,
  is_saml_in_test_mode: false,
  max_users: 50,
  metadata: { billing_id: 'cus_1' },
  domain: 'acme.com',
  extra_domains: ['acme.org'],
  domain_autojoin: false,
  domain_restrict: false,
  custom_role_mapping_name: 'Default',
  password_rotation_enabled: false,
  password_rotation_history_size: 0,
  password_rotation_period: 0
}

const ORG_FOR_KEY = {
  org_id: ORG_ID,
  org_name: 'Acme Inc',
  max_users: 50,
  is_saml_configured: false,
  metadata: { billing_id: 'cus_1' },
  custom_role_mapping_name: 'Default'
}

const API_KEY = {
  api_key_id: API_KEY_ID,
  created_at: 1700000000,
  expires_at_seconds: 1800000000,
  metadata: { scope_name: 'read' },
  org_id: ORG_ID,
  display_name: 'CI key'
}

const KEYS_PAGE = { api_keys: [API_KEY], total_api_keys: 1, current_page: 0, page_size: 10, has_more_results: false }

const USER_REPORT = {
  user_reports: [{
    id: 'r1',
    report_id: 'rep1',
    user_id: USER_ID,
    email: 'ada@example.com',
    user_created_at: 1700000000,
    last_active_at: 1700000500,
    org_data: [{ display_name: 'Acme Inc', org_id: ORG_ID, user_role: 'Admin' }],
    extra_properties: { some_key: 1 }
  }],
  current_page: 0,
  total_count: 1,
  page_size: 10,
  has_more_results: false,
  report_time: 1700000000
}

const ORG_REPORT = {
  org_reports: [{ id: 'o1', report_id: 'rep2', org_id: ORG_ID, name: 'Acme Inc', num_users: 3, org_created_at: 1700000000, extra_properties: {} }],
  current_page: 0,
  total_count: 1,
  page_size: 10,
  has_more_results: false,
  report_time: 1700000000
}

const USERS_PAGE = { users: [USER], total_users: 1, current_page: 1, page_size: 5, has_more_results: false }
const U = '/api/backend/v1/user'
const B = '/api/backend/v1'
const K = '/api/backend/v1/end_user_api_keys'

export interface ApiCase {
  /** Function name, as on PropelAuth's Node client. */
  fn: string
  /** Distinguishes variants of one function. */
  label?: string
  args: unknown[]
  /** JSON answered with 200. */
  reply: unknown
  /** The request the call must send: method, target (path + query) and JSON body (undefined: none). */
  request: [method: string, target: string, body?: unknown]
}

export const API_CASES: ApiCase[] = [
  // users
  { fn: 'fetchUserMetadataByUserId', args: [USER_ID, true], reply: USER, request: ['GET', `${U}/${USER_ID}?include_orgs=true`] },
  { fn: 'fetchUserMetadataByUserId', label: 'without orgs', args: [USER_ID], reply: USER, request: ['GET', `${U}/${USER_ID}?include_orgs=false`] },
  { fn: 'fetchUserMetadataByEmail', args: ['ada+test@example.com'], reply: USER, request: ['GET', `${U}/email?email=ada%2Btest%40example.com&include_orgs=false`] },
  { fn: 'fetchUserMetadataByUsername', args: ['ada lovelace', true], reply: USER, request: ['GET', `${U}/username?username=ada+lovelace&include_orgs=true`] },
  { fn: 'fetchBatchUserMetadataByUserIds', args: [[USER_ID], true], reply: [USER], request: ['POST', `${U}/user_ids?include_orgs=true`, { user_ids: [USER_ID] }] },
  { fn: 'fetchBatchUserMetadataByEmails', args: [['ada@example.com', 'nobody@example.com']], reply: [USER], request: ['POST', `${U}/emails`, { emails: ['ada@example.com', 'nobody@example.com'] }] },
  { fn: 'fetchBatchUserMetadataByUsernames', args: [['ada'], false], reply: [USER], request: ['POST', `${U}/usernames`, { usernames: ['ada'] }] },
  {
    fn: 'fetchUsersByQuery',
    args: [{ pageSize: 5, pageNumber: 1, orderBy: 'EMAIL', emailOrUsername: 'ada', includeOrgs: true, legacyUserId: 'legacy-1' }],
    reply: USERS_PAGE,
    request: ['GET', `${U}/query?page_size=5&page_number=1&order_by=EMAIL&email_or_username=ada&include_orgs=true&legacy_user_id=legacy-1`]
  },
  { fn: 'fetchUsersByQuery', label: 'empty query', args: [{}], reply: USERS_PAGE, request: ['GET', `${U}/query`] },
  {
    fn: 'fetchUsersInOrg',
    args: [{ orgId: ORG_ID, pageSize: 20, role: 'Admin' }],
    reply: { ...USERS_PAGE, users: [{ ...USER, role_in_org: 'Admin', additional_roles_in_org: ['Billing'] }] },
    request: ['GET', `${U}/org/${ORG_ID}?page_size=20&role=Admin`]
  },
  { fn: 'fetchUserSignupQueryParams', args: [USER_ID], reply: { user_signup_query_parameters: { utm_source: 'ads' } }, request: ['GET', `${U}/${USER_ID}/signup_query_parameters`] },
  {
    fn: 'createUser',
    args: [{ email: 'ada@example.com', emailConfirmed: true, password: 'hunter22', askUserToUpdatePasswordOnLogin: false, firstName: 'Ada', lastName: 'Lovelace', properties: { favorite_sport: 'chess' } }],
    reply: { user_id: USER_ID },
    request: ['POST', `${U}/`, { email: 'ada@example.com', email_confirmed: true, password: 'hunter22', ask_user_to_update_password_on_login: false, first_name: 'Ada', last_name: 'Lovelace', properties: { favorite_sport: 'chess' } }]
  },
  {
    fn: 'updateUserMetadata',
    args: [USER_ID, { firstName: 'Ada', pictureUrl: 'https://img.example.com/a.png', metadata: { a_b: 1 }, updatePasswordRequired: true, legacyUserId: 'l-1' }],
    reply: {},
    request: ['PUT', `${U}/${USER_ID}`, { first_name: 'Ada', picture_url: 'https://img.example.com/a.png', metadata: { a_b: 1 }, update_password_required: true, legacy_user_id: 'l-1' }]
  },
  { fn: 'updateUserEmail', args: [USER_ID, { newEmail: 'new@example.com', requireEmailConfirmation: false }], reply: {}, request: ['PUT', `${U}/${USER_ID}/email`, { new_email: 'new@example.com', require_email_confirmation: false }] },
  { fn: 'updateUserPassword', args: [USER_ID, { password: 'correct horse', askUserToUpdatePasswordOnLogin: true }], reply: {}, request: ['PUT', `${U}/${USER_ID}/password`, { password: 'correct horse', ask_user_to_update_password_on_login: true }] },
  { fn: 'clearUserPassword', args: [USER_ID], reply: {}, request: ['PUT', `${U}/${USER_ID}/clear_password`] },
  { fn: 'deleteUser', args: [USER_ID], reply: {}, request: ['DELETE', `${U}/${USER_ID}`] },
  { fn: 'disableUser', args: [USER_ID], reply: {}, request: ['POST', `${U}/${USER_ID}/disable`] },
  { fn: 'enableUser', args: [USER_ID], reply: {}, request: ['POST', `${U}/${USER_ID}/enable`] },
  { fn: 'disableUser2fa', args: [USER_ID], reply: {}, request: ['POST', `${U}/${USER_ID}/disable_2fa`] },
  { fn: 'enableUserCanCreateOrgs', args: [USER_ID], reply: {}, request: ['PUT', `${U}/${USER_ID}/can_create_orgs/enable`] },
  { fn: 'disableUserCanCreateOrgs', args: [USER_ID], reply: {}, request: ['PUT', `${U}/${USER_ID}/can_create_orgs/disable`] },
  { fn: 'logoutAllUserSessions', args: [USER_ID], reply: {}, request: ['POST', `${U}/${USER_ID}/logout_all_sessions`] },
  { fn: 'resendEmailConfirmation', args: [USER_ID], reply: {}, request: ['POST', `${B}/resend_email_confirmation`, { user_id: USER_ID }] },
  {
    fn: 'fetchUserMfaMethods',
    args: [USER_ID],
    reply: { mfa_setup: { type: 'Phone', phone_numbers: [{ mfa_phone_number_suffix: '1234', mfa_phone_id: 'phone-1' }] } },
    request: ['GET', `${U}/${USER_ID}/mfa`]
  },
  { fn: 'fetchUserMfaMethods', label: 'no MFA', args: [USER_ID], reply: { mfa_setup: null }, request: ['GET', `${U}/${USER_ID}/mfa`] },
  {
    fn: 'fetchUserOAuthTokens',
    args: [USER_ID],
    reply: { google: { access_token: 'ya29.x', refresh_token: 'r', token_provider: 'google', token_expiration: 1700003600, authorized_scopes: ['email'] } },
    request: ['GET', `${U}/${USER_ID}/oauth_token`]
  },
  {
    fn: 'fetchFreshTokenFromProvider',
    args: [USER_ID, 'github'],
    reply: { access_token: 'gho_x', token_provider: 'github', authorized_scopes: ['repo'] },
    request: ['GET', `${U}/${USER_ID}/github/fresh_token`]
  },
  {
    fn: 'migrateUserFromExternalSource',
    args: [{ email: 'ada@example.com', emailConfirmed: true, existingUserId: 'ext-1', existingPasswordHash: '$2b$10$abc', existingMfaBase32EncodedSecret: 'JBSWY3DP', askUserToUpdatePasswordOnLogin: true, enabled: true, firstName: 'Ada', username: 'ada', pictureUrl: 'https://img.example.com/a.png', properties: { plan: 'pro' } }],
    reply: { user_id: USER_ID },
    request: ['POST', `${B}/migrate_user/`, { email: 'ada@example.com', email_confirmed: true, existing_user_id: 'ext-1', existing_password_hash: '$2b$10$abc', existing_mfa_base32_encoded_secret: 'JBSWY3DP', update_password_required: true, enabled: true, first_name: 'Ada', username: 'ada', picture_url: 'https://img.example.com/a.png', properties: { plan: 'pro' } }]
  },
  { fn: 'migrateUserPassword', args: [{ userId: USER_ID, passwordHash: '$2b$10$abc' }], reply: {}, request: ['POST', `${B}/migrate_user/password`, { user_id: USER_ID, password_hash: '$2b$10$abc' }] },

  // magic links, access tokens
  {
    fn: 'createMagicLink',
    args: [{ email: 'ada@example.com', redirectToUrl: 'https://app.example.com/welcome', expiresInHours: 24, createNewUserIfOneDoesntExist: true, expiresAfterFirstUse: true, requiresInterstitial: false, userSignupQueryParameters: { ref: 'mail' } }],
    reply: { url: 'https://auth.example.com/magic/abc' },
    request: ['POST', `${B}/magic_link`, { email: 'ada@example.com', redirect_to_url: 'https://app.example.com/welcome', expires_in_hours: 24, create_new_user_if_one_doesnt_exist: true, expire_after_first_use: true, requires_interstitial: false, user_signup_query_parameters: { ref: 'mail' } }]
  },
  {
    fn: 'createAccessToken',
    args: [{ userId: USER_ID, durationInMinutes: 60, activeOrgId: ORG_ID }],
    reply: { access_token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' },
    request: ['POST', `${B}/access_token`, { user_id: USER_ID, duration_in_minutes: 60, active_org_id: ORG_ID }]
  },

  // orgs
  { fn: 'fetchOrg', args: [ORG_ID], reply: ORGANIZATION, request: ['GET', `${B}/org/${ORG_ID}`] },
  {
    fn: 'fetchOrgByQuery',
    args: [{ pageSize: 10, pageNumber: 0, orderBy: 'NAME', name: 'Acme', domain: 'acme.com' }],
    reply: { orgs: [{ org_id: ORG_ID, name: 'Acme Inc', max_users: 50, is_saml_configured: false, metadata: { billing_id: 'cus_1' }, custom_role_mapping_name: 'Default', created_at: 1700000000 }], total_orgs: 1, current_page: 0, page_size: 10, has_more_results: false },
    request: ['POST', `${B}/org/query`, { page_size: 10, page_number: 0, order_by: 'NAME', name: 'Acme', domain: 'acme.com' }]
  },
  { fn: 'fetchCustomRoleMappings', args: [], reply: { custom_role_mappings: [{ custom_role_mapping_name: 'Default', num_orgs_subscribed: 3 }] }, request: ['GET', `${B}/custom_role_mappings`] },
  {
    fn: 'createOrg',
    args: [{ name: 'Acme Inc', domain: 'acme.com', maxUsers: 10, legacyOrgId: 'l-1', customRoleMappingName: 'Default' }],
    reply: { org_id: ORG_ID, name: 'Acme Inc' },
    request: ['POST', `${B}/org/`, { name: 'Acme Inc', enable_auto_joining_by_domain: false, members_must_have_matching_domain: false, domain: 'acme.com', max_users: 10, legacy_org_id: 'l-1', custom_role_mapping_name: 'Default' }]
  },
  { fn: 'createOrg', label: 'name only', args: [{ name: 'Tiny', enableAutoJoiningByDomain: true }], reply: { org_id: ORG_ID, name: 'Tiny' }, request: ['POST', `${B}/org/`, { name: 'Tiny', enable_auto_joining_by_domain: true, members_must_have_matching_domain: false }] },
  {
    fn: 'updateOrg',
    args: [{ orgId: ORG_ID, name: 'Acme 2', canSetupSaml: true, maxUsers: 20, metadata: { k_v: 1 }, canJoinOnEmailDomainMatch: true, membersMustHaveEmailDomainMatch: false, domain: 'acme.com', require2faBy: '2030-01-01T00:00:00Z', extraDomains: ['acme.org'], passwordRotationEnabled: true, passwordRotationHistorySize: 5, passwordRotationPeriod: 90 }],
    reply: {},
    request: ['PUT', `${B}/org/${ORG_ID}`, { name: 'Acme 2', can_setup_saml: true, metadata: { k_v: 1 }, max_users: 20, autojoin_by_domain: true, restrict_to_domain: false, domain: 'acme.com', require_2fa_by: '2030-01-01T00:00:00Z', extra_domains: ['acme.org'], password_rotation_enabled: true, password_rotation_history_size: 5, password_rotation_period: 90 }]
  },
  { fn: 'subscribeOrgToRoleMapping', args: [ORG_ID, 'Default'], reply: {}, request: ['PUT', `${B}/org/${ORG_ID}`, { custom_role_mapping_name: 'Default' }] },
  { fn: 'deleteOrg', args: [ORG_ID], reply: {}, request: ['DELETE', `${B}/org/${ORG_ID}`] },
  { fn: 'addUserToOrg', args: [{ userId: USER_ID, orgId: ORG_ID, role: 'Admin' }], reply: {}, request: ['POST', `${B}/org/add_user`, { user_id: USER_ID, org_id: ORG_ID, role: 'Admin', additional_roles: [] }] },
  { fn: 'changeUserRoleInOrg', args: [{ userId: USER_ID, orgId: ORG_ID, role: 'Member', additionalRoles: ['Billing'] }], reply: {}, request: ['POST', `${B}/org/change_role`, { user_id: USER_ID, org_id: ORG_ID, role: 'Member', additional_roles: ['Billing'] }] },
  { fn: 'removeUserFromOrg', args: [{ userId: USER_ID, orgId: ORG_ID }], reply: {}, request: ['POST', `${B}/org/remove_user`, { user_id: USER_ID, org_id: ORG_ID }] },
  { fn: 'allowOrgToSetupSamlConnection', args: [ORG_ID], reply: {}, request: ['POST', `${B}/org/${ORG_ID}/allow_saml`] },
  { fn: 'disallowOrgToSetupSamlConnection', args: [ORG_ID], reply: {}, request: ['POST', `${B}/org/${ORG_ID}/disallow_saml`] },
  { fn: 'createOrgSamlConnectionLink', args: [ORG_ID, 3600], reply: { url: 'https://auth.example.com/saml/setup' }, request: ['POST', `${B}/org/${ORG_ID}/create_saml_connection_link`, { expires_in_seconds: 3600 }] },
  { fn: 'createOrgSamlConnectionLink', label: 'no expiry', args: [ORG_ID], reply: { url: 'https://auth.example.com/saml/setup' }, request: ['POST', `${B}/org/${ORG_ID}/create_saml_connection_link`, {}] },
  { fn: 'fetchSamlSpMetadata', args: [ORG_ID], reply: { entity_id: 'urn:sp', acs_url: 'https://auth.example.com/acs', logout_url: 'https://auth.example.com/logout' }, request: ['GET', `${B}/saml_sp_metadata/${ORG_ID}`] },
  {
    fn: 'setSamlIdpMetadata',
    args: [ORG_ID, { idpEntityId: 'urn:idp', idpSsoUrl: 'https://idp.example.com/sso', idpCertificate: '-----BEGIN CERTIFICATE-----x', provider: 'Okta' }],
    reply: {},
    request: ['POST', `${B}/saml_idp_metadata`, { org_id: ORG_ID, idp_entity_id: 'urn:idp', idp_sso_url: 'https://idp.example.com/sso', idp_certificate: '-----BEGIN CERTIFICATE-----x', provider: 'Okta' }]
  },
  {
    fn: 'setOidcIdpMetadata',
    label: 'Generic',
    args: [{ orgId: ORG_ID, clientId: 'cid', clientSecret: 'csecret', usesPkce: true, idpType: 'Generic', authUrl: 'https://idp/auth', tokenUrl: 'https://idp/token', userinfoUrl: 'https://idp/userinfo' }],
    reply: {},
    request: ['POST', `${B}/oidc_idp_metadata`, { org_id: ORG_ID, client_id: 'cid', client_secret: 'csecret', uses_pkce: true, idp_type: 'Generic', auth_url: 'https://idp/auth', token_url: 'https://idp/token', userinfo_url: 'https://idp/userinfo' }]
  },
  {
    fn: 'setOidcIdpMetadata',
    label: 'Okta',
    args: [{ orgId: ORG_ID, clientId: 'cid', clientSecret: 'csecret', usesPkce: false, idpType: 'Okta', oktaSsoDomain: 'acme.okta.com' }],
    reply: {},
    request: ['POST', `${B}/oidc_idp_metadata`, { org_id: ORG_ID, client_id: 'cid', client_secret: 'csecret', uses_pkce: false, idp_type: 'Okta', okta_sso_domain: 'acme.okta.com' }]
  },
  {
    fn: 'setOidcIdpMetadata',
    label: 'Azure',
    args: [{ orgId: ORG_ID, clientId: 'cid', clientSecret: 'csecret', usesPkce: false, idpType: 'Azure', entraTenantId: 'tenant-1' }],
    reply: {},
    request: ['POST', `${B}/oidc_idp_metadata`, { org_id: ORG_ID, client_id: 'cid', client_secret: 'csecret', uses_pkce: false, idp_type: 'Azure', entra_tenant_id: 'tenant-1' }]
  },
  { fn: 'samlGoLive', args: [ORG_ID], reply: {}, request: ['POST', `${B}/saml_idp_metadata/go_live/${ORG_ID}`] },
  { fn: 'deleteSamlConnection', args: [ORG_ID], reply: {}, request: ['DELETE', `${B}/saml_idp_metadata/${ORG_ID}`] },

  // invites
  { fn: 'inviteUserToOrg', args: [{ orgId: ORG_ID, email: 'bob@example.com', role: 'Member' }], reply: {}, request: ['POST', `${B}/invite_user`, { org_id: ORG_ID, email: 'bob@example.com', role: 'Member', additional_roles: [] }] },
  { fn: 'inviteUserToOrgByUserId', args: [{ orgId: ORG_ID, userId: USER_ID, role: 'Member', additionalRoles: ['Billing'] }], reply: {}, request: ['POST', `${B}/invite_user_by_id`, { org_id: ORG_ID, user_id: USER_ID, role: 'Member', additional_roles: ['Billing'] }] },
  {
    fn: 'fetchPendingInvites',
    args: [{ orgId: ORG_ID, pageSize: 5, pageNumber: 2 }],
    reply: { total_invites: 1, current_page: 2, page_size: 5, has_more_results: false, invites: [{ invitee_email: 'bob@example.com', org_id: ORG_ID, org_name: 'Acme Inc', role_in_org: 'Member', additional_roles_in_org: [], created_at: 1700000000, expires_at: 1700600000, inviter_email: 'ada@example.com', inviter_user_id: USER_ID }] },
    request: ['GET', `${B}/pending_org_invites?org_id=${ORG_ID}&page_size=5&page_number=2`]
  },
  { fn: 'fetchPendingInvites', label: 'no params, page 0', args: [{ pageNumber: 0 }], reply: { total_invites: 0, current_page: 0, page_size: 10, has_more_results: false, invites: [] }, request: ['GET', `${B}/pending_org_invites`] },
  { fn: 'revokePendingOrgInvite', args: [{ inviteeEmail: 'bob@example.com', orgId: ORG_ID }], reply: {}, request: ['DELETE', `${B}/pending_org_invites`, { invitee_email: 'bob@example.com', org_id: ORG_ID }] },

  // end-user API keys
  { fn: 'fetchApiKey', args: [API_KEY_ID], reply: API_KEY, request: ['GET', `${K}/${API_KEY_ID}`] },
  { fn: 'fetchCurrentApiKeys', args: [{ orgId: ORG_ID, userEmail: 'ada@example.com', pageSize: 10 }], reply: KEYS_PAGE, request: ['GET', `${K}?org_id=${ORG_ID}&user_email=ada%40example.com&page_size=10`] },
  { fn: 'fetchArchivedApiKeys', args: [{}], reply: KEYS_PAGE, request: ['GET', `${K}/archived`] },
  {
    fn: 'createApiKey',
    args: [{ orgId: ORG_ID, expiresAtSeconds: 1800000000, metadata: { scope_name: 'read' }, displayName: 'CI key' }],
    reply: { api_key_id: API_KEY_ID, api_key_token: 'f'.repeat(64) },
    request: ['POST', K, { org_id: ORG_ID, expires_at_seconds: 1800000000, metadata: { scope_name: 'read' }, display_name: 'CI key' }]
  },
  { fn: 'updateApiKey', args: [API_KEY_ID, { expiresAtSeconds: 1900000000, metadata: { scope_name: 'write' } }], reply: {}, request: ['PATCH', `${K}/${API_KEY_ID}`, { expires_at_seconds: 1900000000, metadata: { scope_name: 'write' } }] },
  { fn: 'updateApiKey', label: 'never expire', args: [API_KEY_ID, { setToNeverExpire: true }], reply: {}, request: ['PATCH', `${K}/${API_KEY_ID}`, { set_to_never_expire: true }] },
  { fn: 'deleteApiKey', args: [API_KEY_ID], reply: {}, request: ['DELETE', `${K}/${API_KEY_ID}`] },
  {
    fn: 'validateApiKey',
    args: ['Bearer ' + 'a'.repeat(64)],
    reply: { metadata: { scope_name: 'read' }, user: USER, org: ORG_FOR_KEY, user_in_org: ORG_MEMBER },
    request: ['POST', `${K}/validate`, { api_key_token: 'a'.repeat(64) }]
  },
  { fn: 'validatePersonalApiKey', args: ['b'.repeat(64)], reply: { metadata: {}, user: USER }, request: ['POST', `${K}/validate`, { api_key_token: 'b'.repeat(64) }] },
  { fn: 'validateOrgApiKey', args: ['c'.repeat(64)], reply: { metadata: { env: 'ci' }, org: ORG_FOR_KEY }, request: ['POST', `${K}/validate`, { api_key_token: 'c'.repeat(64) }] },
  { fn: 'fetchApiKeyUsage', args: [{ date: '2025-01-02', orgId: ORG_ID, api_key_id: API_KEY_ID }], reply: { count: 4 }, request: ['GET', `${K}/usage?org_id=${ORG_ID}&api_key_id=${API_KEY_ID}&date=2025-01-02`] },
  { fn: 'importApiKey', args: [{ importedApiKey: 'legacy_secret', orgId: ORG_ID, displayName: 'old key' }], reply: { api_key_id: API_KEY_ID }, request: ['POST', `${K}/import`, { imported_api_key: 'legacy_secret', org_id: ORG_ID, display_name: 'old key' }] },
  { fn: 'validateImportedApiKey', args: ['legacy_secret'], reply: { metadata: {}, org: ORG_FOR_KEY }, request: ['POST', `${K}/validate_imported`, { api_key_token: 'legacy_secret' }] },

  // step-up MFA
  {
    fn: 'verifyStepUpTotpChallenge',
    args: [{ actionType: 'delete_account', userId: USER_ID, code: '123456', grantType: 'ONE_TIME_USE', validForSeconds: 60 }],
    reply: { step_up_grant: 'grant-1' },
    request: ['POST', `${B}/mfa/step-up/verify-totp`, { action_type: 'delete_account', user_id: USER_ID, code: '123456', grant_type: 'ONE_TIME_USE', valid_for_seconds: 60 }]
  },
  { fn: 'verifyStepUpGrant', args: [{ actionType: 'delete_account', userId: USER_ID, grant: 'grant-1' }], reply: {}, request: ['POST', `${B}/mfa/step-up/verify-grant`, { action_type: 'delete_account', user_id: USER_ID, grant: 'grant-1' }] },
  {
    fn: 'sendSmsMfaCode',
    args: [{ actionType: 'transfer', userId: USER_ID, mfaPhoneId: 'phone-1', grantType: 'TIME_BASED', validForSeconds: 300 }],
    reply: { challenge_id: 'challenge-1' },
    request: ['POST', `${B}/mfa/step-up/phone/send`, { action_type: 'transfer', user_id: USER_ID, mfa_phone_id: 'phone-1', grant_type: 'TIME_BASED', valid_for_seconds: 300 }]
  },
  { fn: 'verifySmsChallenge', args: [{ challengeId: 'challenge-1', userId: USER_ID, code: '654321' }], reply: { step_up_grant: 'grant-2' }, request: ['POST', `${B}/mfa/step-up/phone/verify`, { user_id: USER_ID, challenge_id: 'challenge-1', code: '654321' }] },

  // employees, SCIM
  { fn: 'fetchEmployeeById', args: [USER_ID], reply: { email: 'support@propelauth.example' }, request: ['GET', `${B}/employee/${USER_ID}`] },
  {
    fn: 'fetchOrgScimGroups',
    args: [{ orgId: ORG_ID, userId: USER_ID, pageSize: 10, pageNumber: 1 }],
    reply: { groups: [{ group_id: 'g-1', display_name: 'Engineering', external_id_from_idp: 'ext-g-1' }], page_number: 1, page_size: 10, total_groups: 11 },
    request: ['GET', `${B}/scim/${ORG_ID}/groups?page_size=10&page_number=1&user_id=${USER_ID}`]
  },
  {
    fn: 'fetchScimGroup',
    args: [{ orgId: ORG_ID, groupId: 'g-1', membersPageSize: 5 }],
    reply: { group_id: 'g-1', display_name: 'Engineering', members: [{ user_id: USER_ID }] },
    request: ['GET', `${B}/scim/${ORG_ID}/groups/g-1?members_page_size=5`]
  },

  // reports and chart metrics
  { fn: 'fetchUserTopInviterReport', args: ['30', { pageSize: 5, pageNumber: 1 }], reply: USER_REPORT, request: ['GET', `${B}/user_report/top_inviter?report_interval=30&page_size=5&page_number=1`] },
  { fn: 'fetchUserChampionReport', args: ['60'], reply: USER_REPORT, request: ['GET', `${B}/user_report/champion?report_interval=60`] },
  { fn: 'fetchUserReengagementReport', args: ['Weekly'], reply: USER_REPORT, request: ['GET', `${B}/user_report/reengagement?report_interval=Weekly`] },
  { fn: 'fetchUserChurnReport', args: ['7', { pageNumber: 2 }], reply: USER_REPORT, request: ['GET', `${B}/user_report/churn?report_interval=7&page_number=2`] },
  { fn: 'fetchOrgReengagementReport', args: ['Monthly'], reply: ORG_REPORT, request: ['GET', `${B}/org_report/reengagement?report_interval=Monthly`] },
  { fn: 'fetchOrgChurnReport', args: ['14'], reply: ORG_REPORT, request: ['GET', `${B}/org_report/churn?report_interval=14`] },
  { fn: 'fetchOrgGrowthReport', args: ['90', { pageSize: 50 }], reply: ORG_REPORT, request: ['GET', `${B}/org_report/growth?report_interval=90&page_size=50`] },
  { fn: 'fetchOrgAttritionReport', args: [], reply: ORG_REPORT, request: ['GET', `${B}/org_report/attrition`] },
  {
    fn: 'fetchChartMetricData',
    args: ['signups', 'Daily', new Date('2025-01-01T12:00:00Z'), new Date('2025-01-31T00:00:00Z')],
    reply: { chart_type: 'signups', cadence: 'Daily', metrics: [{ result: 1, date: '2025-01-01', cadence_completed: true }] },
    request: ['GET', `${B}/chart_metrics/signups?cadence=Daily&start_date=2025-01-01&end_date=2025-01-31`]
  }
]

export function caseName (apiCase: ApiCase): string {
  return apiCase.label === undefined ? apiCase.fn : `${apiCase.fn} (${apiCase.label})`
}
