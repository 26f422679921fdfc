import { readFile } from 'node:fs/promises'
import { checkSeed } from './seed-schema.js'
import type { Seed } from './seed-types.js'

export type { Seed, SeedRoleStructure, SeedDate, SeedRoleMapping, SeedUser, SeedOrgMember, SeedOrg, SeedApiKey, SeedEmployee } from './seed-types.js'

/**
 * The seed the example app, `npm start` and the stand-in CLI use: one org,
 * Acme Inc, with an Owner, an Admin and a Member, and one user in no org.
 * Every password is `password` (development only). The Owner has SMS MFA, the
 * Admin an authenticator app; Acme has an org API key whose token is shown in
 * the README.
 */
export const DEFAULT_SEED: Seed = {
  roles: ['Owner', 'Admin', 'Member'],
  rolePermissions: {
    Owner: ['can_view_billing', 'can_manage_api_keys', 'can_invite'],
    Admin: ['can_view_billing', 'can_manage_api_keys', 'can_invite'],
    Member: ['can_read']
  },
  users: [
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a0', email: 'owner@acme.test', password: 'password', firstName: 'Ada', lastName: 'Owner', mfa: { phoneNumbers: ['+15555550100'] } },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a1', email: 'admin@acme.test', password: 'password', firstName: 'Grace', lastName: 'Admin', mfa: 'totp' },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a2', email: 'member@acme.test', password: 'password', firstName: 'Linus', lastName: 'Member' },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a3', email: 'outsider@example.test', password: 'password', firstName: 'Margaret', lastName: 'Outsider' }
  ],
  orgs: [
    {
      orgId: '7d3f6b2e-0000-4000-8000-00000000ac00',
      name: 'Acme Inc',
      domain: 'acme.test',
      members: [
        { email: 'owner@acme.test', role: 'Owner' },
        { email: 'admin@acme.test', role: 'Admin' },
        { email: 'member@acme.test', role: 'Member' }
      ],
      scimGroups: [{ displayName: 'Engineering', externalId: 'eng', members: ['admin@acme.test', 'member@acme.test'] }]
    }
  ],
  apiKeys: [
    {
      apiKeyId: '5a1e0000000040008000000000ac0001',
      token: 'standin_acme_ci_api_key',
      orgName: 'Acme Inc',
      displayName: 'Acme CI'
    }
  ],
  employees: [{ employeeId: '0e2c9c1a-0000-4000-8000-0000000e0001', email: 'support@propelauth.test' }]
}

/**
 * Reads and checks a seed: a `Seed` object is checked as is, a string is read
 * as a JSON file. Fails with every problem found, each with its path
 * (`users/2/email: Expected string`), and checks cross-references (members who
 * are not users, unknown roles).
 */
export async function loadSeed (seed: Seed | string): Promise<Seed> {
  if (typeof seed !== 'string') return checkSeed(seed, 'seed')
  let text: string
  try {
    text = await readFile(seed, 'utf8')
  } catch (error) {
    throw new Error(`stand-in seed: cannot read ${seed}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`stand-in seed: ${seed} is not valid JSON: ${(error as Error).message}`)
  }
  return checkSeed(parsed, seed)
}
