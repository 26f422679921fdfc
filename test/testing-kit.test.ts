import { test } from 'tap'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth from '../index.js'
import { DEFAULT_SEED, startStandIn, type StandIn } from 'fastify-propelauth-standin'
import { createTestAuth, createTestKeyPair } from '../lib/testing/index.js'
import { signClaims } from '../lib/testing/mint.js'

// fastify-propelauth/testing, as users of the package use it: minted tokens and
// the stand-in are checked by the plugin's real verifier, never by themselves.

const keyPair = await createTestKeyPair()
const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** An app with a route that shows what the plugin made of the token. */
async function whoamiApp (t: { teardown: (fn: () => unknown) => void }, options: Parameters<typeof propelAuth>[1]): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, options)
  app.get('/whoami', { onRequest: app.auth.requireUser }, async (request) => ({
    userId: request.user!.userId,
    email: request.user!.email,
    activeOrgId: request.user!.activeOrgId ?? null,
    orgs: request.user!.getOrgs().map((org) => ({ id: org.orgId, role: org.userAssignedRole, permissions: org.userPermissions }))
  }))
  t.teardown(() => app.close())
  return app
}

test('createTestKeyPair: a 2048-bit RSA key pair, the public half as SPKI PEM', async (t) => {
  const key = createPublicKey(keyPair.publicKeyPem)
  t.match(keyPair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/)
  t.equal(key.asymmetricKeyType, 'rsa')
  t.equal(key.asymmetricKeyDetails?.modulusLength, 2048)
  t.equal(keyPair.privateKey.type, 'private')
})

test('signClaims: an RS256 compact JWS that an independent JOSE library verifies', async (t) => {
  const claims = { user_id: 'u-1', iss: 'https://auth.example.test', iat: 1, exp: 4102444800, email: 'ada@example.test' }
  const token = await signClaims(claims, keyPair.privateKey)
  const { payload, protectedHeader } = await jwtVerify(token, createPublicKey(keyPair.publicKeyPem), { algorithms: ['RS256'], issuer: claims.iss })
  t.same(protectedHeader, { alg: 'RS256', typ: 'JWT' })
  t.same(payload, claims)
})

test('signClaims refuses a key that cannot make an RS256 signature', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  await t.rejects(signClaims({ user_id: 'u-1' }, ec.privateKey), { name: 'TypeError', message: /RSA private key/ })
  await t.rejects(signClaims({ user_id: 'u-1' }, createPublicKey(keyPair.publicKeyPem)), { name: 'TypeError', message: /RSA private key/ }, 'a public key cannot sign')
})

