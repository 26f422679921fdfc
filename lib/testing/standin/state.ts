import { createHash, randomUUID } from 'node:crypto'
import type { MintAccessTokenOptions, RoleModel } from '../mint.js'
import { DEFAULT_ROLE_HIERARCHY, urlSafeName } from '../mint.js'
import type { Seed } from '../seed.js'

export interface StoredUser {
  userId: string
  email: string
  password?: string
  firstName?: string
  lastName?: string
  username?: string
  properties?: Record<string, unknown>
  metadata?: Record<string, unknown>
  createdAt: number
}

export interface StoredMembership {
  role: string
  additionalRoles: string[]
}

export interface StoredOrg {
  orgId: string
  name: string
  metadata: Record<string, unknown>
  roleStructure: 'single_role_in_hierarchy' | 'multi_role'
  /** userId → membership */
  members: Map<string, StoredMembership>
  createdAt: number
}

/** A UUID v4-shaped id derived from a name, so a seed gives the same ids every run. */
export function stableId (name: string): string {
  const hex = createHash('sha256').update(name).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The stand-in's in-memory PropelAuth project. */
export class StandInState {
  readonly roles: RoleModel
  readonly users = new Map<string, StoredUser>()
  readonly orgs = new Map<string, StoredOrg>()

  constructor (seed: Seed, now: () => number = Date.now) {
    this.roles = {
      roleHierarchy: seed.roles ?? DEFAULT_ROLE_HIERARCHY,
      rolePermissions: seed.rolePermissions ?? {}
    }
    const createdAt = Math.floor(now() / 1000)
    for (const user of seed.users ?? []) {
      const userId = user.userId ?? stableId(`user:${user.email}`)
      this.users.set(userId, { ...user, userId, createdAt })
    }
    for (const org of seed.orgs ?? []) {
      const orgId = org.orgId ?? stableId(`org:${org.name}`)
      const members = new Map<string, StoredMembership>()
      for (const member of org.members ?? []) {
        const user = this.findUserByEmail(member.email)
        if (user === undefined) throw new Error(`stand-in seed: org ${org.name} lists ${member.email}, who is not among the users`)
        members.set(user.userId, { role: member.role, additionalRoles: member.additionalRoles ?? [] })
      }
      this.orgs.set(orgId, {
        orgId,
        name: org.name,
        metadata: org.metadata ?? {},
        roleStructure: org.roleStructure ?? 'single_role_in_hierarchy',
        members,
        createdAt
      })
    }
  }

  newId (): string {
    return randomUUID()
  }

  findUserByEmail (email: string): StoredUser | undefined {
    const wanted = email.toLowerCase()
    for (const user of this.users.values()) {
      if (user.email.toLowerCase() === wanted) return user
    }
    return undefined
  }

  /** The options that mint a token describing `user` as the state has them now. */
  tokenOptionsFor (user: StoredUser, activeOrgId?: string): MintAccessTokenOptions {
    const orgs: NonNullable<MintAccessTokenOptions['orgs']> = []
    for (const org of this.orgs.values()) {
      const membership = org.members.get(user.userId)
      if (membership === undefined) continue
      orgs.push({
        orgId: org.orgId,
        orgName: org.name,
        urlSafeOrgName: urlSafeName(org.name),
        role: membership.role,
        additionalRoles: membership.additionalRoles,
        roleStructure: org.roleStructure,
        metadata: org.metadata
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
      orgs,
      activeOrgId,
      loginMethod: { login_method: 'generated_from_backend_api' }
    }
  }
}
