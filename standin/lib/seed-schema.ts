import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Seed } from './seed-types.js'

// The JSON schema of a seed file. Unknown keys are refused, so a typo
// (`frist_name`) fails loudly instead of seeding a user without a name.

const Strict = { additionalProperties: false }
const JsonObject = Type.Record(Type.String(), Type.Unknown())
const StringMap = Type.Record(Type.String(), Type.String())
const RoleStructure = Type.Union([Type.Literal('single_role_in_hierarchy'), Type.Literal('multi_role')])
const SeedDate = Type.Union([Type.Number(), Type.String()])
const NonEmpty = Type.String({ minLength: 1 })

const RoleMapping = Type.Object({
  name: NonEmpty,
  roles: Type.Array(NonEmpty, { minItems: 1 }),
  rolePermissions: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  roleStructure: Type.Optional(RoleStructure)
}, Strict)

const User = Type.Object({
  userId: Type.Optional(NonEmpty),
  email: NonEmpty,
  password: Type.Optional(Type.String()),
  emailConfirmed: Type.Optional(Type.Boolean()),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  pictureUrl: Type.Optional(Type.String()),
  properties: Type.Optional(JsonObject),
  metadata: Type.Optional(JsonObject),
  legacyUserId: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.Boolean()),
  locked: Type.Optional(Type.Boolean()),
  canCreateOrgs: Type.Optional(Type.Boolean()),
  mfa: Type.Optional(Type.Union([Type.Literal('totp'), Type.Object({ phoneNumbers: Type.Array(NonEmpty, { minItems: 1 }) }, Strict)])),
  createdAt: Type.Optional(SeedDate),
  lastActiveAt: Type.Optional(SeedDate),
  signupQueryParameters: Type.Optional(StringMap),
  oauthProviders: Type.Optional(Type.Array(NonEmpty))
}, Strict)

const Member = Type.Object({
  email: NonEmpty,
  role: NonEmpty,
  additionalRoles: Type.Optional(Type.Array(NonEmpty))
}, Strict)

const Org = Type.Object({
  orgId: Type.Optional(NonEmpty),
  name: NonEmpty,
  metadata: Type.Optional(JsonObject),
  roleStructure: Type.Optional(RoleStructure),
  customRoleMappingName: Type.Optional(NonEmpty),
  domain: Type.Optional(NonEmpty),
  extraDomains: Type.Optional(Type.Array(NonEmpty)),
  autojoinByDomain: Type.Optional(Type.Boolean()),
  restrictToDomain: Type.Optional(Type.Boolean()),
  maxUsers: Type.Optional(Type.Integer({ minimum: 1 })),
  legacyOrgId: Type.Optional(Type.String()),
  canSetupSaml: Type.Optional(Type.Boolean()),
  createdAt: Type.Optional(SeedDate),
  members: Type.Optional(Type.Array(Member)),
  invites: Type.Optional(Type.Array(Type.Object({
    email: NonEmpty,
    role: NonEmpty,
    additionalRoles: Type.Optional(Type.Array(NonEmpty)),
    inviterEmail: Type.Optional(NonEmpty)
  }, Strict))),
  scimGroups: Type.Optional(Type.Array(Type.Object({
    groupId: Type.Optional(NonEmpty),
    displayName: NonEmpty,
    externalId: Type.Optional(Type.String()),
    members: Type.Optional(Type.Array(NonEmpty))
  }, Strict)))
}, Strict)

const ApiKey = Type.Object({
  apiKeyId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$' })),
  token: Type.Optional(NonEmpty),
  userEmail: Type.Optional(NonEmpty),
  orgName: Type.Optional(NonEmpty),
  displayName: Type.Optional(Type.String()),
  metadata: Type.Optional(JsonObject),
  expiresAtSeconds: Type.Optional(Type.Integer()),
  imported: Type.Optional(Type.Boolean())
}, Strict)

