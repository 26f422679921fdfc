import { DEFAULT_SEED, type Seed } from 'fastify-propelauth-standin'

// The stand-in's default users, with the Admin signing in without MFA: the
// password form of Swagger UI's Authorize dialog, which /docs uses to sign in
// against the stand-in, has no field for an MFA code. The Owner keeps MFA, so the
// hosted login still shows its MFA step.
//
// A second org, Globex, where the Owner of Acme is only a Member: the
// server-rendered page (/ssr) switches the active org, and the org routes
// answer the two orgs differently for the same user.
export const GLOBEX_ORG_ID = '7d3f6b2e-0000-4000-8000-00000000ac01'

export const EXAMPLE_SEED: Seed = {
  ...DEFAULT_SEED,
  users: (DEFAULT_SEED.users ?? []).map((user) => user.email === 'admin@acme.test' ? { ...user, mfa: undefined } : user),
  orgs: [
    ...(DEFAULT_SEED.orgs ?? []),
    { orgId: GLOBEX_ORG_ID, name: 'Globex', members: [{ email: 'owner@acme.test', role: 'Member' }] }
  ]
}
