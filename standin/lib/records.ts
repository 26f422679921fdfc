// What the stand-in keeps in memory. Field names are camelCase here; the wire
// (snake_case) shapes are built from these in wire.ts. Times are epoch seconds.

export type RoleStructure = 'single_role_in_hierarchy' | 'multi_role'

/** A phone enrolled for SMS codes. */
export interface MfaPhone {
  phoneId: string
  /** The whole number, as the seed gives it (`+15555550100`). */
  number: string
  /** Its last four digits, all that PropelAuth's API shows. */
  suffix: string
}

export type MfaSetup =
  | { type: 'Totp' }
  | { type: 'Phone', phones: MfaPhone[] }

export interface SocialLoginToken {
  access_token: string
  refresh_token?: string
  token_provider: string
  token_expiration?: number
  authorized_scopes?: string[]
}

export interface StoredUser {
  userId: string
  email: string
  emailConfirmed: boolean
  /** Plain text, for the development login only. */
  password?: string
  /** Set by `migrateUserPassword` / `migrateUserFromExternalSource`; never checked. */
  passwordHash?: string
  firstName?: string
  lastName?: string
  username?: string
  pictureUrl?: string
  properties: Record<string, unknown>
  metadata?: Record<string, unknown>
  legacyUserId?: string
  enabled: boolean
  locked: boolean
  canCreateOrgs: boolean
  mfa: MfaSetup | null
  updatePasswordRequired: boolean
  createdAt: number
  lastActiveAt: number
  signupQueryParameters: Record<string, string>
  oauthTokens: Record<string, SocialLoginToken>
  /** When `logoutAllUserSessions` was last called. */
  sessionsRevokedAt?: number
}

export interface StoredMembership {
  role: string
  additionalRoles: string[]
  joinedAt: number
}

export interface SsoConnection {
  kind: 'saml' | 'oidc'
  /** The settings as sent (snake_case), secrets included: this is a test double. */
  settings: Record<string, unknown>
  live: boolean
}

export interface ScimGroup {
  groupId: string
  displayName: string
  externalId?: string
  memberIds: string[]
}

export interface StoredOrg {
  orgId: string
  name: string
  metadata: Record<string, unknown>
  roleStructure: RoleStructure
  customRoleMappingName?: string
  /** userId → membership */
  members: Map<string, StoredMembership>
  createdAt: number
  maxUsers?: number
  domain?: string
  extraDomains: string[]
  domainAutojoin: boolean
  domainRestrict: boolean
  legacyOrgId?: string
  canSetupSaml: boolean
  sso?: SsoConnection
  require2faBy?: string
  passwordRotation: { enabled: boolean, historySize: number, period: number }
  scimGroups: Map<string, ScimGroup>
  /** Members who left (removed or deleted), for the attrition report. */
  departures: Array<{ userId: string, at: number }>
}

export interface StoredInvite {
  inviteeEmail: string
  orgId: string
  role: string
  additionalRoles: string[]
  createdAt: number
  expiresAt: number
  inviterEmail?: string
  inviterUserId?: string
}

export interface StoredMagicLink {
  token: string
  url: string
  userId: string
  email: string
  redirectToUrl?: string
  createdAt: number
  expiresAt: number
  expireAfterFirstUse: boolean
  requiresInterstitial: boolean
}

export interface StoredApiKey {
  apiKeyId: string
  token: string
  orgId?: string
  userId?: string
  createdAt: number
  expiresAtSeconds?: number
  metadata?: Record<string, unknown>
  displayName?: string
  archived: boolean
  imported: boolean
  /** `YYYY-MM-DD` → successful validations that day. */
  usage: Map<string, number>
}

export interface StepUpGrant {
  grant: string
  userId: string
  actionType: string
  grantType: 'ONE_TIME_USE' | 'TIME_BASED'
  expiresAt: number
  used: boolean
}

export interface SmsChallenge {
  challengeId: string
  userId: string
  phoneId: string
  actionType: string
  grantType: 'ONE_TIME_USE' | 'TIME_BASED'
  validForSeconds: number
  expiresAt: number
}

export interface RoleMapping {
  name: string
  /** Highest first. */
  roles: string[]
  rolePermissions: Record<string, string[]>
  roleStructure?: RoleStructure
}

/** An email PropelAuth would have sent; kept so tests can assert on it. */
export interface SentEmail {
  to: string
  kind: 'email_confirmation' | 'org_invite' | 'magic_link' | 'password_reset'
  at: number
  /** The link in the email, when there is one. */
  link?: string
  orgId?: string
}
