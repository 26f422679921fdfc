import type { OrgMemberInfoClaims } from 'fastify-propelauth'
import type { MintAccessTokenOptions, TestOrgMembership } from 'fastify-propelauth/testing'
import type { Seed, SeedApiKey, SeedOrg, SeedOrgMember, SeedUser } from './seed-types.js'
import { DEFAULT_ROLE_HIERARCHY, orgMemberInfoClaims, urlSafeName, type RoleModel } from './org-claims.js'
import { seconds, type Clock } from './clock.js'
import { createIdSource, type IdSource } from './ids.js'
import { seededApiKey, seededEmployeeId, seededMembership, seededOrgFields, seededScimGroup, seededUser } from './seeded-records.js'
import { SessionStore, type Session } from './auth-url/sessions.js'
import { AuthorizationCodes } from './auth-url/ssr-codes.js'
import { RefreshTokenStore } from './auth-url/ssr-refresh-tokens.js'
import { PerKeyLimiter } from './rate-limits.js'
import { EventFeed } from './webhooks/event-feed.js'
import type {
  RoleMapping,
  RoleStructure,
  SentEmail,
  SmsChallenge,
  StepUpGrant,
  StoredApiKey,
  StoredInvite,
  StoredMagicLink,
  StoredMembership,
  StoredOrg,
  StoredUser
} from './records.js'

export type { StoredUser, StoredOrg, StoredMembership } from './records.js'
export { stableId } from './ids.js'

type SeedInvite = NonNullable<SeedOrg['invites']>[number]
type SeedScimGroup = NonNullable<SeedOrg['scimGroups']>[number]

const DAY = 86_400
/** How long an invitation stays valid. */
export const INVITE_LIFETIME_SECONDS = 7 * DAY
/**
 * Failed sign-ins (a wrong password or MFA code) allowed per email within the
 * window, on the hosted login and the development login together; past them
 * that email alone waits (429) until its oldest failure leaves the window.
 */
export const FAILED_SIGN_IN_LIMIT = { max: 10, windowSeconds: 15 * 60 } as const

/** The roles an org uses: the project's, or a custom role mapping's. */
export interface OrgRoleModel extends RoleModel {
  roleStructure: RoleStructure
}

/** The stand-in's in-memory PropelAuth project. */
export class StandInState {
  /** The project's roles (highest first) and their permissions. */
  roles: RoleModel = { roleHierarchy: DEFAULT_ROLE_HIERARCHY, rolePermissions: {} }
  /** Role structure of orgs created without one. */
  defaultRoleStructure: RoleStructure = 'single_role_in_hierarchy'
  readonly roleMappings = new Map<string, RoleMapping>()
  readonly users = new Map<string, StoredUser>()
  readonly orgs = new Map<string, StoredOrg>()
  readonly invites: StoredInvite[] = []
  /** token → link */
  readonly magicLinks = new Map<string, StoredMagicLink>()
  /** apiKeyId → key */
  readonly apiKeys = new Map<string, StoredApiKey>()
  /** employeeId → email */
  readonly employees = new Map<string, string>()
  readonly stepUpGrants = new Map<string, StepUpGrant>()
  readonly smsChallenges = new Map<string, SmsChallenge>()
  /** Emails PropelAuth would have sent (confirmations, invitations, magic links), oldest first. */
  readonly outbox: SentEmail[] = []
  /** Signed-in browsers (the auth URL's session cookies) and sign-ins waiting for an MFA code. */
  readonly sessions = new SessionStore()
  /** Codes of server-side sign-ins waiting to be exchanged (`/propelauth/ssr/token`). */
  readonly ssrCodes = new AuthorizationCodes()
  /** Refresh tokens of apps signed in on their server. */
  readonly refreshTokens = new RefreshTokenStore()
  /** Recent failed sign-ins, by lower-cased email (known or not, so a 429 tells nothing about who has an account). */
  readonly failedSignIns: PerKeyLimiter
  /**
   * The changes PropelAuth reports to webhooks, as they are made (through
   * `lib/changes/`); the webhooks listen here. Seeding and `reset()` report
   * nothing, nor do changes made to the collections above directly.
   */
  readonly events = new EventFeed()

  readonly now: Clock
  /** Where new ids and secrets come from (seedable, see `idSeed`). */
  ids: IdSource

  constructor (seed: Seed, now: Clock = Date.now, ids: IdSource = createIdSource()) {
    this.now = now
    this.ids = ids
    this.failedSignIns = new PerKeyLimiter(now, FAILED_SIGN_IN_LIMIT)
    this.load(seed)
  }

  /** Epoch seconds on the stand-in's clock. */
  nowSeconds (): number {
    return seconds(this.now())
  }

  /** Forgets everything and loads `seed`, as at start. */
  load (seed: Seed): void {
    this.forgetEverything()
    // One reading of the clock for the whole seed, so the made-up dates agree with each other.
    const now = this.nowSeconds()
    this.loadRoles(seed)
    // Users first: orgs and API keys name them by email. Orgs before API keys, which name orgs.
    for (const user of seed.users ?? []) this.addSeededUser(user, now)
    for (const org of seed.orgs ?? []) this.addSeededOrg(org, now)
    for (const [index, key] of (seed.apiKeys ?? []).entries()) this.addSeededApiKey(key, index, now)
    for (const employee of seed.employees ?? []) this.employees.set(seededEmployeeId(employee), employee.email)
  }

