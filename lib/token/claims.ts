// The wire shapes of a PropelAuth access token's claims (snake_case, as PropelAuth
// signs them). Shared by the verifier, which reads them, and by the testing kit,
// which writes them; nothing else of the plugin is shared with the testing kit, so
// that what the kit mints is checked by the real verifier rather than by itself.

export type OrgRoleStructureWire = 'single_role_in_hierarchy' | 'multi_role'

export interface OrgMemberInfoClaims {
  org_id: string
  org_name: string
  url_safe_org_name: string
  org_metadata: Record<string, unknown>
  user_role: string
  inherited_user_roles_plus_current_role: string[]
  user_permissions: string[]
  org_role_structure?: OrgRoleStructureWire
  additional_roles?: string[]
  legacy_org_id?: string
}

export type LoginMethodKind =
  | 'password'
  | 'magic_link'
  | 'social_sso'
  | 'email_confirmation_link'
  | 'saml_sso'
  | 'impersonation'
  | 'generated_from_backend_api'
  | 'unknown'

export interface LoginMethodClaims {
  login_method: LoginMethodKind
  provider?: string
  org_id?: string
}

export interface AccessTokenClaims {
  iss: string
  exp: number
  iat?: number
  nbf?: number
  aud?: string | string[]
  user_id: string
  email: string
  first_name?: string
  last_name?: string
  username?: string
  properties?: Record<string, unknown>
  metadata?: Record<string, unknown>
  legacy_user_id?: string
  impersonator_user_id?: string
  login_method?: LoginMethodClaims
  org_id_to_org_member_info?: Record<string, OrgMemberInfoClaims>
  /** Present in tokens made for one active org; then `org_id_to_org_member_info` is ignored. */
  org_member_info?: OrgMemberInfoClaims
}

export const LOGIN_METHOD_KINDS: readonly LoginMethodKind[] = [
  'password',
  'magic_link',
  'social_sso',
  'email_confirmation_link',
  'saml_sso',
  'impersonation',
  'generated_from_backend_api',
  'unknown'
]
