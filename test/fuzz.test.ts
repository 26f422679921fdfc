// Property-based fuzzing (fast-check) of the three places where untrusted input
// meets the plugin: the Authorization header, the token, and the claims that become
// a User. Run counts are moderate so the file stays fast; a failure prints the
// seed and the shrunk counterexample.
import { test } from 'tap'
import fc from 'fast-check'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { Rejection, type RejectionReason } from '../lib/token/rejection.js'
import { TokenVerifier } from '../lib/token/verifier.js'
import { ClaimsShapeError, userFromClaims, type User } from '../lib/token/user.js'
import { LOGIN_METHOD_KINDS } from '../lib/token/claims.js'
import { ADMIN, b64url, buildTargetApp, createAttackKit, jws, ORG, rs } from './helpers/attack-corpus.js'

const kit = await createAttackKit()
const verifierKey = createPublicKey(kit.testAuth.tokenVerificationMetadata.verifierKey)
const verifier = (): TokenVerifier => new TokenVerifier({ getKey: () => verifierKey, issuer: kit.issuer, clockTolerance: 0, cacheMax: 100 })

// --- header parsing ----------------------------------------------------------------

/** "bearer" in any mix of cases. */
const bearerWord = fc.array(fc.boolean(), { minLength: 6, maxLength: 6 })
  .map((upper) => [...'bearer'].map((c, i) => upper[i] ? c.toUpperCase() : c).join(''))
/** Anything without a space, including control characters and non-ASCII. */
const noSpace = fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }).filter((s) => !s.includes(' '))
const anything = fc.string({ unit: 'binary', maxLength: 120 })

type Expected = RejectionReason | 'user'
const pair = (header: unknown, expected: Expected): [unknown, Expected] => [header, expected]
const headerCases: fc.Arbitrary<[unknown, Expected]> = fc.oneof(
  fc.constantFrom<[unknown, Expected]>([undefined, 'missing'], [null, 'missing'], ['', 'missing']),
  // Another scheme, or a bare token: no bearer credentials were presented.
  fc.tuple(fc.constantFrom('Basic', 'Digest', 'Token', 'Negotiate', 'Bear', 'JWT', 'DPoP'), anything).map(([scheme, rest]) => pair(`${scheme} ${rest}`, 'missing')),
  anything.filter((s) => s !== '' && !/^bearer/i.test(s)).map((s) => pair(s, 'missing')),
  // Bearer, but not "Bearer <one token>".
  fc.tuple(bearerWord, fc.oneof(
    fc.constant(''), fc.constant(' '), noSpace.filter((s) => !s.startsWith(' ')),
    noSpace.map((s) => `  ${s}`), fc.tuple(noSpace, noSpace).map(([a, b]) => ` ${a} ${b}`),
    noSpace.map((s) => `\t${s}`), noSpace.map((s) => ` ${s} `)
  )).map(([word, rest]) => pair(word + rest, 'malformed-header')),
  // Bearer and one token that is not a valid one.
  fc.tuple(bearerWord, noSpace).map(([word, token]) => pair(`${word} ${token}`, 'invalid')),
  // Bearer and the valid token.
  bearerWord.map((word) => pair(`${word} ${kit.adminToken}`, 'user')),
  // Not a string at all (a header parsed by something else than Node).
  fc.oneof(fc.integer(), fc.array(fc.string()), fc.object(), fc.boolean()).map((value) => pair(value, 'malformed-header'))
)

test('header parsing never throws and classifies every header', async (t) => {
  const v = verifier()
  fc.assert(fc.property(headerCases, ([header, expected]) => {
    const result = v.verifyAuthorizationHeader(header)
    const got: Expected = result instanceof Rejection ? result.reason : 'user'
    if (got !== expected) throw new Error(`expected ${expected}, got ${got}`)
    if (got === 'user' && (result as User).userId !== ADMIN.userId) throw new Error('wrong user')
  }), { numRuns: 3000 })
  t.pass('3000 headers classified')
})

// --- tokens through a real app -------------------------------------------------------

const base64urlText = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 400 })
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ alg: fc.oneof(fc.constantFrom('RS256', 'none', 'HS256', 'PS256', 'ES256'), fc.jsonValue()) }))

