import { test } from 'tap'
import fc from 'fast-check'
import { toUser as propelAuthToUser, UserClass as PropelAuthUserClass } from '@propelauth/node'
import { ClaimsShapeError, OrgMemberInfo, User, userFromClaims } from '../lib/token/user.js'

// Conversion of verified claims to a User: PropelAuth's test cases 21–25
// (docs/propelauth-compatibility.md), and a differential check against PropelAuth's own Node
// library (`toUser`, `UserClass`) on generated PropelAuth-shaped claims.

const ACME = '9a7b5c3d-0000-4000-8000-000000000001'
const GLOBEX = '9a7b5c3d-0000-4000-8000-000000000002'

function orgClaims (fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org_id: ACME,
    org_name: 'Acme Inc',
    url_safe_org_name: 'acme-inc',
    org_metadata: { plan: 'pro' },
    user_role: 'Admin',
    inherited_user_roles_plus_current_role: ['Admin', 'Member'],
    user_permissions: ['read', 'write'],
    org_role_structure: 'single_role_in_hierarchy',
    additional_roles: [],
    ...fields
  }
}

/** The payload PropelAuth's libraries accept, as docs/propelauth-compatibility.md shows it. */
const examplePayload = {
  user_id: '2c1f3e5a-6b7c-4d8e-9f00-112233445566',
  email: 'ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  username: 'ada',
  properties: { plan: 'pro', nested: { seats: 3 } },
  metadata: { source: 'import' },
  legacy_user_id: 'legacy-7',
  login_method: { login_method: 'saml_sso', provider: 'Okta', org_id: ACME },
  org_id_to_org_member_info: { [ACME]: orgClaims() },
  iss: 'https://auth.example.com',
  iat: 1760000000,
  exp: 1760001800
}