export const SeedSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  roles: Type.Optional(Type.Array(NonEmpty, { minItems: 1 })),
  rolePermissions: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  roleStructure: Type.Optional(RoleStructure),
  customRoleMappings: Type.Optional(Type.Array(RoleMapping)),
  users: Type.Optional(Type.Array(User)),
  orgs: Type.Optional(Type.Array(Org)),
  apiKeys: Type.Optional(Type.Array(ApiKey)),
  employees: Type.Optional(Type.Array(Type.Object({ employeeId: Type.Optional(NonEmpty), email: NonEmpty }, Strict)))
}, Strict)

// The hand-written, documented `Seed` interface and this schema must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const schemaMatchesSeed: Same<Omit<Static<typeof SeedSchema>, '$schema'>, Seed> = true

function shapeProblems (schema: TSchema, value: unknown): string[] {
  const problems: string[] = []
  for (const error of Value.Errors(schema, value)) {
    const path = error.path === '' ? '(top level)' : error.path.slice(1)
    problems.push(`${path}: ${error.message}`)
    if (problems.length >= 10) break
  }
  return problems
}

function referenceProblems (seed: Seed): string[] {
  const problems: string[] = []
  const emails = new Set((seed.users ?? []).map((user) => user.email.toLowerCase()))
  const checkIsUser = (path: string, email: string): void => {
    if (!emails.has(email.toLowerCase())) problems.push(`${path}: ${email} is not among the users`)
  }
  const mappings = new Map((seed.customRoleMappings ?? []).map((mapping) => [mapping.name, mapping.roles]))
  const projectRoles = seed.roles ?? ['Owner', 'Admin', 'Member']
  const seen = new Set<string>()
  for (const [index, user] of (seed.users ?? []).entries()) {
    const email = user.email.toLowerCase()
    if (seen.has(email)) problems.push(`users/${index}/email: ${user.email} appears twice`)
    seen.add(email)
  }
  const orgNames = new Set<string>()
  for (const [index, org] of (seed.orgs ?? []).entries()) {
    orgNames.add(org.name)
    if (org.customRoleMappingName !== undefined && !mappings.has(org.customRoleMappingName)) {
      problems.push(`orgs/${index}/customRoleMappingName: no custom role mapping is named ${org.customRoleMappingName}`)
    }
    const roles = org.customRoleMappingName === undefined ? projectRoles : mappings.get(org.customRoleMappingName) ?? []
    for (const [m, member] of (org.members ?? []).entries()) {
      checkIsUser(`orgs/${index}/members/${m}/email`, member.email)
      for (const role of [member.role, ...(member.additionalRoles ?? [])]) {
        if (!roles.includes(role)) problems.push(`orgs/${index}/members/${m}: role ${role} is not one of ${roles.join(', ')}`)
      }
    }
    for (const [g, group] of (org.scimGroups ?? []).entries()) {
      for (const email of group.members ?? []) {
        checkIsUser(`orgs/${index}/scimGroups/${g}/members`, email)
      }
    }
  }
  for (const [index, key] of (seed.apiKeys ?? []).entries()) {
    if (key.userEmail !== undefined) checkIsUser(`apiKeys/${index}/userEmail`, key.userEmail)
    if (key.orgName !== undefined && !orgNames.has(key.orgName)) problems.push(`apiKeys/${index}/orgName: no org is named ${key.orgName}`)
  }
  return problems
}

/** Checks a seed's shape and cross-references; throws one error listing every problem found. */
export function checkSeed (value: unknown, source: string): Seed {
  const problems = shapeProblems(SeedSchema, value)
  if (problems.length === 0) problems.push(...referenceProblems(value as Seed))
  if (problems.length > 0) {
    throw new Error(`stand-in seed (${source}) is not valid:\n  ${problems.join('\n  ')}`)
  }
  const { $schema: _ignored, ...seed } = value as Seed & { $schema?: string }
  return seed
}