/** Mutations of the valid token: any change must make it invalid. */
const mutatedValid = fc.oneof(
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([at, text]) => {
    const i = at % kit.adminToken.length
    return kit.adminToken.slice(0, i) + text + kit.adminToken.slice(i + 1)
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 20 })).map(([at, length]) => {
    const i = at % kit.adminToken.length
    return kit.adminToken.slice(0, i) + kit.adminToken.slice(i + 1 + length)
  }),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })).map(([at, text]) => {
    const i = at % (kit.adminToken.length + 1)
    return kit.adminToken.slice(0, i) + text + kit.adminToken.slice(i)
  }),
  fc.shuffledSubarray(kit.adminToken.split('.'), { minLength: 1 }).map((segments) => segments.join('.'))
).filter((token) => token !== kit.adminToken)

const arbitraryToken = fc.oneof(
  anything,
  fc.array(base64urlText, { minLength: 1, maxLength: 6 }).map((segments) => segments.join('.')),
  fc.tuple(jsonish, jsonish, fc.uint8Array({ maxLength: 300 })).map(([h, p, s]) => `${b64url(h as object)}.${b64url(p as object)}.${Buffer.from(s).toString('base64url')}`),
  fc.tuple(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue({ maxDepth: 3 })).map(([extra, payload]) =>
    jws({ ...extra, alg: 'RS256' }, payload as object, rs(256, kit.attackerKey)))
)

test('arbitrary tokens never produce a 5xx or a throw through a real app', async (t) => {
  const app = await buildTargetApp(kit.testAuth.pluginOptions)
  t.teardown(() => app.close())
  const orgIdSegment = fc.oneof(fc.constant(ORG), fc.constantFrom('__proto__', 'constructor', 'toString'), fc.string({ maxLength: 40 }).map(encodeURIComponent).filter((s) => s !== '' && s !== '.' && s !== '..'))

  await fc.assert(fc.asyncProperty(fc.oneof(arbitraryToken, mutatedValid), fc.boolean(), orgIdSegment, async (token, withScheme, orgId) => {
    const authorization = withScheme ? `Bearer ${token}` : token
    for (const url of ['/user', `/org/${orgId}/admin`]) {
      const response = await app.inject({ url, headers: { authorization } })
      if (response.statusCode !== 401) throw new Error(`${url}: ${response.statusCode}, expected 401`)
      const body = response.json()
      if (typeof body.code !== 'string' || !body.code.startsWith('FST_PROPELAUTH_')) throw new Error(`${url}: body ${response.body}`)
    }
    const optional = await app.inject({ url: '/optional', headers: { authorization } })
    if (optional.statusCode !== 200 || optional.json().user_id !== null) throw new Error(`optional: ${optional.statusCode} ${optional.body}`)
  }), { numRuns: 600 })
  const ok = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: `Bearer ${kit.adminToken}` } })
  t.equal(ok.statusCode, 200, 'the valid token still works')
})

// --- claims → User -------------------------------------------------------------------

/** Values of the wrong type for any claim, null included (which optional claims treat as absent). */
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }))
function mostly<T> (valid: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: wrongType })
}
/** Optional claims: absent (undefined), mostly well typed, sometimes not. */
const optional = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.option(mostly(valid), { nil: undefined, freq: 3 })

const roleName = fc.oneof(fc.constantFrom('Owner', 'Admin', 'Member', 'Guest'), fc.string({ maxLength: 6 }))
const roles = fc.array(roleName, { maxLength: 4 })
const orgKey = fc.oneof(fc.constantFrom(ORG, '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''), fc.string({ maxLength: 10 }))
const jsonObject = fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })

const orgClaims = (orgId: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> => fc.record({
  org_id: mostly(orgId),
  org_name: mostly(fc.string({ maxLength: 10 })),
  url_safe_org_name: mostly(fc.string({ maxLength: 10 })),
  org_metadata: mostly(jsonObject),
  user_role: mostly(roleName),
  inherited_user_roles_plus_current_role: mostly(roles),
  user_permissions: mostly(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 })),
  org_role_structure: optional(fc.constantFrom('single_role_in_hierarchy', 'multi_role', 'other')),
  additional_roles: optional(roles),
  legacy_org_id: optional(fc.string({ maxLength: 6 }))
}, { requiredKeys: ['org_id', 'org_name', 'url_safe_org_name', 'org_metadata', 'user_role', 'inherited_user_roles_plus_current_role', 'user_permissions'] })