/** Plain JSON view: drops undefined members and class identity, as a JSON response would. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

test('snake_case claims become camelCase fields (PropelAuth test case 21)', async (t) => {
  const user = userFromClaims(examplePayload)
  t.type(user, User)
  t.equal(user.userId, examplePayload.user_id)
  t.equal(user.email, 'ada@example.com')
  t.equal(user.firstName, 'Ada')
  t.equal(user.lastName, 'Lovelace')
  t.equal(user.username, 'ada')
  t.same(user.properties, { plan: 'pro', nested: { seats: 3 } })
  t.same(user.metadata, { source: 'import' })
  t.equal(user.legacyUserId, 'legacy-7')
  t.equal(user.impersonatorUserId, undefined)
  t.equal(user.activeOrgId, undefined)

  const org = user.getOrg(ACME)!
  t.type(org, OrgMemberInfo, 'orgs are OrgMemberInfo instances whose methods work')
  t.equal(org.orgId, ACME)
  t.equal(org.orgName, 'Acme Inc')
  t.equal(org.urlSafeOrgName, 'acme-inc')
  t.same(org.orgMetadata, { plan: 'pro' })
  t.equal(org.userAssignedRole, 'Admin', 'user_role → userAssignedRole')
  t.same(org.userInheritedRolesPlusCurrentRole, ['Admin', 'Member'])
  t.same(org.userPermissions, ['read', 'write'])
  t.equal(org.orgRoleStructure, 'single_role_in_hierarchy')
  t.same(org.userAssignedAdditionalRoles, [])
  t.equal(org.legacyOrgId, undefined)
  t.equal(org.assignedRole, 'Admin', 'Node getter aliases')
  t.same(org.permissions, ['read', 'write'])
  t.same(org.inheritedRolesPlusCurrentRole, ['Admin', 'Member'])
  t.ok(org.isAtLeastRole('Member'))

  t.same(plain(user), plain(propelAuthToUser(examplePayload as never)), 'the same fields as PropelAuth\'s toUser')
})

test('orgs: several, multi-role, active org, none (PropelAuth test case 22)', async (t) => {
  const several = userFromClaims({
    user_id: 'u-1',
    email: 'ada@example.com',
    org_id_to_org_member_info: {
      [ACME]: orgClaims(),
      [GLOBEX]: orgClaims({ org_id: GLOBEX, org_name: 'Globex', url_safe_org_name: 'globex', user_role: 'Member', org_role_structure: 'multi_role', additional_roles: ['Billing', 'Finance'], legacy_org_id: 'old-globex' })
    }
  })
  t.same(several.getOrgs().map((org) => org.orgId), [ACME, GLOBEX])
  const globex = several.getOrg(GLOBEX)!
  t.equal(globex.orgRoleStructure, 'multi_role')
  t.same(globex.userAssignedAdditionalRoles, ['Billing', 'Finance'])
  t.equal(globex.legacyOrgId, 'old-globex')

  // Active-org token: org_member_info is the only org, and the map is ignored.
  const active = userFromClaims({
    user_id: 'u-1',
    email: 'ada@example.com',
    org_member_info: orgClaims({ org_id: GLOBEX, org_name: 'Globex', url_safe_org_name: 'globex' }),
    org_id_to_org_member_info: { [ACME]: orgClaims() }
  })
  t.equal(active.activeOrgId, GLOBEX)
  t.equal(active.getActiveOrgId(), GLOBEX)
  t.equal(active.getActiveOrg()?.orgName, 'Globex')
  t.same(Object.keys(active.orgIdToOrgMemberInfo!), [GLOBEX], 'a single-entry map')
  t.equal(active.getOrg(ACME), undefined, 'org_id_to_org_member_info is ignored when org_member_info is present')

  const none = userFromClaims({ user_id: 'u-1', email: 'ada@example.com' })
  t.equal(none.orgIdToOrgMemberInfo, undefined, 'no orgs claim: no map')
  t.same(none.getOrgs(), [])
  t.equal(none.getOrg(ACME), undefined)
  t.equal(none.getActiveOrg(), undefined)
  t.notOk(none.isRole(ACME, 'Admin'))
  t.notOk(none.hasAllPermissions(ACME, []), 'not in the org: false even for no permissions')

  const empty = userFromClaims({ user_id: 'u-1', email: 'ada@example.com', org_id_to_org_member_info: {} })
  t.same(empty.getOrgs(), [])
  t.same(plain(empty), plain(propelAuthToUser({ user_id: 'u-1', email: 'ada@example.com', org_id_to_org_member_info: {} } as never)))
})

test('login_method conversion (PropelAuth test case 23)', async (t) => {
  const cases: Array<[unknown, unknown]> = [
    [{ login_method: 'saml_sso', provider: 'Okta', org_id: ACME }, { loginMethod: 'saml_sso', provider: 'Okta', orgId: ACME }],
    [{ login_method: 'social_sso', provider: 'Google' }, { loginMethod: 'social_sso', provider: 'Google' }],
    [{ login_method: 'social_sso', provider: 'Apple' }, { loginMethod: 'social_sso', provider: 'Apple' }],
    [{ login_method: 'password' }, { loginMethod: 'password' }],
    [{ login_method: 'magic_link' }, { loginMethod: 'magic_link' }],
    [{ login_method: 'email_confirmation_link' }, { loginMethod: 'email_confirmation_link' }],
    [{ login_method: 'impersonation' }, { loginMethod: 'impersonation' }],
    [{ login_method: 'generated_from_backend_api' }, { loginMethod: 'generated_from_backend_api' }],
    [{ login_method: 'password', provider: 'Google', org_id: ACME }, { loginMethod: 'password' }],
    [{ login_method: 'passkey' }, { loginMethod: 'unknown' }],
    [{}, { loginMethod: 'unknown' }],
    [undefined, { loginMethod: 'unknown' }],
    [null, { loginMethod: 'unknown' }]
  ]
  for (const [loginMethod, expected] of cases) {
    const payload = { user_id: 'u-1', email: 'ada@example.com', login_method: loginMethod }
    const user = userFromClaims(payload)
    t.same(user.loginMethod, expected, JSON.stringify(loginMethod))
    t.same(plain(user.loginMethod), plain(propelAuthToUser(payload as never).loginMethod), `${JSON.stringify(loginMethod)}: as PropelAuth's Node library`)
  }
})

test('role semantics: single-role hierarchy vs multi-role (PropelAuth test cases 16–19, 25)', async (t) => {
  const single = userFromClaims({ user_id: 'u-1', email: 'ada@example.com', org_id_to_org_member_info: { [ACME]: orgClaims() } }).getOrg(ACME)!
  t.ok(single.isAtLeastRole('Admin'))
  t.ok(single.isAtLeastRole('Member'), 'Admin inherits Member')
  t.notOk(single.isAtLeastRole('Owner'))
  t.notOk(single.isAtLeastRole('js problems'), 'an unknown role name')
  t.ok(single.isRole('Admin'))
  t.notOk(single.isRole('Member'), 'exact role: inheritance does not count')
  t.notOk(single.isRole('Owner'))
  t.ok(single.hasPermission('read'))
  t.ok(single.hasPermission('write'))
  t.notOk(single.hasPermission('delete'))
  for (const held of [['read'], ['write'], ['read', 'write'], []]) t.ok(single.hasAllPermissions(held), `has all of ${JSON.stringify(held)}`)
  for (const missing of [['read', 'write', 'delete'], ['delete']]) t.notOk(single.hasAllPermissions(missing), `lacks some of ${JSON.stringify(missing)}`)

  const multi = userFromClaims({
    user_id: 'u-1',
    email: 'ada@example.com',
    org_id_to_org_member_info: { [ACME]: orgClaims({ user_role: 'Member', org_role_structure: 'multi_role', additional_roles: ['Billing'], inherited_user_roles_plus_current_role: ['Member', 'Viewer'] }) }
  }).getOrg(ACME)!
  t.ok(multi.isRole('Member'), 'assigned role')
  t.ok(multi.isRole('Billing'), 'additional role')
  t.notOk(multi.isRole('Viewer'))
  t.ok(multi.isAtLeastRole('Billing'), 'multi-role: at least = holds')
  t.notOk(multi.isAtLeastRole('Viewer'), 'multi-role: no inheritance, even if the list says so')

  const singleWithExtras = userFromClaims({
    user_id: 'u-1',
    email: 'ada@example.com',
    org_id_to_org_member_info: { [ACME]: orgClaims({ additional_roles: ['Billing'] }) }
  }).getOrg(ACME)!
  t.notOk(singleWithExtras.isRole('Billing'), 'single-role orgs ignore additional roles')

  const unknownStructure = userFromClaims({
    user_id: 'u-1',
    email: 'ada@example.com',
    org_id_to_org_member_info: { [ACME]: orgClaims({ org_role_structure: 'something_new', additional_roles: ['Billing'] }) }
  }).getOrg(ACME)!
  t.equal(unknownStructure.orgRoleStructure, 'single_role_in_hierarchy', 'an unknown structure behaves as the hierarchy, as in PropelAuth')
  t.ok(unknownStructure.isAtLeastRole('Member'))
  t.notOk(unknownStructure.isRole('Billing'))
})

test('user methods: getOrg, getOrgByName, getUserProperty, isImpersonating, role checks by org (PropelAuth test case 24)', async (t) => {
  const payload = {
    ...examplePayload,
    impersonator_user_id: 'employee-1',
    org_id_to_org_member_info: {
      [ACME]: orgClaims(),
      [GLOBEX]: orgClaims({ org_id: GLOBEX, org_name: 'Globex Corporation', url_safe_org_name: 'globex-corporation', user_role: 'Owner', inherited_user_roles_plus_current_role: ['Owner', 'Admin', 'Member'] })
    }
  }
  const user = userFromClaims(payload)
  t.equal(user.getOrgByName('Acme Inc')?.orgId, ACME)
  t.equal(user.getOrgByName('ACME INC')?.orgId, ACME, 'case-insensitive')
  t.equal(user.getOrgByName('acme-inc')?.orgId, ACME, 'url-safe name')
  t.equal(user.getOrgByName('Globex Corporation')?.orgId, GLOBEX)
  t.equal(user.getOrgByName('Acme  Inc'), undefined, 'two spaces make two dashes')
  t.equal(user.getOrgByName('Acme'), undefined)
  t.equal(user.getOrgByName(42 as unknown as string), undefined, 'a non-string name finds nothing')

  t.equal(user.getUserProperty('plan'), 'pro')
  t.equal(user.getUserProperty('missing'), undefined)
  t.equal(user.getUserProperty('toString'), undefined, 'own properties only')
  t.ok(user.isImpersonating())
  t.notOk(userFromClaims({ user_id: 'u-1', email: 'ada@example.com', impersonator_user_id: '' }).isImpersonating(), 'an empty impersonator is no impersonator, as !! in the Node library')

  t.ok(user.isAtLeastRole(GLOBEX, 'Admin'))
  t.notOk(user.isAtLeastRole(ACME, 'Owner'))
  t.ok(user.isRole(ACME, 'Admin'))
  t.ok(user.hasPermission(ACME, 'read'))
  t.notOk(user.hasPermission('not-an-org', 'read'))
  t.ok(user.hasAllPermissions(GLOBEX, ['read', 'write']))

  // The same answers as PropelAuth's UserClass built from PropelAuth's toUser.
  const theirs = PropelAuthUserClass.fromUser(propelAuthToUser(payload as never))
  for (const name of ['Acme Inc', 'ACME INC', 'acme-inc', 'globex corporation', 'Globex', 'Acme  Inc']) {
    t.equal(user.getOrgByName(name)?.orgId, theirs.getOrgByName(name)?.orgId, `getOrgByName(${name}) as PropelAuth`)
  }
  t.same(plain(user.getOrgs()), plain(theirs.getOrgs()), 'getOrgs as PropelAuth')
  t.same(plain(user.getOrg(ACME)), plain(theirs.getOrg(ACME)), 'getOrg as PropelAuth')
  t.same(plain(user.loginMethod), plain(theirs.loginMethod))
  t.equal(user.activeOrgId, theirs.activeOrgId)
  t.equal(user.getUserProperty('plan'), theirs.getUserProperty('plan'))
  t.equal(user.isImpersonating(), theirs.isImpersonating())
})

test('org ids that are Object.prototype names cannot reach the prototype', async (t) => {
  const proto = JSON.parse(`{"user_id":"u-1","email":"ada@example.com","org_id_to_org_member_info":{"__proto__":${JSON.stringify(orgClaims({ org_id: '__proto__' }))}}}`)
  const user = userFromClaims(proto)
  t.equal(user.getOrg('__proto__')?.orgId, '__proto__', 'an org really named __proto__ is found')
  t.same(user.getOrgs().map((org) => org.orgId), ['__proto__'])
  const plainUser = userFromClaims({ user_id: 'u-1', email: 'ada@example.com', org_id_to_org_member_info: { [ACME]: orgClaims() } })
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    t.equal(plainUser.getOrg(name), undefined, `getOrg(${name})`)
    t.notOk(plainUser.isAtLeastRole(name, 'Member'), `isAtLeastRole(${name}, …)`)
  }
  t.equal(userFromClaims({ user_id: 'u-1', email: 'ada@example.com', properties: JSON.parse('{"__proto__":{"admin":true}}') }).getUserProperty('admin'), undefined)
})

test('users and everything in them are frozen: a cached user is shared by requests', async (t) => {
  const user = userFromClaims(examplePayload)
  const org = user.getOrg(ACME)!
  const frozen: Array<[unknown, string]> = [
    [user, 'user'], [user.orgIdToOrgMemberInfo, 'org map'], [org, 'org'], [org.userPermissions, 'permissions'],
    [org.userInheritedRolesPlusCurrentRole, 'inherited roles'], [org.userAssignedAdditionalRoles, 'additional roles'],
    [org.orgMetadata, 'org metadata'], [user.properties, 'properties'], [(user.properties as { nested: object }).nested, 'nested property'],
    [user.metadata, 'metadata'], [user.loginMethod, 'login method']
  ]
  for (const [value, name] of frozen) t.ok(Object.isFrozen(value), `${name} is frozen`)
  t.throws(() => { (user as { userId: string }).userId = 'someone-else' }, TypeError)
  t.throws(() => { (org.userPermissions as string[]).push('delete') }, TypeError)
  t.throws(() => { (user.orgIdToOrgMemberInfo as Record<string, unknown>)[GLOBEX] = org }, TypeError)
})

test('claims of the wrong shape are refused with ClaimsShapeError; lenient where PropelAuth is', async (t) => {
  const refused: Array<[Record<string, unknown>, string]> = [
    [{}, 'no user_id'],
    [{ user_id: '' }, 'empty user_id'],
    [{ user_id: 1 }, 'numeric user_id'],
    [{ user_id: 'u' }, 'no email: PropelAuth signs none without one'],
    [{ user_id: 'u', email: null }, 'a null email'],
    [{ user_id: 'u', email: 7 }, 'a numeric email'],
    [{ user_id: 'u', email: 'ada@example.com', first_name: 1 }, 'numeric first_name'],
    [{ user_id: 'u', email: 'ada@example.com', properties: [] }, 'properties an array'],
    [{ user_id: 'u', email: 'ada@example.com', metadata: 'x' }, 'metadata a string'],
    [{ user_id: 'u', email: 'ada@example.com', login_method: 'password' }, 'login_method a string'],
    [{ user_id: 'u', email: 'ada@example.com', login_method: { login_method: 'social_sso', provider: 3 } }, 'numeric provider'],
    [{ user_id: 'u', email: 'ada@example.com', org_id_to_org_member_info: 'x' }, 'orgs a string'],
    [{ user_id: 'u', email: 'ada@example.com', org_id_to_org_member_info: { other: orgClaims() } }, 'map key differs from org_id'],
    [{ user_id: 'u', email: 'ada@example.com', org_member_info: 'x' }, 'active org a string']
  ]
  for (const field of ['org_id', 'org_name', 'url_safe_org_name', 'org_metadata', 'user_role', 'inherited_user_roles_plus_current_role', 'user_permissions']) {
    refused.push([{ user_id: 'u', email: 'ada@example.com', org_id_to_org_member_info: { [ACME]: orgClaims({ [field]: undefined }) } }, `org without ${field}`])
  }
  refused.push([{ user_id: 'u', email: 'ada@example.com', org_id_to_org_member_info: { [ACME]: orgClaims({ user_permissions: 'read' }) } }, 'permissions a string'])
  refused.push([{ user_id: 'u', email: 'ada@example.com', org_id_to_org_member_info: { [ACME]: orgClaims({ user_permissions: ['read', 1] }) } }, 'a numeric permission'])
  refused.push([{ user_id: 'u', email: 'ada@example.com', org_id_to_org_member_info: { [ACME]: orgClaims({ org_role_structure: 1 }) } }, 'numeric role structure'])
  for (const [payload, name] of refused) {
    t.throws(() => userFromClaims(payload), ClaimsShapeError, name)
  }

  const lenient = userFromClaims({
    user_id: 'u',
    email: 'ada@example.com',
    first_name: null,
    properties: null,
    org_id_to_org_member_info: {
      [ACME]: orgClaims({ additional_roles: null, org_role_structure: null }),
      [GLOBEX]: orgClaims({ org_id: GLOBEX, user_role: null }),
      empty: null
    }
  })
  t.equal(lenient.firstName, undefined, 'null optional claims count as absent')
  t.same(lenient.getOrg(ACME)?.userAssignedAdditionalRoles, [])
  t.equal(lenient.getOrg(ACME)?.orgRoleStructure, 'single_role_in_hierarchy')
  t.equal(lenient.getOrg(GLOBEX), undefined, 'a membership with user_role null is skipped, as PropelAuth\'s Python library does')
  t.same(lenient.getOrgs().map((org) => org.orgId), [ACME], 'null entries are skipped, as the Node library does')
})

// --- differential: generated PropelAuth-shaped claims against @propelauth/node ------------

const roleNames = ['Owner', 'Admin', 'Member', 'Billing', 'Viewer']
const permissionNames = ['read', 'write', 'delete', 'can_view_billing']
const orgArbitrary = fc.record({
  org_id: fc.uuid(),
  org_name: fc.constantFrom('Acme Inc', 'Globex', 'Initech LLC', 'Umbrella'),
  org_metadata: fc.dictionary(fc.constantFrom('a', 'b'), fc.jsonValue(), { maxKeys: 2 }),
  user_role: fc.constantFrom(...roleNames),
  inherited_user_roles_plus_current_role: fc.subarray(roleNames),
  user_permissions: fc.subarray(permissionNames),
  org_role_structure: fc.constantFrom('single_role_in_hierarchy', 'multi_role'),
  additional_roles: fc.subarray(roleNames),
  legacy_org_id: fc.option(fc.string({ minLength: 1 }), { nil: undefined })
}, { requiredKeys: ['org_id', 'org_name', 'org_metadata', 'user_role', 'inherited_user_roles_plus_current_role', 'user_permissions'] })
  .map((org) => ({ ...org, url_safe_org_name: org.org_name.toLowerCase().replaceAll(' ', '-') }))

const payloadArbitrary = fc.record({
  user_id: fc.uuid(),
  email: fc.emailAddress(),
  first_name: fc.string({ minLength: 1 }),
  last_name: fc.string({ minLength: 1 }),
  username: fc.string({ minLength: 1 }),
  properties: fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { maxKeys: 3 }),
  metadata: fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { maxKeys: 3 }),
  legacy_user_id: fc.string({ minLength: 1 }),
  impersonator_user_id: fc.uuid(),
  login_method: fc.oneof(
    fc.record({ login_method: fc.constantFrom('password', 'magic_link', 'email_confirmation_link', 'impersonation', 'generated_from_backend_api', 'unknown') }),
    fc.record({ login_method: fc.constant('social_sso'), provider: fc.constantFrom('Google', 'GitHub', 'Microsoft', 'Slack', 'LinkedIn', 'Salesforce', 'Xero', 'QuickBooks Online') }),
    fc.record({ login_method: fc.constant('saml_sso'), provider: fc.constantFrom('Google', 'Rippling', 'OneLogin', 'JumpCloud', 'Okta', 'Azure', 'Duo', 'Generic'), org_id: fc.uuid() })
  ),
  orgs: fc.array(orgArbitrary, { maxLength: 9 }),
  active: fc.boolean()
}, { requiredKeys: ['user_id', 'email', 'orgs', 'active'] }).map(({ orgs, active, ...claims }) => {
  const payload: Record<string, unknown> = { ...claims, org_id_to_org_member_info: Object.fromEntries(orgs.map((org) => [org.org_id, org])) }
  if (active && orgs.length > 0) payload.org_member_info = orgs[0]
  return payload
})

test('differential: the same user as PropelAuth\'s toUser/UserClass on generated claims (PropelAuth test cases 6, 22–25)', async (t) => {
  fc.assert(fc.property(payloadArbitrary, fc.constantFrom(...roleNames), fc.subarray(permissionNames), fc.string(), (payload, role, permissions, name) => {
    const ours = userFromClaims(payload)
    const theirs = PropelAuthUserClass.fromUser(propelAuthToUser(payload as never))
    const fields = plain(ours) as Record<string, unknown>
    const expected = plain(propelAuthToUser(payload as never)) as Record<string, unknown>
    if (JSON.stringify(sortKeys(fields)) !== JSON.stringify(sortKeys(expected))) return false
    for (const orgId of [...Object.keys(payload.org_id_to_org_member_info as object), 'unknown-org']) {
      if (ours.isRole(orgId, role) !== theirs.isRole(orgId, role)) return false
      if (ours.isAtLeastRole(orgId, role) !== theirs.isAtLeastRole(orgId, role)) return false
      if (ours.hasPermission(orgId, permissions[0] ?? 'read') !== theirs.hasPermission(orgId, permissions[0] ?? 'read')) return false
      if (ours.hasAllPermissions(orgId, permissions) !== theirs.hasAllPermissions(orgId, permissions)) return false
    }
    const orgName = ours.getOrgs()[0]?.orgName.toUpperCase() ?? name
    return ours.getOrgByName(orgName)?.orgId === theirs.getOrgByName(orgName)?.orgId &&
      ours.getActiveOrg()?.orgId === theirs.getActiveOrg()?.orgId &&
      ours.isImpersonating() === theirs.isImpersonating() &&
      ours.getOrgs().length === theirs.getOrgs().length &&
      JSON.stringify(Object.keys(ours.orgIdToUserOrgInfo ?? {}).sort()) === JSON.stringify(Object.keys(theirs.orgIdToUserOrgInfo ?? {}).sort())
  }), { numRuns: 300 })
  t.pass('300 generated payloads agree')
})

function sortKeys (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
}
