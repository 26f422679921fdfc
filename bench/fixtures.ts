// Keys and tokens shared by every benchmark. Tokens are signed synchronously
// (the testing kit's signClaims goes through the thread pool, one promise per
// token) because a run mints thousands of them and RSA signing (about 1.3 ms per
// token with a 2048-bit key) dominates the set-up time.
import { createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import { accessTokenClaims, DEFAULT_ROLE_HIERARCHY, signingInputOf, type RoleModel } from '../lib/testing/mint.js'

export const AUTH_URL = 'https://auth.bench.example'
export const ISSUER = AUTH_URL
/** The org every benchmark token belongs to with role Admin; routes are `/orgs/:orgId/me`. */
export const BENCH_ORG_ID = '0f4d3c2b-1a09-4e8f-9d7c-6b5a4f3e2d1c'
const OTHER_ORG_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7'

const ROLES: RoleModel = {
  roleHierarchy: DEFAULT_ROLE_HIERARCHY,
  rolePermissions: {
    Owner: ['can_delete_org'],
    Admin: ['can_manage_members', 'can_view_billing', 'can_edit_projects'],
    Member: ['can_view_projects', 'can_comment']
  }
}

export interface BenchKeys {
  privateKey: KeyObject
  publicKey: KeyObject
  publicKeyPem: string
}

/** An RSA key pair; 2048 bits as PropelAuth uses, unless a test of memory only needs cheap signatures. */
export function createKeys (modulusLength = 2048): BenchKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent: 0x10001 })
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

/** Re-creates the public half from its PEM, e.g. in a child process. */
export function publicKeyFromPem (pem: string): KeyObject {
  return createPublicKey(pem)
}

/**
 * Claims of a realistic PropelAuth access token: a user in two orgs (Admin in
 * one, Member in the other) with their inherited roles and a few permissions,
 * and a login method: about 1 KB of claims, 1.7 KB as a signed token.
 */
export function realisticClaims (nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return accessTokenClaims({
    userId: randomUUID(),
    email: 'ada.lovelace@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    loginMethod: { login_method: 'social_sso', provider: 'Google' },
    orgs: [
      { orgId: BENCH_ORG_ID, orgName: 'Acme Inc', role: 'Admin' },
      { orgId: OTHER_ORG_ID, orgName: 'Globex Research', role: 'Member' }
    ],
    // Long enough for any run, so no token expires mid-benchmark.
    expiresIn: 6 * 3600
  }, ISSUER, ROLES, nowSeconds)
}

/** A compact RS256 JWS, as PropelAuth issues. */
export function signToken (claims: Record<string, unknown>, privateKey: KeyObject): string {
  const signingInput = signingInputOf(claims)
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`
}

/** `count` distinct valid tokens (each has its own user id). */
export function mintTokens (count: number, privateKey: KeyObject): string[] {
  const tokens: string[] = new Array(count)
  for (let i = 0; i < count; i++) tokens[i] = signToken(realisticClaims(), privateKey)
  return tokens
}