/** An org map as JSON text, so keys such as "__proto__" become own members as in a real token. */
const orgMapText = fc.uniqueArray(fc.tuple(orgKey, fc.oneof(
  { weight: 8, arbitrary: orgKey.chain((key) => fc.tuple(fc.constant(key), orgClaims(fc.oneof({ weight: 9, arbitrary: fc.constant(key) }, { weight: 1, arbitrary: orgKey })))) },
  { weight: 1, arbitrary: fc.constantFrom(null, false, 0, '').map((value) => [undefined, value] as const) }
)), { maxLength: 3, selector: ([key]) => key }).map((entries) =>
  `{${entries.map(([key, [, value]]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`)

const loginMethod = fc.record({
  login_method: fc.oneof(fc.constantFrom(...LOGIN_METHOD_KINDS), fc.string({ maxLength: 6 }), wrongType),
  provider: optional(fc.constantFrom('Google', 'Okta', 'Apple')),
  org_id: optional(fc.string({ maxLength: 6 }))
}, { requiredKeys: ['login_method'] })

/** Claims as a token would carry them: JSON text, parsed. */
const claimsArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.tuple(
  fc.record({
    user_id: fc.oneof({ weight: 12, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: fc.constant('') }),
    // Required: mostly present and well typed, as PropelAuth always signs one, so
    // that the claims after it are reached; sometimes absent or of another type.
    email: fc.option(mostly(fc.string({ maxLength: 12 })), { nil: undefined, freq: 12 }),
    first_name: optional(fc.string({ maxLength: 6 })),
    last_name: optional(fc.string({ maxLength: 6 })),
    username: optional(fc.string({ maxLength: 6 })),
    legacy_user_id: optional(fc.string({ maxLength: 6 })),
    impersonator_user_id: optional(fc.string({ maxLength: 6 })),
    properties: optional(jsonObject),
    metadata: optional(jsonObject),
    login_method: optional(loginMethod),
    org_member_info: fc.option(mostly(orgClaims(orgKey)), { nil: undefined, freq: 4 })
  }, { requiredKeys: [] }),
  fc.option(fc.oneof({ weight: 12, arbitrary: orgMapText }, { weight: 1, arbitrary: wrongType.map((value) => JSON.stringify(value)) }), { nil: undefined, freq: 5 })
).map(([claims, map]) => {
  const text = JSON.stringify(claims)
  return JSON.parse(map === undefined ? text : `${text.slice(0, -1)}${text === '{}' ? '' : ','}"org_id_to_org_member_info":${map}}`) as Record<string, unknown>
})

// An independent reading of what PropelAuth signs (docs/propelauth-compatibility.md,
// "The access token"):
// either the claims are refused, or this is exactly the user they describe.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const absent = (v: unknown): boolean => v === undefined || v === null
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string')
class Refused extends Error {}
function need (ok: boolean): void { if (!ok) throw new Refused() }
function optionalString (v: unknown): string | undefined {
  need(absent(v) || typeof v === 'string')
  return absent(v) ? undefined : v as string
}

function expectedOrg (o: unknown): Record<string, unknown> {
  need(isObject(o))
  const org = o as Record<string, unknown>
  for (const key of ['org_id', 'org_name', 'url_safe_org_name', 'user_role']) need(typeof org[key] === 'string')
  need(isObject(org.org_metadata) && isStringList(org.inherited_user_roles_plus_current_role) && isStringList(org.user_permissions))
  need(absent(org.additional_roles) || isStringList(org.additional_roles))
  need(absent(org.org_role_structure) || typeof org.org_role_structure === 'string')
  return {
    orgId: org.org_id,
    orgName: org.org_name,
    urlSafeOrgName: org.url_safe_org_name,
    orgMetadata: org.org_metadata,
    userAssignedRole: org.user_role,
    userInheritedRolesPlusCurrentRole: org.inherited_user_roles_plus_current_role,
    userPermissions: org.user_permissions,
    orgRoleStructure: org.org_role_structure === 'multi_role' ? 'multi_role' : 'single_role_in_hierarchy',
    userAssignedAdditionalRoles: absent(org.additional_roles) ? [] : org.additional_roles,
    legacyOrgId: optionalString(org.legacy_org_id)
  }
}

