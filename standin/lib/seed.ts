import { readFile } from 'node:fs/promises'
import { checkSeed } from './seed-schema.js'

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

/**
 * The seed the example app, `npm start` and the stand-in CLI use: one org,
 * Acme Inc, with an Owner, an Admin and a Member, and one user in no org.
 * Every password is `password` (development only). The Owner has SMS MFA, the
 * Admin an authenticator app; Acme has an org API key whose token is shown in
 * the README.
 */
export const DEFAULT_SEED: Seed = {
  roles: ['Owner', 'Admin', 'Member'],
  rolePermissions: {
    Owner: ['can_view_billing', 'can_manage_api_keys', 'can_invite'],
    Admin: ['can_view_billing', 'can_manage_api_keys', 'can_invite'],
    Member: ['can_read']
  },
  users: [
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a0', email: 'owner@acme.test', password: 'password', firstName: 'Ada', lastName: 'Owner', mfa: { phoneNumbers: ['+15555550100'] } },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a1', email: 'admin@acme.test', password: 'password', firstName: 'Grace', lastName: 'Admin', mfa: 'totp' },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a2', email: 'member@acme.test', password: 'password', firstName: 'Linus', lastName: 'Member' },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a3', email: 'outsider@example.test', password: 'password', firstName: 'Margaret', lastName: 'Outsider' }
  ],
  orgs: [
    {
      orgId: '7d3f6b2e-0000-4000-8000-00000000ac00',
      name: 'Acme Inc',
      domain: 'acme.test',
      members: [
        { email: 'owner@acme.test', role: 'Owner' },
        { email: 'admin@acme.test', role: 'Admin' },
        { email: 'member@acme.test', role: 'Member' }
      ],
      scimGroups: [{ displayName: 'Engineering', externalId: 'eng', members: ['admin@acme.test', 'member@acme.test'] }]
    }
  ],
  apiKeys: [
    {
      apiKeyId: '5a1e0000000040008000000000ac0001',
      token: 'standin_acme_ci_api_key',
      orgName: 'Acme Inc',
      displayName: 'Acme CI'
    }
  ],
  employees: [{ employeeId: '0e2c9c1a-0000-4000-8000-0000000e0001', email: 'support@propelauth.test' }]
}

/**
 * Reads and checks a seed: a `Seed` object is checked as is, a string is read
 * as a JSON file. Fails with every problem found, each with its path
 * (`users/2/email: Expected string`), and checks cross-references (members who
 * are not users, unknown roles).
 */
export async function loadSeed (seed: Seed | string): Promise<Seed> {
  if (typeof seed !== 'string') return checkSeed(seed, 'seed')
  let text: string
  try {
    text = await readFile(seed, 'utf8')
  } catch (error) {
    throw new Error(`stand-in seed: cannot read ${seed}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`stand-in seed: ${seed} is not valid JSON: ${(error as Error).message}`)
  }
  return checkSeed(parsed, seed)
}
