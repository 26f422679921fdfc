// fastify-propelauth/testing: test your app offline. Mint PropelAuth-shaped
// tokens that the plugin's real verifier accepts, or run a PropelAuth-compatible
// stand-in backend on loopback.
export { createTestAuth, type TestAuth, type TestAuthOptions } from './test-auth.js'
export {
  createTestKeyPair,
  accessTokenClaims,
  signClaims,
  DEFAULT_ROLE_HIERARCHY,
  type TestKeyPair,
  type MintAccessTokenOptions,
  type TestOrgMembership,
  type RoleModel
} from './mint.js'
export { startStandIn, type StandIn, type StandInOptions } from './standin/index.js'
export { DEFAULT_SEED, type Seed, type SeedUser, type SeedOrg } from './seed.js'