function expectedUser (claims: Record<string, unknown>): Record<string, unknown> {
  need(typeof claims.user_id === 'string' && claims.user_id !== '')
  let orgs: Record<string, Record<string, unknown>> | undefined
  let activeOrgId: string | undefined
  if (!absent(claims.org_member_info)) {
    const org = expectedOrg(claims.org_member_info)
    orgs = { [org.orgId as string]: org }
    activeOrgId = org.orgId as string
  } else if (!absent(claims.org_id_to_org_member_info)) {
    need(isObject(claims.org_id_to_org_member_info))
    orgs = {}
    for (const [key, value] of Object.entries(claims.org_id_to_org_member_info as object)) {
      if (value === null || value === false) continue
      // As PropelAuth's Python library: a membership with a null role is no membership.
      if (isObject(value) && value.user_role === null) continue
      const org = expectedOrg(value)
      need(org.orgId === key)
      Object.defineProperty(orgs, key, { value: org, enumerable: true })
    }
  }
  let login: Record<string, unknown> = { loginMethod: 'unknown' }
  const lm = claims.login_method
  if (!absent(lm)) {
    need(isObject(lm))
    const kind = (lm as Record<string, unknown>).login_method
    if (typeof kind === 'string' && (LOGIN_METHOD_KINDS as readonly string[]).includes(kind)) {
      login = { loginMethod: kind }
      if (kind === 'social_sso' || kind === 'saml_sso') {
        const provider = optionalString((lm as Record<string, unknown>).provider)
        if (provider !== undefined) login.provider = provider
      }
      if (kind === 'saml_sso') {
        const orgId = optionalString((lm as Record<string, unknown>).org_id)
        if (orgId !== undefined) login.orgId = orgId
      }
    }
  }
  for (const key of ['properties', 'metadata']) need(absent(claims[key]) || isObject(claims[key]))
  need(typeof claims.email === 'string')
  return {
    userId: claims.user_id,
    email: claims.email,
    firstName: optionalString(claims.first_name),
    lastName: optionalString(claims.last_name),
    username: optionalString(claims.username),
    legacyUserId: optionalString(claims.legacy_user_id),
    impersonatorUserId: optionalString(claims.impersonator_user_id),
    properties: absent(claims.properties) ? undefined : claims.properties,
    metadata: absent(claims.metadata) ? undefined : claims.metadata,
    activeOrgId,
    loginMethod: login,
    orgs
  }
}

/** The user as plain data, read through its public fields. */
function describeUser (user: User): Record<string, unknown> {
  let orgs: Record<string, Record<string, unknown>> | undefined
  if (user.orgIdToOrgMemberInfo !== undefined) {
    orgs = {}
    for (const org of user.getOrgs()) {
      Object.defineProperty(orgs, org.orgId, {
        enumerable: true,
        value: {
          orgId: org.orgId,
          orgName: org.orgName,
          urlSafeOrgName: org.urlSafeOrgName,
          orgMetadata: org.orgMetadata,
          userAssignedRole: org.userAssignedRole,
          userInheritedRolesPlusCurrentRole: org.userInheritedRolesPlusCurrentRole,
          userPermissions: org.userPermissions,
          orgRoleStructure: org.orgRoleStructure,
          userAssignedAdditionalRoles: org.userAssignedAdditionalRoles,
          legacyOrgId: org.legacyOrgId
        }
      })
    }
  }
  return {
    userId: user.userId,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username,
    legacyUserId: user.legacyUserId,
    impersonatorUserId: user.impersonatorUserId,
    properties: user.properties,
    metadata: user.metadata,
    activeOrgId: user.activeOrgId,
    loginMethod: { ...user.loginMethod },
    orgs
  }
}

