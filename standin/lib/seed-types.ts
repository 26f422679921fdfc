// The shape of a seed, apart from the code that reads and checks one, which
// both need it.

/**
 * The data a stand-in starts with: roles, users, orgs and the rest of a
 * PropelAuth project. Every field is optional; a JSON file with the same shape
 * works too (`startStandIn({ seed: './seed.json' })`, `--seed seed.json`).
 * Ids left out are derived from names and emails, so a seed gives the same ids
 * on every run.
 */
export interface Seed {
  /** Roles highest first; each inherits the ones below. Default Owner, Admin, Member. */
  roles?: string[]
  /** Permissions each role grants. */
  rolePermissions?: Record<string, string[]>
  /** Role structure of orgs that do not say. Default `single_role_in_hierarchy`. */
  roleStructure?: SeedRoleStructure
  /** Alternative role sets that orgs can subscribe to (`customRoleMappingName`). */
  customRoleMappings?: SeedRoleMapping[]
  users?: SeedUser[]
  orgs?: SeedOrg[]
  /** End-user API keys, e.g. a known token for trying `requireApiKey`. */
  apiKeys?: SeedApiKey[]
  /** PropelAuth employees (who may impersonate users), for `fetchEmployeeById`. */
  employees?: SeedEmployee[]
}

export type SeedRoleStructure = 'single_role_in_hierarchy' | 'multi_role'

/** A date as epoch seconds or an ISO 8601 string. */
export type SeedDate = number | string

export interface SeedRoleMapping {
  name: string
  /** Highest first, as `Seed.roles`. */
  roles: string[]
  rolePermissions?: Record<string, string[]>
  roleStructure?: SeedRoleStructure
}

export interface SeedUser {
  /** Default: a UUID derived from the email. */
  userId?: string
  email: string
  /** For the stand-in's development login (`POST /login`). Users without one cannot log in there. */
  password?: string
  /** Default true. */
  emailConfirmed?: boolean
  firstName?: string
  lastName?: string
  username?: string
  pictureUrl?: string
  properties?: Record<string, unknown>
  metadata?: Record<string, unknown>
  legacyUserId?: string
  /** Default true; disabled users cannot log in. */
  enabled?: boolean
  /** Default false; locked users cannot log in. */
  locked?: boolean
  /** Default true. */
  canCreateOrgs?: boolean
  /** Multi-factor setup: an authenticator app (`'totp'`) or phone numbers for SMS codes. */
  mfa?: 'totp' | { phoneNumbers: string[] }
  /** Default: a day within the last 90, derived from the email. */
  createdAt?: SeedDate
  /** Default: a day between `createdAt` and now, derived from the email. */
  lastActiveAt?: SeedDate
  /** Returned by `fetchUserSignupQueryParams`. */
  signupQueryParameters?: Record<string, string>
  /** Social providers the user signed in with (`google`, `github`…): `fetchUserOAuthTokens` returns a made-up token for each. */
  oauthProviders?: string[]
}

export interface SeedOrgMember {
  email: string
  role: string
  /** Multi-role orgs only. */
  additionalRoles?: string[]
}

export interface SeedOrg {
  /** Default: a UUID derived from the name. */
  orgId?: string
  name: string
  metadata?: Record<string, unknown>
  roleStructure?: SeedRoleStructure
  /** Use the roles of this entry of `customRoleMappings` instead of the project's. */
  customRoleMappingName?: string
  domain?: string
  extraDomains?: string[]
  /** Users with an email at `domain` may join on their own. */
  autojoinByDomain?: boolean
  /** Only users with an email at `domain` may be members. */
  restrictToDomain?: boolean
  maxUsers?: number
  legacyOrgId?: string
  /** Default false. */
  canSetupSaml?: boolean
  /** Default: a day within the last 90, derived from the name. */
  createdAt?: SeedDate
  members?: SeedOrgMember[]
  /** Pending invitations to the org. */
  invites?: Array<{ email: string, role: string, additionalRoles?: string[], inviterEmail?: string }>
  /** Groups synced from the org's identity provider by SCIM. */
  scimGroups?: Array<{ groupId?: string, displayName: string, externalId?: string, members?: string[] }>
}

export interface SeedApiKey {
  /** 32 hex characters. Default: derived from the token or the display name. */
  apiKeyId?: string
  /** The secret a client sends. Default: derived from the id. */
  token?: string
  /** A personal key of this user (or, with `orgName`, of this user in that org). */
  userEmail?: string
  /** A key of this org. */
  orgName?: string
  displayName?: string
  metadata?: Record<string, unknown>
  expiresAtSeconds?: number
  /** An imported key: checked by `validateImportedApiKey`, not `validateApiKey`. */
  imported?: boolean
}

export interface SeedEmployee {
  /** Default: a UUID derived from the email. */
  employeeId?: string
  email: string
}
