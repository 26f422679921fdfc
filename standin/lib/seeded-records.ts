// What each entry of a seed becomes in memory. Whatever a seed leaves out is
// derived from names and emails (ids, tokens, a made-up past), so the same seed
// gives the same records on every run.

import type { SeedApiKey, SeedDate, SeedEmployee, SeedOrg, SeedOrgMember, SeedUser } from './seed-types.js'
import { seconds } from './clock.js'
import { stableFraction, stableHexId, stableId } from './ids.js'
import type { MfaSetup, RoleStructure, ScimGroup, SocialLoginToken, StoredApiKey, StoredMembership, StoredOrg, StoredUser } from './records.js'

type SeedScimGroup = NonNullable<SeedOrg['scimGroups']>[number]

const DAY = 86_400
/** Seeded users and orgs get a made-up past within this many days, so reports and charts have data. */
const SEED_HISTORY_DAYS = 90
/** How long the social login tokens of a seeded user stay valid. */
const OAUTH_TOKEN_SECONDS = 3600

/** Epoch seconds of a seed's date, or `fallback` when the seed gives none. */
function seedSeconds (date: SeedDate | undefined, fallback: number, where: string): number {
  if (date === undefined) return fallback
  if (typeof date === 'number') return Math.floor(date)
  const ms = Date.parse(date)
  if (Number.isNaN(ms)) throw new Error(`stand-in seed: ${where} is not a date: ${date}`)
  return seconds(ms)
}

/** A whole number of days before `now`, fewer than SEED_HISTORY_DAYS, always the same for the same name. */
function madeUpPast (name: string, now: number): number {
  return now - Math.floor(stableFraction(name) * SEED_HISTORY_DAYS) * DAY
}

/** When a seeded user signed up and was last active: the seed's dates, else a plausible past. */
function seededActivity (user: SeedUser, now: number): { createdAt: number, lastActiveAt: number } {
  const createdAt = seedSeconds(user.createdAt, madeUpPast(`created:${user.email}`, now), `createdAt of ${user.email}`)
  const lastActiveAt = seedSeconds(user.lastActiveAt, createdAt + Math.floor(stableFraction(`active:${user.email}`) * (now - createdAt)), `lastActiveAt of ${user.email}`)
  // Nobody is active before signing up, nor later than now (unless the seed has them sign up later).
  return { createdAt, lastActiveAt: Math.min(Math.max(lastActiveAt, createdAt), Math.max(now, createdAt)) }
}

function seededMfa (user: SeedUser): MfaSetup | null {
  if (user.mfa === undefined) return null
  if (user.mfa === 'totp') return { type: 'Totp' }
  return { type: 'Phone', phones: user.mfa.phoneNumbers.map((number) => ({ phoneId: stableId(`phone:${user.email}:${number}`), number, suffix: number.slice(-4) })) }
}

/** A made-up token for each social provider the user signed in with. */
function seededOAuthTokens (user: SeedUser, now: number): Record<string, SocialLoginToken> {
  const tokens: Record<string, SocialLoginToken> = {}
  for (const provider of user.oauthProviders ?? []) {
    tokens[provider] = {
      access_token: `standin_${provider}_${stableHexId(`oauth:${user.email}:${provider}`)}`,
      refresh_token: `standin_${provider}_refresh_${stableHexId(`oauth-refresh:${user.email}:${provider}`)}`,
      token_provider: provider,
      token_expiration: now + OAUTH_TOKEN_SECONDS,
      authorized_scopes: ['openid', 'email', 'profile']
    }
  }
  return tokens
}

export function seededUser (user: SeedUser, now: number): StoredUser {
  const { createdAt, lastActiveAt } = seededActivity(user, now)
  return {
    userId: user.userId ?? stableId(`user:${user.email}`),
    email: user.email,
    emailConfirmed: user.emailConfirmed ?? true,
    password: user.password,
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username,
    pictureUrl: user.pictureUrl,
    properties: user.properties ?? {},
    metadata: user.metadata,
    legacyUserId: user.legacyUserId,
    enabled: user.enabled ?? true,
    locked: user.locked ?? false,
    canCreateOrgs: user.canCreateOrgs ?? true,
    mfa: seededMfa(user),
    updatePasswordRequired: false,
    createdAt,
    lastActiveAt,
    signupQueryParameters: user.signupQueryParameters ?? {},
    oauthTokens: seededOAuthTokens(user, now)
  }
}

/** The fields of a seeded org's record, before its members, invitations and SCIM groups. */
export function seededOrgFields (org: SeedOrg, now: number, defaultRoleStructure: RoleStructure): Pick<StoredOrg, 'orgId' | 'name'> & Partial<StoredOrg> {
  return {
    orgId: org.orgId ?? stableId(`org:${org.name}`),
    name: org.name,
    createdAt: seedSeconds(org.createdAt, madeUpPast(`created:${org.name}`, now), `createdAt of org ${org.name}`),
    metadata: org.metadata ?? {},
    roleStructure: org.roleStructure ?? defaultRoleStructure,
    customRoleMappingName: org.customRoleMappingName,
    domain: org.domain,
    extraDomains: org.extraDomains ?? [],
    domainAutojoin: org.autojoinByDomain ?? false,
    domainRestrict: org.restrictToDomain ?? false,
    maxUsers: org.maxUsers,
    legacyOrgId: org.legacyOrgId,
    canSetupSaml: org.canSetupSaml ?? false
  }
}

export function seededMembership (member: SeedOrgMember, user: StoredUser, org: StoredOrg): StoredMembership {
  // Nobody joins an org before both the org and their account exist.
  return { role: member.role, additionalRoles: member.additionalRoles ?? [], joinedAt: Math.max(user.createdAt, org.createdAt) }
}

export function seededScimGroup (group: SeedScimGroup, org: StoredOrg, memberIds: string[]): ScimGroup {
  const groupId = group.groupId ?? stableId(`scim:${org.name}:${group.displayName}`)
  return { groupId, displayName: group.displayName, externalId: group.externalId, memberIds }
}

/**
 * A seeded API key. Without an id, the id comes from the token, else the
 * display name, else the key's position in the seed.
 */
export function seededApiKey (key: SeedApiKey, index: number, owner: Pick<StoredApiKey, 'orgId' | 'userId'>, now: number): StoredApiKey {
  const apiKeyId = (key.apiKeyId ?? stableHexId(`apikey:${key.token ?? key.displayName ?? index}`)).toLowerCase()
  return {
    apiKeyId,
    token: key.token ?? stableHexId(`apikey-token:${apiKeyId}`) + stableHexId(`apikey-secret:${apiKeyId}`),
    orgId: owner.orgId,
    userId: owner.userId,
    createdAt: now,
    expiresAtSeconds: key.expiresAtSeconds,
    metadata: key.metadata,
    displayName: key.displayName,
    archived: false,
    imported: key.imported ?? false,
    usage: new Map()
  }
}

export function seededEmployeeId (employee: SeedEmployee): string {
  return employee.employeeId ?? stableId(`employee:${employee.email}`)
}