test('createTestAuth: defaults, and plugin options that trust its tokens offline', async (t) => {
  const testAuth = await createTestAuth({ keyPair })
  t.equal(testAuth.authUrl, 'https://auth.example.test')
  t.equal(testAuth.issuer, 'https://auth.example.test')
  t.same(testAuth.tokenVerificationMetadata, { verifierKey: keyPair.publicKeyPem, issuer: 'https://auth.example.test' })
  t.same(testAuth.pluginOptions, { authUrl: testAuth.authUrl, tokenVerificationMetadata: testAuth.tokenVerificationMetadata })

  const token = await testAuth.mintAccessToken()
  t.same(decodeProtectedHeader(token), { alg: 'RS256', typ: 'JWT' })
  const claims = decodeJwt(token)
  t.match(claims.user_id, UUID, 'a random user id by default')
  t.equal(claims.iss, 'https://auth.example.test')
  t.equal(typeof claims.iat, 'number')
  t.equal(claims.exp, (claims.iat as number) + 1800, '30 minutes by default, as PropelAuth')
  t.same(claims.org_id_to_org_member_info, {})
  t.equal(claims.nbf, undefined, 'no nbf unless asked, as PropelAuth')
  t.not(decodeJwt(await testAuth.mintAccessToken()).user_id, claims.user_id, 'each token a new user by default')

  const app = await whoamiApp(t, testAuth.pluginOptions)
  const response = await app.inject({ url: '/whoami', headers: { authorization: await testAuth.authorizationHeader({ userId: 'u-1', email: 'ada@example.com' }) } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { userId: 'u-1', email: 'ada@example.com', activeOrgId: null, orgs: [] })
})

test('mintAccessToken: user fields, orgs with roles and permissions, active org, expiry, raw claims', async (t) => {
  const testAuth = await createTestAuth({
    keyPair,
    rolePermissions: { Owner: ['billing'], Admin: ['invite'], Member: ['read'] }
  })
  const claims = decodeJwt(await testAuth.mintAccessToken({
    userId: 'u-1',
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    username: 'ada',
    properties: { plan: 'pro' },
    metadata: { source: 'test' },
    legacyUserId: 'legacy-1',
    impersonatorUserId: 'employee-1',
    loginMethod: { login_method: 'social_sso', provider: 'Google' },
    issuedAt: 1_700_000_000,
    expiresIn: 60,
    notBefore: 1_700_000_000,
    orgs: [
      { orgId: ORG, orgName: 'Acme Inc', role: 'Admin', metadata: { tier: 'gold' }, legacyOrgId: 'acme-old' },
      { orgId: 'o-2', orgName: 'Globex', role: 'Member', roleStructure: 'multi_role', additionalRoles: ['Owner'] },
      { orgId: 'o-3', orgName: 'Initech', role: 'Owner', urlSafeOrgName: 'initech-llc', inheritedRoles: ['Owner'], permissions: ['only-this'] },
      { orgId: 'o-4', orgName: 'Umbrella', role: 'Custom' }
    ]
  }))
  t.match(claims, {
    user_id: 'u-1',
    email: 'ada@example.com',
    first_name: 'Ada',
    last_name: 'Lovelace',
    username: 'ada',
    properties: { plan: 'pro' },
    metadata: { source: 'test' },
    legacy_user_id: 'legacy-1',
    impersonator_user_id: 'employee-1',
    login_method: { login_method: 'social_sso', provider: 'Google' },
    iat: 1_700_000_000,
    exp: 1_700_000_060,
    nbf: 1_700_000_000
  })
  const orgs = claims.org_id_to_org_member_info as Record<string, Record<string, unknown>>
  t.same(orgs[ORG], {
    org_id: ORG,
    org_name: 'Acme Inc',
    url_safe_org_name: 'acme-inc',
    org_metadata: { tier: 'gold' },
    user_role: 'Admin',
    inherited_user_roles_plus_current_role: ['Admin', 'Member'],
    user_permissions: ['invite', 'read'],
    org_role_structure: 'single_role_in_hierarchy',
    additional_roles: [],
    legacy_org_id: 'acme-old'
  }, 'single-role: inherits the roles below it, and their permissions; every key PropelAuth (and its Python library) expects')
  t.same(orgs['o-2'].inherited_user_roles_plus_current_role, ['Member', 'Owner'], 'multi-role: the held roles, no inheritance')
  t.same(orgs['o-2'].user_permissions, ['read', 'billing'], 'multi-role: permissions of the held roles')
  t.same(orgs['o-2'].additional_roles, ['Owner'])
  t.equal(orgs['o-2'].org_role_structure, 'multi_role')
  t.equal(orgs['o-3'].url_safe_org_name, 'initech-llc', 'an explicit url-safe name')
  t.same(orgs['o-3'].inherited_user_roles_plus_current_role, ['Owner'], 'explicit inherited roles')
  t.same(orgs['o-3'].user_permissions, ['only-this'], 'explicit permissions')
  t.same(orgs['o-4'].inherited_user_roles_plus_current_role, ['Custom'], 'a role outside the hierarchy inherits nothing')
  t.same(orgs['o-4'].user_permissions, [])

  const active = decodeJwt(await testAuth.mintAccessToken({ orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Member' }, { orgId: 'o-2', orgName: 'Globex', role: 'Admin' }], activeOrgId: 'o-2' }))
  t.equal((active.org_member_info as { org_id: string }).org_id, 'o-2', 'activeOrgId mints an active-org token')
  t.equal(active.org_id_to_org_member_info, undefined, 'with no org map, as PropelAuth')
  await t.rejects(testAuth.mintAccessToken({ orgs: [], activeOrgId: 'o-9' }), /activeOrgId o-9 is not one of the user's orgs/)

  const raw = decodeJwt(await testAuth.mintAccessToken({ email: 'x@example.com', claims: { email: undefined, exp: undefined, iss: 'https://evil.example', custom: 1 } }))
  t.equal(raw.email, undefined, 'claims: undefined removes a claim')
  t.equal(raw.exp, undefined)
  t.equal(raw.iss, 'https://evil.example', 'claims: replaces')
  t.equal(raw.custom, 1, 'claims: adds')

  const hierarchy = await createTestAuth({ keyPair, roleHierarchy: ['Boss', 'Worker'] })
  const boss = decodeJwt(await hierarchy.mintAccessToken({ orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Boss' }] }))
  t.same((boss.org_id_to_org_member_info as Record<string, { inherited_user_roles_plus_current_role: string[] }>)[ORG].inherited_user_roles_plus_current_role, ['Boss', 'Worker'], 'a custom role hierarchy')
})

test('minted tokens go through the real verifier: accepted, expired, not yet valid, foreign', async (t) => {
  const testAuth = await createTestAuth({ keyPair, rolePermissions: { Admin: ['invite'] } })
  const app = await whoamiApp(t, testAuth.pluginOptions)
  const call = async (authorization: string): Promise<{ status: number, body: Record<string, unknown> }> => {
    const response = await app.inject({ url: '/whoami', headers: { authorization } })
    return { status: response.statusCode, body: response.json() }
  }
  const ok = await call(await testAuth.authorizationHeader({ userId: 'u-1', orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Admin' }], activeOrgId: ORG }))
  t.same(ok, { status: 200, body: { userId: 'u-1', email: 'user-u-1@example.com', activeOrgId: ORG, orgs: [{ id: ORG, role: 'Admin', permissions: ['invite'] }] } })
  t.equal((await call(await testAuth.authorizationHeader({ claims: { email: undefined } }))).body.code, 'FST_PROPELAUTH_INVALID_TOKEN', 'a token without an email is refused: PropelAuth signs none')
  t.equal((await call(await testAuth.authorizationHeader({ expiresIn: -1 }))).body.code, 'FST_PROPELAUTH_TOKEN_EXPIRED', 'negative expiresIn: expired')
  t.equal((await call(await testAuth.authorizationHeader({ notBefore: Math.floor(Date.now() / 1000) + 3600 }))).body.code, 'FST_PROPELAUTH_INVALID_TOKEN', 'notBefore in the future')
  const otherIssuer = await createTestAuth({ keyPair, issuer: 'https://elsewhere.example' })
  t.equal((await call(await otherIssuer.authorizationHeader())).status, 401, 'another issuer')
  t.equal(otherIssuer.tokenVerificationMetadata.issuer, 'https://elsewhere.example', 'a custom issuer goes into the plugin options too')
  const trusting = await whoamiApp(t, otherIssuer.pluginOptions)
  t.equal((await trusting.inject({ url: '/whoami', headers: { authorization: await otherIssuer.authorizationHeader() } })).statusCode, 200)
})

// --- the stand-in ------------------------------------------------------------------------

async function standIn (t: { teardown: (fn: () => unknown) => void }, options: Parameters<typeof startStandIn>[0] = {}): Promise<StandIn> {
  const started = await startStandIn({ keyPair, ...options })
  t.teardown(() => started.close())
  return started
}

test('stand-in: loopback URLs, a random API key, plugin options', async (t) => {
  const s = await standIn(t)
  t.match(s.authUrl, /^http:\/\/localhost:\d+$/)
  t.match(s.apiBaseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(new URL(s.authUrl).port, new URL(s.apiBaseUrl).port)
  t.match(s.apiKey, /^.{16,}$/, 'a random key by default')
  t.same(s.pluginOptions, { authUrl: s.authUrl, apiKey: s.apiKey, apiBaseUrl: s.apiBaseUrl })
  const other = await standIn(t)
  t.not(other.apiKey, s.apiKey)
})

test('stand-in: the key fetch checks the API key and X-Propelauth-url as PropelAuth does', async (t) => {
  const s = await standIn(t, { apiKey: 'test-api-key' })
  const port = new URL(s.authUrl).port
  const fetchMetadata = async (headers: Record<string, string>, path = '/api/v1/token_verification_metadata'): Promise<{ status: number, body: Record<string, unknown> }> => {
    const response = await fetch(`${s.apiBaseUrl}${path}`, { headers })
    return { status: response.status, body: await response.json() as Record<string, unknown> }
  }
  const ok = await fetchMetadata({ authorization: 'Bearer test-api-key', 'x-propelauth-url': 'localhost' })
  t.equal(ok.status, 200, 'the hostname, as the Node library sends it')
  t.same(ok.body, { verifier_key_pem: keyPair.publicKeyPem })
  t.equal((await fetchMetadata({ authorization: 'Bearer test-api-key', 'x-propelauth-url': `localhost:${port}` })).status, 200, 'host with port, as the Python library sends it')
  t.equal((await fetchMetadata({ authorization: 'Bearer test-api-key' })).status, 200, 'no header, as clients before 2025 sent')
  t.equal((await fetchMetadata({})).status, 401, 'no API key')
  t.equal((await fetchMetadata({ authorization: 'Bearer wrong-key', 'x-propelauth-url': 'localhost' })).status, 401, 'a wrong API key')
  t.equal((await fetchMetadata({ authorization: 'test-api-key', 'x-propelauth-url': 'localhost' })).status, 401, 'the key without Bearer')
  t.equal((await fetchMetadata({ authorization: 'Bearer test-api-key', 'x-propelauth-url': 'auth.other.test' })).status, 404, 'another project\'s auth URL')
  const rust = await fetchMetadata({ authorization: 'Bearer test-api-key' }, '/api/backend/v1/token_verification_metadata')
  t.same(rust, { status: 200, body: { public_key_pem: keyPair.publicKeyPem } }, 'the Rust crate\'s variant')
})

test('stand-in: starts with the example\'s seed by default, or with the seed given', async (t) => {
  const s = await standIn(t)
  const emails = [...s.state.users.values()].map((user) => user.email).sort()
  t.same(emails, ['admin@acme.test', 'member@acme.test', 'outsider@example.test', 'owner@acme.test'], 'an Owner, an Admin, a Member and someone in no org')
  t.same(DEFAULT_SEED.users?.map((user) => user.email).sort(), emails, 'DEFAULT_SEED')
  const orgs = [...s.state.orgs.values()]
  t.same(orgs.map((org) => org.name), ['Acme Inc'])
  const roleOf = (email: string): string | undefined => orgs[0].members.get(s.state.findUserByEmail(email)!.userId)?.role
  t.same(['owner@acme.test', 'admin@acme.test', 'member@acme.test', 'outsider@example.test'].map(roleOf), ['Owner', 'Admin', 'Member', undefined])

  const empty = await standIn(t, { seed: {} })
  t.equal(empty.state.users.size, 0, 'seed: {} starts empty')
  t.equal(empty.state.orgs.size, 0)

  const custom = await standIn(t, { seed: { users: [{ email: 'solo@example.test' }] } })
  t.same([...custom.state.users.values()].map((user) => user.email), ['solo@example.test'])
  t.match(custom.state.findUserByEmail('solo@example.test')?.userId, UUID, 'ids derived when left out')
})

test('stand-in: POST /api/backend/v1/access_token for seeded users, verified by the plugin through the real fetch', async (t) => {
  const s = await standIn(t)
  const app = await whoamiApp(t, s.pluginOptions)
  const owner = s.state.findUserByEmail('owner@acme.test')!
  const acme = [...s.state.orgs.values()][0]

  const createToken = async (body: unknown, apiKey = s.apiKey): Promise<{ status: number, body: Record<string, unknown> }> => {
    const response = await fetch(`${s.apiBaseUrl}/api/backend/v1/access_token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'x-propelauth-url': 'localhost', 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
    return { status: response.status, body: await response.json() as Record<string, unknown> }
  }

  const created = await createToken({ user_id: owner.userId, duration_in_minutes: 10 })
  t.equal(created.status, 200)
  const token = created.body.access_token as string
  const claims = decodeJwt(token)
  t.equal(claims.exp, (claims.iat as number) + 600, 'duration_in_minutes')
  const whoami = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${token}` } })
  t.equal(whoami.statusCode, 200)
  t.match(whoami.json(), { userId: owner.userId, email: 'owner@acme.test', activeOrgId: null, orgs: [{ id: acme.orgId, role: 'Owner' }] })
  t.ok((whoami.json().orgs[0].permissions as string[]).includes('can_view_billing'), 'permissions from the seed\'s roles')

  const activeOrg = await createToken({ user_id: owner.userId, duration_in_minutes: 10, active_org_id: acme.orgId })
  t.equal(activeOrg.status, 200)
  t.equal((await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${activeOrg.body.access_token as string}` } })).json().activeOrgId, acme.orgId, 'active_org_id gives an active-org token')

  t.equal((await createToken({ user_id: '00000000-0000-4000-8000-000000000000', duration_in_minutes: 10 })).status, 403, 'an unknown user, as PropelAuth answers')
  t.equal((await createToken({ duration_in_minutes: 10 })).status, 400, 'user_id missing')
  t.equal((await createToken({ user_id: owner.userId })).status, 400, 'duration missing')
  const outsider = s.state.findUserByEmail('outsider@example.test')!
  t.equal((await createToken({ user_id: outsider.userId, duration_in_minutes: 10, active_org_id: acme.orgId })).status, 400, 'an active org the user is not in')
  t.equal((await createToken({ user_id: owner.userId, duration_in_minutes: 10 }, 'wrong')).status, 401, 'a wrong API key')
})

test('stand-in: createAccessToken by email or id; mintAccessToken for tokens the state does not describe', async (t) => {
  const s = await standIn(t)
  const app = await whoamiApp(t, s.pluginOptions)
  const member = s.state.findUserByEmail('member@acme.test')!
  for (const who of ['member@acme.test', 'MEMBER@acme.test', member.userId]) {
    const response = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${await s.createAccessToken(who)}` } })
    t.equal(response.json().userId, member.userId, `by ${who}`)
  }
  const short = decodeJwt(await s.createAccessToken('member@acme.test', { durationInMinutes: 1 }))
  t.equal(short.exp, (short.iat as number) + 60)
  await t.rejects(s.createAccessToken('nobody@example.test'), /no user nobody@example\.test/)
  const minted = await s.mintAccessToken({ userId: 'not-in-state' })
  t.equal((await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${minted}` } })).json().userId, 'not-in-state', 'signed with the stand-in\'s key and issuer')
})