  /** Empties every collection, so nothing from before survives a reset. */
  private forgetEverything (): void {
    this.users.clear()
    this.orgs.clear()
    this.invites.length = 0
    this.magicLinks.clear()
    this.apiKeys.clear()
    this.employees.clear()
    this.stepUpGrants.clear()
    this.smsChallenges.clear()
    this.outbox.length = 0
    this.sessions.clear()
    this.ssrCodes.clear()
    this.refreshTokens.clear()
    this.failedSignIns.clear()
    this.roleMappings.clear()
  }

  /** The project's roles, its default role structure and its custom role mappings. */
  private loadRoles (seed: Seed): void {
    this.roles = { roleHierarchy: seed.roles ?? DEFAULT_ROLE_HIERARCHY, rolePermissions: seed.rolePermissions ?? {} }
    this.defaultRoleStructure = seed.roleStructure ?? 'single_role_in_hierarchy'
    for (const mapping of seed.customRoleMappings ?? []) {
      this.roleMappings.set(mapping.name, { ...mapping, rolePermissions: mapping.rolePermissions ?? {} })
    }
  }

  private addSeededUser (user: SeedUser, now: number): void {
    const stored = seededUser(user, now)
    this.users.set(stored.userId, stored)
  }

  private addSeededOrg (org: SeedOrg, now: number): void {
    const stored = this.newOrg(seededOrgFields(org, now, this.defaultRoleStructure))
    this.addSeededMembers(stored, org.members ?? [])
    this.addSeededInvites(stored, org.invites ?? [], now)
    this.addSeededScimGroups(stored, org.scimGroups ?? [])
    this.orgs.set(stored.orgId, stored)
  }

  private addSeededMembers (org: StoredOrg, members: SeedOrgMember[]): void {
    for (const member of members) {
      const user = this.requireSeededUser(member.email, `org ${org.name}`)
      org.members.set(user.userId, seededMembership(member, user, org))
    }
  }

  private addSeededInvites (org: StoredOrg, invites: SeedInvite[], now: number): void {
    for (const invite of invites) {
      const inviter = invite.inviterEmail === undefined ? undefined : this.requireSeededUser(invite.inviterEmail, `invites of org ${org.name}`)
      this.invites.push({
        inviteeEmail: invite.email,
        orgId: org.orgId,
        role: invite.role,
        additionalRoles: invite.additionalRoles ?? [],
        createdAt: now,
        expiresAt: now + INVITE_LIFETIME_SECONDS,
        inviterEmail: inviter?.email,
        inviterUserId: inviter?.userId
      })
    }
  }

  private addSeededScimGroups (org: StoredOrg, groups: SeedScimGroup[]): void {
    for (const group of groups) {
      const memberIds = (group.members ?? []).map((email) => this.requireSeededUser(email, `SCIM group ${group.displayName}`).userId)
      const stored = seededScimGroup(group, org, memberIds)
      org.scimGroups.set(stored.groupId, stored)
    }
  }

  private addSeededApiKey (key: SeedApiKey, index: number, now: number): void {
    const org = key.orgName === undefined ? undefined : this.findOrgByName(key.orgName)
    const user = key.userEmail === undefined ? undefined : this.requireSeededUser(key.userEmail, 'apiKeys')
    const stored = seededApiKey(key, index, { orgId: org?.orgId, userId: user?.userId }, now)
    this.apiKeys.set(stored.apiKeyId, stored)
  }

  private requireSeededUser (email: string, where: string): StoredUser {
    const user = this.findUserByEmail(email)
    if (user === undefined) throw new Error(`stand-in seed: ${where} lists ${email}, who is not among the users`)
    return user
  }

  /** A user record with PropelAuth's defaults, not yet stored. */
  newUser (fields: Pick<StoredUser, 'userId' | 'email'> & Partial<StoredUser>): StoredUser {
    const now = this.nowSeconds()
    return {
      emailConfirmed: false,
      properties: {},
      enabled: true,
      locked: false,
      canCreateOrgs: true,
      mfa: null,
      updatePasswordRequired: false,
      createdAt: now,
      lastActiveAt: now,
      signupQueryParameters: {},
      oauthTokens: {},
      ...fields
    }
  }

  /** An org record with PropelAuth's defaults, not yet stored. */
  newOrg (fields: Pick<StoredOrg, 'orgId' | 'name'> & Partial<StoredOrg>): StoredOrg {
    return {
      metadata: {},
      roleStructure: this.defaultRoleStructure,
      members: new Map(),
      createdAt: this.nowSeconds(),
      extraDomains: [],
      domainAutojoin: false,
      domainRestrict: false,
      canSetupSaml: false,
      passwordRotation: { enabled: false, historySize: 0, period: 0 },
      scimGroups: new Map(),
      departures: [],
      ...fields
    }
  }

