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
export {
  startStandIn,
  DEFAULT_MFA_CODE,
  type StandIn,
  type StandInOptions,
  type StandInFeatures,
  type StandInFault,
  type StandInRateLimit,
  type StandInCall,
  type StandInState,
  type FaultController,
  type RateLimiter
} from './standin/index.js'
export { createManualClock, type ManualClock, type Clock } from './standin/clock.js'
export { LOGIN_TOKEN_MINUTES } from './standin/routes/login.js'
export {
  DEFAULT_SEED,
  loadSeed,
  type Seed,
  type SeedUser,
  type SeedOrg,
  type SeedOrgMember,
  type SeedApiKey,
  type SeedEmployee,
  type SeedRoleMapping,
  type SeedRoleStructure,
  type SeedDate
} from './seed.js'
