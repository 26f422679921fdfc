import { generateKeyPair, randomUUID, sign, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import type { AccessTokenClaims, LoginMethodClaims, OrgMemberInfoClaims, OrgRoleStructureWire } from '../token/claims.js'

const generateKeyPairAsync = promisify(generateKeyPair)
// The callback form of crypto.sign runs on libuv's thread pool, as WebCrypto's
// signing does: minting many tokens does not block the event loop.
const signAsync = promisify(sign)

/** PropelAuth's default roles, highest first: each role inherits the ones below it. */
export const DEFAULT_ROLE_HIERARCHY: readonly string[] = ['Owner', 'Admin', 'Member']

export interface TestKeyPair {
  privateKey: KeyObject
  /** SPKI PEM, the form PropelAuth serves as `verifier_key_pem`. */
  publicKeyPem: string
}

/** A fresh 2048-bit RSA key pair, as PropelAuth uses for RS256. */
export async function createTestKeyPair (): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

export interface TestOrgMembership {
  orgId: string
  orgName: string
  /** Defaults to the name lower-cased with spaces as dashes. */
  urlSafeOrgName?: string | undefined
  /** The user's assigned role. */
  role: string
  /** Multi-role orgs: roles held besides `role`. */
  additionalRoles?: string[] | undefined
  roleStructure?: OrgRoleStructureWire | undefined
  /** Defaults to `role` and every role below it in the hierarchy (single-role orgs). */
  inheritedRoles?: string[] | undefined
  /** Defaults to the permissions of the held roles, from `rolePermissions`. */
  permissions?: string[] | undefined
  metadata?: Record<string, unknown> | undefined
  legacyOrgId?: string | undefined
}

export interface MintAccessTokenOptions {
  /** Defaults to a random UUID. */
  userId?: string | undefined
  /** Defaults to `user-<userId>@example.com`: PropelAuth's access tokens always carry an email. */
  email?: string | undefined
  firstName?: string | undefined
  lastName?: string | undefined
  username?: string | undefined
  properties?: Record<string, unknown> | undefined
  metadata?: Record<string, unknown> | undefined
  legacyUserId?: string | undefined
  impersonatorUserId?: string | undefined
  loginMethod?: LoginMethodClaims | undefined
  orgs?: TestOrgMembership[] | undefined
  /** Mints an active-org token (`org_member_info`) for this org, which must be in `orgs`. */
  activeOrgId?: string | undefined
  /** Seconds until `exp`; negative for an expired token. Default 1800 (30 minutes). */
  expiresIn?: number | undefined
  /** `iat` in epoch seconds. Default now. */
  issuedAt?: number | undefined
  /** `nbf` in epoch seconds; not set by default, as PropelAuth does not set it. */
  notBefore?: number | undefined
  /** Raw claims merged last, to build unusual tokens for negative tests (`undefined` removes a claim). */
  claims?: Record<string, unknown> | undefined
}

export interface RoleModel {
  /** Roles highest first. */
  roleHierarchy: readonly string[]
  /** Permissions granted by each role. */
  rolePermissions: Readonly<Record<string, readonly string[]>>
}

/** The url-safe org name PropelAuth derives from an org name: lower-cased, spaces as dashes. */
function urlSafeName (name: string): string {
  return name.toLowerCase().replaceAll(' ', '-')
}

/** Builds the claims PropelAuth puts in a token for one org membership. */
function orgMemberInfoClaims (membership: TestOrgMembership, roles: RoleModel): OrgMemberInfoClaims {
  const structure = membership.roleStructure ?? 'single_role_in_hierarchy'
  const additionalRoles = membership.additionalRoles ?? []
  let inherited = membership.inheritedRoles
  if (inherited === undefined) {
    const index = roles.roleHierarchy.indexOf(membership.role)
    inherited = structure === 'multi_role' || index === -1
      ? [membership.role, ...additionalRoles]
      : roles.roleHierarchy.slice(index)
  }
  const held = structure === 'multi_role' ? [membership.role, ...additionalRoles] : inherited
  const permissions = membership.permissions ?? [...new Set(held.flatMap((role) => roles.rolePermissions[role] ?? []))]
  const claims: OrgMemberInfoClaims = {
    org_id: membership.orgId,
    org_name: membership.orgName,
    url_safe_org_name: membership.urlSafeOrgName ?? urlSafeName(membership.orgName),
    org_metadata: membership.metadata ?? {},
    user_role: membership.role,
    inherited_user_roles_plus_current_role: inherited,
    user_permissions: permissions,
    org_role_structure: structure,
    additional_roles: additionalRoles
  }
  if (membership.legacyOrgId !== undefined) claims.legacy_org_id = membership.legacyOrgId
  return claims
}

/** Builds the full claim set of a PropelAuth access token. */
export function accessTokenClaims (options: MintAccessTokenOptions, issuer: string, roles: RoleModel, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const iat = options.issuedAt ?? nowSeconds
  const userId = options.userId ?? randomUUID()
  const claims: Record<string, unknown> = {
    user_id: userId,
    email: options.email ?? `user-${userId}@example.com`,
    iss: issuer,
    iat,
    exp: iat + (options.expiresIn ?? 1800)
  }
  const optional: Array<[keyof AccessTokenClaims & string, unknown]> = [
    ['first_name', options.firstName], ['last_name', options.lastName],
    ['username', options.username], ['properties', options.properties], ['metadata', options.metadata],
    ['legacy_user_id', options.legacyUserId], ['impersonator_user_id', options.impersonatorUserId],
    ['login_method', options.loginMethod], ['nbf', options.notBefore]
  ]
  for (const [name, value] of optional) {
    if (value !== undefined) claims[name] = value
  }
  const orgs = (options.orgs ?? []).map((membership) => orgMemberInfoClaims(membership, roles))
  if (options.activeOrgId !== undefined) {
    const active = orgs.find((org) => org.org_id === options.activeOrgId)
    if (active === undefined) throw new Error(`mintAccessToken: activeOrgId ${options.activeOrgId} is not one of the user's orgs`)
    claims.org_member_info = active
  } else {
    claims.org_id_to_org_member_info = Object.fromEntries(orgs.map((org) => [org.org_id, org]))
  }
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) delete claims[name]
    else claims[name] = value
  }
  return claims
}

// PropelAuth's header: the same in every token it issues.
const HEADER_SEGMENT = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url')

/** The part of a PropelAuth token that its signature covers: `header.payload`, base64url. */
export function signingInputOf (claims: Record<string, unknown>): string {
  return `${HEADER_SEGMENT}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
}

/**
 * Signs claims as PropelAuth does: RS256 (RSASSA-PKCS1-v1_5 with SHA-256), compact
 * JWS. Signed with node:crypto rather than a JOSE library: a test file that imports
 * the testing kit then loads nothing beyond Node itself.
 */
export async function signClaims (claims: Record<string, unknown>, privateKey: KeyObject): Promise<string> {
  // An EC or Ed25519 key would sign too, and make a token that claims RS256 but never verifies.
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new TypeError('signClaims: RS256 needs an RSA private key (createTestKeyPair makes one)')
  }
  const signingInput = signingInputOf(claims)
  const signature = await signAsync('sha256', Buffer.from(signingInput), privateKey)
  return `${signingInput}.${signature.toString('base64url')}`
}