  findUserByEmail (email: string): StoredUser | undefined {
    const wanted = email.toLowerCase()
    for (const user of this.users.values()) {
      if (user.email.toLowerCase() === wanted) return user
    }
    return undefined
  }

  findUserByUsername (username: string): StoredUser | undefined {
    for (const user of this.users.values()) {
      if (user.username !== undefined && user.username === username) return user
    }
    return undefined
  }

  findOrgByName (name: string): StoredOrg | undefined {
    for (const org of this.orgs.values()) {
      if (org.name === name) return org
    }
    return undefined
  }

  /** The roles, permissions and structure that apply in `org`. */
  roleModelFor (org: StoredOrg): OrgRoleModel {
    const mapping = org.customRoleMappingName === undefined ? undefined : this.roleMappings.get(org.customRoleMappingName)
    if (mapping === undefined) return { ...this.roles, roleStructure: org.roleStructure }
    return { roleHierarchy: mapping.roles, rolePermissions: mapping.rolePermissions, roleStructure: mapping.roleStructure ?? org.roleStructure }
  }

  /** The user's membership as PropelAuth describes it (tokens, `include_orgs`, API key validation). */
  memberInfo (org: StoredOrg, userId: string): OrgMemberInfoClaims | undefined {
    const membership = org.members.get(userId)
    if (membership === undefined) return undefined
    return orgMemberInfoClaims(this.membershipForMint(org, membership), this.roleModelFor(org))
  }

  private membershipForMint (org: StoredOrg, membership: StoredMembership): TestOrgMembership {
    const model = this.roleModelFor(org)
    return {
      orgId: org.orgId,
      orgName: org.name,
      urlSafeOrgName: urlSafeName(org.name),
      role: membership.role,
      additionalRoles: membership.additionalRoles,
      roleStructure: model.roleStructure,
      metadata: org.metadata,
      legacyOrgId: org.legacyOrgId
    }
  }

  /** `org_id → OrgMemberInfo` for every org the user is in. */
  orgInfoOf (userId: string): Record<string, OrgMemberInfoClaims> {
    const out: Record<string, OrgMemberInfoClaims> = {}
    for (const org of this.orgs.values()) {
      const info = this.memberInfo(org, userId)
      if (info !== undefined) out[org.orgId] = info
    }
    return out
  }

  /** The options that mint a token describing `user` as the state has them now. */
  tokenOptionsFor (user: StoredUser, activeOrgId?: string, includeOrgs = true): MintAccessTokenOptions {
    const orgs: TestOrgMembership[] = []
    for (const info of includeOrgs ? Object.values(this.orgInfoOf(user.userId)) : []) {
      // Inherited roles and permissions are worked out here, with the org's own role model.
      orgs.push({
        orgId: info.org_id,
        orgName: info.org_name,
        urlSafeOrgName: info.url_safe_org_name,
        role: info.user_role,
        additionalRoles: info.additional_roles,
        roleStructure: info.org_role_structure,
        inheritedRoles: info.inherited_user_roles_plus_current_role,
        permissions: info.user_permissions,
        metadata: info.org_metadata,
        legacyOrgId: info.legacy_org_id
      })
    }
    return {
      userId: user.userId,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      username: user.username,
      properties: user.properties,
      metadata: user.metadata,
      legacyUserId: user.legacyUserId,
      orgs,
      activeOrgId,
      loginMethod: { login_method: 'generated_from_backend_api' }
    }
  }

  /**
   * The live session of a cookie's secret and its user. A user who was
   * deleted, disabled or locked since has no session any more: it ends here,
   * whichever way the change was made (the API or the state itself).
   */
  sessionUser (secret: string): { session: Session, user: StoredUser } | undefined {
    const session = this.sessions.find(secret, this.nowSeconds())
    if (session === undefined) return undefined
    const user = this.users.get(session.userId)
    if (user === undefined || !user.enabled || user.locked) {
      this.endAllSessionsOf(session.userId)
      return undefined
    }
    return { session, user }
  }

  /**
   * Signs the user out everywhere: browser sessions, sign-ins waiting for a
   * code, codes not yet exchanged and apps' refresh tokens. Returns how many
   * browser sessions there were.
   */
  endAllSessionsOf (userId: string): number {
    this.ssrCodes.deleteAllOf(userId)
    this.refreshTokens.revokeAllOf(userId)
    return this.sessions.endAllOf(userId)
  }

  pendingInvites (): StoredInvite[] {
    const now = this.nowSeconds()
    return this.invites.filter((invite) => invite.expiresAt > now)
  }

  removeInvites (match: (invite: StoredInvite) => boolean): number {
    let removed = 0
    for (let i = this.invites.length - 1; i >= 0; i--) {
      if (match(this.invites[i])) {
        this.invites.splice(i, 1)
        removed++
      }
    }
    return removed
  }

  sendEmail (email: Omit<SentEmail, 'at'>): void {
    this.outbox.push({ ...email, at: this.nowSeconds() })
  }
}
