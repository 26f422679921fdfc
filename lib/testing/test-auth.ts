import type { KeyObject } from 'node:crypto'
import {
  accessTokenClaims,
  createTestKeyPair,
  DEFAULT_ROLE_HIERARCHY,
  signClaims,
  type MintAccessTokenOptions,
  type RoleModel,
  type TestKeyPair
} from './mint.js'

export interface TestAuthOptions {
  /** The auth URL your app registers the plugin with. Default `https://auth.example.test`. */
  authUrl?: string | undefined
  /** `iss` of minted tokens. Default: the origin of `authUrl`, as PropelAuth issues them. */
  issuer?: string | undefined
  /** Roles highest first. Default Owner, Admin, Member. */
  roleHierarchy?: readonly string[] | undefined
  /** Permissions each role grants. Default none. */
  rolePermissions?: Record<string, readonly string[]> | undefined
  /** Reuse a key pair (e.g. one per test run); a new one is made by default. */
  keyPair?: TestKeyPair | undefined
}

export interface TestAuth {
  authUrl: string
  issuer: string
  privateKey: KeyObject
  /** What to pass as the plugin's `tokenVerificationMetadata`. */
  tokenVerificationMetadata: { verifierKey: string, issuer: string }
  /** `{ authUrl, tokenVerificationMetadata }`: register the plugin with these to trust minted tokens, offline. */
  pluginOptions: { authUrl: string, tokenVerificationMetadata: { verifierKey: string, issuer: string } }
  /** A signed PropelAuth-shaped access token. */
  mintAccessToken: (options?: MintAccessTokenOptions) => Promise<string>
  /** `Bearer <token>`, ready for an `authorization` header. */
  authorizationHeader: (options?: MintAccessTokenOptions) => Promise<string>
}

/**
 * A key pair and a minter of PropelAuth access tokens, for testing an app
 * offline: register the plugin with `testAuth.pluginOptions` and send minted
 * tokens; they go through the plugin's real verifier.
 */
export async function createTestAuth (options: TestAuthOptions = {}): Promise<TestAuth> {
  const authUrl = options.authUrl ?? 'https://auth.example.test'
  const issuer = options.issuer ?? new URL(authUrl).origin
  const keyPair = options.keyPair ?? await createTestKeyPair()
  const roles: RoleModel = {
    roleHierarchy: options.roleHierarchy ?? DEFAULT_ROLE_HIERARCHY,
    rolePermissions: options.rolePermissions ?? {}
  }
  const tokenVerificationMetadata = { verifierKey: keyPair.publicKeyPem, issuer }
  const mintAccessToken = async (mint: MintAccessTokenOptions = {}): Promise<string> =>
    await signClaims(accessTokenClaims(mint, issuer, roles), keyPair.privateKey)
  return {
    authUrl,
    issuer,
    privateKey: keyPair.privateKey,
    tokenVerificationMetadata,
    pluginOptions: { authUrl, tokenVerificationMetadata },
    mintAccessToken,
    authorizationHeader: async (mint) => `Bearer ${await mintAccessToken(mint)}`
  }
}
