// fastify-propelauth/testing: test your app offline. Mint PropelAuth-shaped
// tokens that the plugin's real verifier accepts. A whole local PropelAuth
// (backend API and the auth URL frontends sign in through) is the package
// fastify-propelauth-standin.
export { createTestAuth, type TestAuth, type TestAuthOptions } from './test-auth.js'
export {
  createTestKeyPair,
  type TestKeyPair,
  type MintAccessTokenOptions,
  type TestOrgMembership
} from './mint.js'
export { createWebhookSecret, signWebhook, type SignedWebhook, type SignWebhookOptions } from './webhooks.js'
