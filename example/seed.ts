import { DEFAULT_SEED, type Seed } from 'fastify-propelauth-standin'

// The stand-in's default users, with the Admin signing in without MFA: the
// password form of Swagger UI's Authorize dialog, which /docs uses to sign in
// against the stand-in, has no field for an MFA code. The Owner keeps MFA, so the
// hosted login still shows its MFA step.
export const EXAMPLE_SEED: Seed = {
  ...DEFAULT_SEED,
  users: (DEFAULT_SEED.users ?? []).map((user) => user.email === 'admin@acme.test' ? { ...user, mfa: undefined } : user)
}
