/** The data a stand-in starts with: roles, users and orgs. */
export interface Seed {
  /** Roles highest first; each inherits the ones below. Default Owner, Admin, Member. */
  roles?: string[]
  /** Permissions each role grants. */
  rolePermissions?: Record<string, string[]>
  users?: SeedUser[]
  orgs?: SeedOrg[]
}

export interface SeedUser {
  /** Default: a UUID derived from the email, so seeds are stable. */
  userId?: string
  email: string
  /** For the stand-in's development login (`POST /login`). */
  password?: string
  firstName?: string
  lastName?: string
  username?: string
  properties?: Record<string, unknown>
  metadata?: Record<string, unknown>
}

export interface SeedOrg {
  orgId?: string
  name: string
  metadata?: Record<string, unknown>
  roleStructure?: 'single_role_in_hierarchy' | 'multi_role'
  members?: Array<{ email: string, role: string, additionalRoles?: string[] }>
}

/**
 * The seed the example app and `npm start` use: one org, Acme Inc, with an
 * Owner, an Admin and a Member, and one user in no org. Everyone's password
 * is `password` (development only).
 */
export const DEFAULT_SEED: Seed = {
  roles: ['Owner', 'Admin', 'Member'],
  rolePermissions: {
    Owner: ['can_view_billing', 'can_manage_api_keys', 'can_invite'],
    Admin: ['can_view_billing', 'can_manage_api_keys', 'can_invite'],
    Member: ['can_read']
  },
  users: [
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a0', email: 'owner@acme.test', password: 'password', firstName: 'Ada', lastName: 'Owner' },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a1', email: 'admin@acme.test', password: 'password', firstName: 'Grace', lastName: 'Admin' },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a2', email: 'member@acme.test', password: 'password', firstName: 'Linus', lastName: 'Member' },
    { userId: '0e2c9c1a-0000-4000-8000-00000000a0a3', email: 'outsider@example.test', password: 'password', firstName: 'Margaret', lastName: 'Outsider' }
  ],
  orgs: [
    {
      orgId: '7d3f6b2e-0000-4000-8000-00000000ac00',
      name: 'Acme Inc',
      members: [
        { email: 'owner@acme.test', role: 'Owner' },
        { email: 'admin@acme.test', role: 'Admin' },
        { email: 'member@acme.test', role: 'Member' }
      ]
    }
  ]
}