/** Role and permission answers must follow PropelAuth's semantics (docs/propelauth-compatibility.md) for the org's own data. */
function checkSemantics (user: User, expected: Record<string, unknown>): void {
  const orgs = (expected.orgs ?? {}) as Record<string, Record<string, unknown>>
  for (const orgId of Object.keys(orgs)) {
    const org = orgs[orgId]
    const assigned = org.userAssignedRole as string
    const inherited = org.userInheritedRolesPlusCurrentRole as string[]
    const additional = org.userAssignedAdditionalRoles as string[]
    const permissions = org.userPermissions as string[]
    const multi = org.orgRoleStructure === 'multi_role'
    for (const role of new Set(['Owner', 'Admin', 'Member', 'Guest', '', ...inherited, ...additional, assigned])) {
      const isRole = role === assigned || (multi && additional.includes(role))
      const atLeast = multi ? isRole : inherited.includes(role)
      need2(user.isRole(orgId, role) === isRole, `isRole(${orgId}, ${role})`)
      need2(user.isAtLeastRole(orgId, role) === atLeast, `isAtLeastRole(${orgId}, ${role})`)
    }
    for (const permission of new Set(['can_view_billing', '', ...permissions])) {
      need2(user.hasPermission(orgId, permission) === permissions.includes(permission), `hasPermission(${orgId}, ${permission})`)
    }
    need2(user.hasAllPermissions(orgId, permissions), 'hasAllPermissions(own permissions)')
    need2(user.hasAllPermissions(orgId, []), 'hasAllPermissions([])')
  }
  for (const stranger of ['__proto__', 'constructor', 'toString', 'not-an-org']) {
    if (Object.hasOwn(orgs, stranger)) continue
    need2(user.getOrg(stranger) === undefined && !user.isAtLeastRole(stranger, 'Member') && !user.hasAllPermissions(stranger, []), `no org ${stranger}`)
  }
  need2(user.getActiveOrgId() === expected.activeOrgId, 'active org')
}
function need2 (ok: boolean, what: string): void { if (!ok) throw new Error(`semantics: ${what}`) }

function sameData (a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}
function canonical (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (isObject(value)) {
    return Object.keys(value).sort().map((key) => [key, canonical(value[key])])
  }
  return value === undefined ? '<undefined>' : value
}

test('claims → User: refused, or a user exactly as the claims describe', async (t) => {
  let mapped = 0
  let refused = 0
  fc.assert(fc.property(claimsArbitrary, (claims) => {
    let expected: Record<string, unknown> | undefined
    try {
      expected = expectedUser(claims)
    } catch (error) {
      if (!(error instanceof Refused)) throw error
    }
    let user: User | undefined
    try {
      user = userFromClaims(claims)
    } catch (error) {
      if (!(error instanceof ClaimsShapeError)) throw error
    }
    if (expected === undefined || user === undefined) {
      if (expected !== undefined) throw new Error('refused claims that describe a user')
      if (user !== undefined) throw new Error('mapped claims that should be refused')
      refused++
      return
    }
    mapped++
    if (!sameData(describeUser(user), expected)) {
      throw new Error(`user differs from its claims:\n${JSON.stringify(canonical(describeUser(user)))}\n${JSON.stringify(canonical(expected))}`)
    }
    checkSemantics(user, expected)
    if (!Object.isFrozen(user)) throw new Error('user is not frozen')
  }), { numRuns: 2500 })
  t.ok(mapped > 250 && refused > 250, `both outcomes exercised (${mapped} mapped, ${refused} refused)`)
})

test('genuinely signed arbitrary claims through the verifier: a user exactly as described, or a 401', async (t) => {
  const v = verifier()
  const now = Math.floor(Date.now() / 1000)
  await fc.assert(fc.asyncProperty(claimsArbitrary, async (claims) => {
    const token = jws({ alg: 'RS256', typ: 'JWT' }, { ...claims, iss: kit.issuer, exp: now + 600 }, rs(256, kit.privateKey))
    const result = v.verifyToken(token)
    let expected: Record<string, unknown> | undefined
    try {
      expected = expectedUser(claims)
    } catch (error) {
      if (!(error instanceof Refused)) throw error
    }
    if (expected === undefined) {
      if (!(result instanceof Rejection) || result.reason !== 'invalid') throw new Error('expected an invalid-token rejection')
      return
    }
    if (result instanceof Rejection) throw new Error(`refused (${result.reason}) claims that describe a user`)
    if (!sameData(describeUser(result), expected)) throw new Error('user differs from its claims')
    // The cached verdict is the same user.
    if (v.verifyToken(token) !== result) throw new Error('the cache returned another user')
  }), { numRuns: 300 })
  t.pass('300 signed claim sets')
})

test('a key of another type never verifies anything, and never throws', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
  const v = new TokenVerifier({ getKey: () => ec, issuer: kit.issuer, clockTolerance: 0, cacheMax: 0 })
  fc.assert(fc.property(fc.oneof(arbitraryToken, fc.constant(kit.adminToken)), (token) => {
    const result = v.verifyToken(token)
    if (!(result instanceof Rejection)) throw new Error('accepted')
  }), { numRuns: 200 })
  t.pass('no verdict under a key that cannot verify RS256')
})
