import { test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type PropelAuthHook } from '../index.js'
import { createTestAuth, createTestKeyPair, type MintAccessTokenOptions } from '../lib/testing/index.js'

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const OTHER_ORG = '6f1c2a3b-0000-4000-8000-0000000000ff'
const ACME = { orgId: ORG, orgName: 'Acme Inc', role: 'Admin', permissions: ['read', 'write'] }

const keyPair = await createTestKeyPair()
const testAuth = await createTestAuth({ keyPair })
const otherIssuer = await createTestAuth({ keyPair, authUrl: 'https://other.example.test' })
const otherKey = await createTestAuth({ keyPair: await createTestKeyPair() })

const HOOKS = ['onRequest', 'preValidation', 'preHandler'] as const

async function appWith (t: { teardown: (fn: () => unknown) => void }, routes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  routes(app)
  t.teardown(() => app.close())
  return app
}

const bearer = async (options: MintAccessTokenOptions): Promise<string> => await testAuth.authorizationHeader(options)
const admin = (): Promise<string> => bearer({ userId: 'u-admin', orgs: [ACME] })

/** Echoes what the guards set. */
const echo = async (request: { user: { userId: string } | null, org: { orgId: string, userAssignedRole: string } | null }): Promise<unknown> => ({
  user: request.user?.userId ?? null,
  org: request.org?.orgId ?? null,
  role: request.org?.userAssignedRole ?? null
})

test('requireOrgMemberWithMinimumRole: 200 for Admin, 403 for Member, 401 without a token', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/org/:orgId/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => ({
      user: request.user!.userId,
      org: request.org!.orgName
    }))
  })
  const member = await bearer({ userId: 'u-member', orgs: [{ ...ACME, role: 'Member' }] })

  const ok = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: await admin() } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { user: 'u-admin', org: 'Acme Inc' })

  const forbidden = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: member } })
  t.equal(forbidden.statusCode, 403)
  t.equal(forbidden.json().code, 'FST_PROPELAUTH_INSUFFICIENT_ROLE')

  const anonymous = await app.inject({ url: `/org/${ORG}/admin` })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.headers['www-authenticate'], 'Bearer')
  t.same(Object.keys(anonymous.json()).sort(), ['code', 'error', 'message', 'statusCode'])
})

test('every guard works in onRequest, preValidation and preHandler', async (t) => {
  const guards: Array<[string, (app: FastifyInstance) => PropelAuthHook, 'user' | 'org' | 'optional']> = [
    ['requireUser', (app) => app.auth.requireUser, 'user'],
    ['optionalUser', (app) => app.auth.optionalUser, 'optional'],
    ['requireOrgMember()', (app) => app.auth.requireOrgMember(), 'org'],
    ['requireOrgMemberWithMinimumRole', (app) => app.auth.requireOrgMemberWithMinimumRole('Member'), 'org'],
    ['requireOrgMemberWithExactRole', (app) => app.auth.requireOrgMemberWithExactRole('Admin'), 'org'],
    ['requireOrgMemberWithPermission', (app) => app.auth.requireOrgMemberWithPermission('read'), 'org'],
    ['requireOrgMemberWithAllPermissions', (app) => app.auth.requireOrgMemberWithAllPermissions(['read', 'write']), 'org']
  ]
  const app = await appWith(t, (app) => {
    for (const [name, guard] of guards) {
      for (const hook of HOOKS) {
        app.get(`/${hook}/${name}/:orgId`, { [hook]: guard(app) }, echo)
      }
    }
  })
  const token = await admin()
  const outsider = await bearer({ userId: 'u-out' })
  for (const [name, , kind] of guards) {
    for (const hook of HOOKS) {
      const url = `/${hook}/${name}/${ORG}`
      const ok = await app.inject({ url, headers: { authorization: token } })
      t.equal(ok.statusCode, 200, `${hook} ${name}: valid token`)
      t.same(ok.json(), { user: 'u-admin', org: kind === 'org' ? ORG : null, role: kind === 'org' ? 'Admin' : null }, `${hook} ${name}: sets request.user${kind === 'org' ? ' and request.org' : ''}`)

      const none = await app.inject({ url })
      t.equal(none.statusCode, kind === 'optional' ? 200 : 401, `${hook} ${name}: no token`)
      if (kind === 'optional') t.same(none.json(), { user: null, org: null, role: null })

      const notMember = await app.inject({ url, headers: { authorization: outsider } })
      t.equal(notMember.statusCode, kind === 'org' ? 403 : 200, `${hook} ${name}: a user in no org`)
    }
  }
})

test('401: Fastify error body, FST_PROPELAUTH_* code, RFC 6750 challenge, no token echoed', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/me', { onRequest: app.auth.requireUser }, echo)
  })
  const expired = await bearer({ expiresIn: -60 })
  const wrongIssuer = await otherIssuer.authorizationHeader()
  const wrongKey = await otherKey.authorizationHeader()
  const cases: Array<[string | undefined, string, string, string]> = [
    [undefined, 'FST_PROPELAUTH_MISSING_TOKEN', 'Bearer', 'no header'],
    ['Basic dXNlcjpwYXNz', 'FST_PROPELAUTH_MISSING_TOKEN', 'Bearer', 'another scheme'],
    ['Bearer', 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER', 'Bearer error="invalid_token", error_description="Malformed Authorization header"', 'no token after Bearer'],
    [`Bearer  ${expired.slice(7)}`, 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER', 'Bearer error="invalid_token", error_description="Malformed Authorization header"', 'two spaces'],
    ['Bearer whatisthis', 'FST_PROPELAUTH_INVALID_TOKEN', 'Bearer error="invalid_token", error_description="The access token is invalid"', 'malformed token'],
    [wrongIssuer, 'FST_PROPELAUTH_INVALID_TOKEN', 'Bearer error="invalid_token", error_description="The access token is invalid"', 'wrong issuer'],
    [wrongKey, 'FST_PROPELAUTH_INVALID_TOKEN', 'Bearer error="invalid_token", error_description="The access token is invalid"', 'another key'],
    [expired, 'FST_PROPELAUTH_TOKEN_EXPIRED', 'Bearer error="invalid_token", error_description="The access token expired"', 'expired']
  ]
  for (const [authorization, code, challenge, name] of cases) {
    const response = await app.inject({ url: '/me', headers: authorization === undefined ? {} : { authorization } })
    t.equal(response.statusCode, 401, `${name}: 401`)
    t.equal(response.headers['www-authenticate'], challenge, `${name}: challenge`)
    const body = response.json()
    t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], `${name}: Fastify's error shape`)
    t.equal(body.statusCode, 401)
    t.equal(body.error, 'Unauthorized')
    t.equal(body.code, code, `${name}: code`)
    t.ok(body.message.length > 0 && body.message.length < 100, `${name}: a short message`)
    if (authorization !== undefined && authorization.length > 20) {
      t.notOk(response.body.includes(authorization.slice(7, 40)), `${name}: the token is not echoed`)
    }
  }
})

const ROLES = ['Owner', 'Admin', 'Member', 'js problems']

test('403: codes for membership, role and permission, with an insufficient_scope challenge (PropelAuth test cases 15–19)', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/org/:orgId/member', { onRequest: app.auth.requireOrgMember() }, echo)
    for (const role of ROLES) {
      app.get(`/org/:orgId/at-least/${ROLES.indexOf(role)}`, { onRequest: app.auth.requireOrgMemberWithMinimumRole(role) }, echo)
      app.get(`/org/:orgId/exactly/${ROLES.indexOf(role)}`, { onRequest: app.auth.requireOrgMemberWithExactRole(role) }, echo)
    }
    for (const permission of ['read', 'write', 'delete']) {
      app.get(`/org/:orgId/can/${permission}`, { onRequest: app.auth.requireOrgMemberWithPermission(permission) }, echo)
    }
    const sets = [['read'], ['write'], ['read', 'write'], [], ['read', 'write', 'delete'], ['delete']]
    sets.forEach((permissions, i) => {
      app.get(`/org/:orgId/all/${i}`, { onRequest: app.auth.requireOrgMemberWithAllPermissions(permissions) }, echo)
    })
  })
  // Node's reference user: Admin, inheriting Member, permissions read and write.
  const token = await admin()
  const noOrgs = await bearer({ userId: 'u-none' })
  const get = async (url: string, authorization = token): Promise<{ status: number, code: string | undefined, challenge: unknown, message: string | undefined }> => {
    const response = await app.inject({ url, headers: { authorization } })
    const body = response.statusCode === 200 ? {} : response.json()
    return { status: response.statusCode, code: body.code, challenge: response.headers['www-authenticate'], message: body.message }
  }

  t.equal((await get(`/org/${ORG}/member`)).status, 200, 'a member')
  const notMember = await get(`/org/${OTHER_ORG}/member`)
  t.same([notMember.status, notMember.code], [403, 'FST_PROPELAUTH_NOT_ORG_MEMBER'], 'another org')
  t.match(notMember.challenge, /^Bearer error="insufficient_scope"/)
  t.same((await get(`/org/${ORG}/member`, noOrgs)).code, 'FST_PROPELAUTH_NOT_ORG_MEMBER', 'a token with no orgs claim')
  t.equal((await get(`/org/${ORG}/member`, 'Bearer invalid')).status, 401, 'an invalid token with an org check is a 401')

  for (const [role, status] of [['Admin', 200], ['Member', 200], ['Owner', 403], ['js problems', 403]] as const) {
    const result = await get(`/org/${ORG}/at-least/${ROLES.indexOf(role)}`)
    t.equal(result.status, status, `at least ${role}`)
    if (status === 403) {
      t.equal(result.code, 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
      t.equal(result.message, `User's role in this org is not at least ${role}`)
    }
  }
  for (const [role, status] of [['Admin', 200], ['Member', 403], ['Owner', 403]] as const) {
    const result = await get(`/org/${ORG}/exactly/${ROLES.indexOf(role)}`)
    t.equal(result.status, status, `exactly ${role}`)
    if (status === 403) t.equal(result.code, 'FST_PROPELAUTH_WRONG_ROLE')
  }
  for (const [permission, status] of [['read', 200], ['write', 200], ['delete', 403]] as const) {
    const result = await get(`/org/${ORG}/can/${permission}`)
    t.equal(result.status, status, `permission ${permission}`)
    if (status === 403) t.equal(result.code, 'FST_PROPELAUTH_MISSING_PERMISSION')
  }
  for (const [i, status] of [[0, 200], [1, 200], [2, 200], [3, 200], [4, 403], [5, 403]] as const) {
    const result = await get(`/org/${ORG}/all/${i}`)
    t.equal(result.status, status, `all permissions, set ${i}`)
    if (status === 403) {
      t.equal(result.code, 'FST_PROPELAUTH_MISSING_PERMISSION')
      t.equal(result.message, 'User lacks the permission delete in this org', 'names the first missing permission')
    }
  }
  t.equal((await get(`/org/${OTHER_ORG}/all/3`)).code, 'FST_PROPELAUTH_NOT_ORG_MEMBER', 'an empty permission list still needs membership')
})

test('multi-role orgs: exact and minimum role follow PropelAuth (assigned or additional, no inheritance)', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/org/:orgId/at-least-billing', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Billing') }, echo)
    app.get('/org/:orgId/at-least-member', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Member') }, echo)
    app.get('/org/:orgId/exactly-billing', { onRequest: app.auth.requireOrgMemberWithExactRole('Billing') }, echo)
  })
  const token = await bearer({ orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Admin', roleStructure: 'multi_role', additionalRoles: ['Billing'], inheritedRoles: ['Admin', 'Member'] }] })
  t.equal((await app.inject({ url: `/org/${ORG}/at-least-billing`, headers: { authorization: token } })).statusCode, 200)
  t.equal((await app.inject({ url: `/org/${ORG}/exactly-billing`, headers: { authorization: token } })).statusCode, 200)
  t.equal((await app.inject({ url: `/org/${ORG}/at-least-member`, headers: { authorization: token } })).statusCode, 403, 'no inheritance in multi-role orgs')
})

test('the org: from params, from orgId/orgName extractors, by name or url-safe name (PropelAuth test case 20)', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/by-header', { onRequest: app.auth.requireOrgMember({ orgId: (request) => request.headers['x-org-id'] as string | undefined }) }, echo)
    app.get('/by-name/:name', { onRequest: app.auth.requireOrgMember({ orgName: (request) => (request.params as { name: string }).name }) }, echo)
    app.get('/both/:id/:name', {
      onRequest: app.auth.requireOrgMember({
        orgId: (request) => (request.params as { id: string }).id,
        orgName: (request) => (request.params as { name: string }).name
      })
    }, echo)
    // With an extractor, params.orgId is not looked at (as in @propelauth/express).
    app.get('/ignored/:orgId', { onRequest: app.auth.requireOrgMember({ orgId: () => undefined }) }, echo)
  })
  const token = await admin()
  const status = async (url: string, headers: Record<string, string> = {}): Promise<number> =>
    (await app.inject({ url, headers: { authorization: token, ...headers } })).statusCode

  t.equal(await status('/by-header', { 'x-org-id': ORG }), 200, 'orgId extractor')
  t.equal(await status('/by-header', { 'x-org-id': OTHER_ORG }), 403)
  t.equal(await status('/by-header'), 403, 'extractor finds nothing: 403, as PropelAuth ("not a member of org {}")')
  t.equal(await status(`/by-name/${encodeURIComponent('Acme Inc')}`), 200, 'by org name')
  t.equal(await status('/by-name/acme-inc'), 200, 'by url-safe name')
  t.equal(await status('/by-name/ACME%20INC'), 403, 'names match exactly, as PropelAuth\'s org checks do')
  t.equal(await status('/by-name/Globex'), 403)
  t.equal(await status(`/both/${ORG}/acme-inc`), 200, 'id and name that agree')
  t.equal(await status(`/both/${ORG}/Globex`), 403, 'id and name that disagree')
  t.equal(await status(`/ignored/${ORG}`), 403, 'an extractor replaces params.orgId')
  // A route with no :orgId and no extractor is refused when declared: test/deny-by-default-order.test.ts.
})

test('org ids named after Object.prototype members are a 403, never a 500', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/org/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Member') }, echo)
    app.get('/by-name/:name', { onRequest: app.auth.requireOrgMember({ orgName: (request) => (request.params as { name: string }).name }) }, echo)
  })
  const token = await admin()
  for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
    const response = await app.inject({ url: `/org/${id}`, headers: { authorization: token } })
    t.equal(response.statusCode, 403, `org id ${id}`)
    t.equal(response.json().code, 'FST_PROPELAUTH_NOT_ORG_MEMBER')
    t.equal((await app.inject({ url: `/by-name/${id}`, headers: { authorization: token } })).statusCode, 403, `org name ${id}`)
  }
  // A real org with that id is found, and nothing else is.
  const protoMember = await bearer({ orgs: [{ orgId: '__proto__', orgName: 'Proto', role: 'Member' }] })
  t.equal((await app.inject({ url: '/org/__proto__', headers: { authorization: protoMember } })).statusCode, 200)
  t.equal((await app.inject({ url: '/org/constructor', headers: { authorization: protoMember } })).statusCode, 403)
})

test('optionalUser never rejects: a missing, bad, expired or foreign token leaves request.user null (PropelAuth test case 14)', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/maybe', { onRequest: app.auth.optionalUser }, echo)
    app.get('/plain', echo)
  })
  const headers = [undefined, '', 'Bearer', 'Bearer invalid', await bearer({ expiresIn: -1 }), await otherIssuer.authorizationHeader(), await otherKey.authorizationHeader(), 'Basic abc']
  for (const authorization of headers) {
    const response = await app.inject({ url: '/maybe', headers: authorization === undefined ? {} : { authorization } })
    t.equal(response.statusCode, 200)
    t.same(response.json(), { user: null, org: null, role: null })
    t.equal(response.headers['www-authenticate'], undefined, 'no challenge')
  }
  t.same((await app.inject({ url: '/maybe', headers: { authorization: await admin() } })).json(), { user: 'u-admin', org: null, role: null })
  t.same((await app.inject({ url: '/plain', headers: { authorization: await admin() } })).json(), { user: null, org: null, role: null }, 'unguarded routes leave request.user null')
})

test('onRequest answers 401 before the body is validated; preHandler validates first (README trade-off)', async (t) => {
  const schema = { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }
  const app = await appWith(t, (app) => {
    app.post('/early', { schema, onRequest: app.auth.requireUser }, async () => 'ok')
    app.post('/late', { schema, preHandler: app.auth.requireUser }, async () => 'ok')
  })
  t.equal((await app.inject({ method: 'POST', url: '/early', payload: { nope: 1 } })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/late', payload: { nope: 1 } })).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/late', payload: { name: 'x' } })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/early', payload: { name: 'x' }, headers: { authorization: await admin() } })).statusCode, 200)
})

test('guards compose in hook arrays, with async hooks of the app', async (t) => {
  const app = await appWith(t, (app) => {
    app.get('/org/:orgId/both', {
      onRequest: [app.auth.requireUser, app.auth.requireOrgMemberWithPermission('write')],
      preHandler: async (request) => { if (request.org === null) throw new Error('org not set') }
    }, echo)
  })
  t.equal((await app.inject({ url: `/org/${ORG}/both`, headers: { authorization: await admin() } })).statusCode, 200)
  t.equal((await app.inject({ url: `/org/${ORG}/both` })).statusCode, 401, 'the first guard stops the chain')
})

test('validateAccessTokenAndGetUser* outside routes resolve and reject like the guards', async (t) => {
  const app = await appWith(t, () => {})
  await app.ready()
  const token = await admin()
  const auth = app.auth

  const user = await auth.validateAccessTokenAndGetUser(token)
  t.equal(user.userId, 'u-admin')
  // PropelAuth's Node name for the UserClass variant: the same User, with UserClass's methods and field name.
  const userClass = await auth.validateAccessTokenAndGetUserClass(token)
  t.equal(userClass.userId, 'u-admin')
  t.ok(userClass.isAtLeastRole(ORG, 'Member'), 'UserClass methods take the org id')
  t.notOk(userClass.isAtLeastRole(ORG, 'Owner'))
  t.equal(userClass.orgIdToUserOrgInfo, userClass.orgIdToOrgMemberInfo, 'UserClass calls the org map orgIdToUserOrgInfo')
  t.equal(userClass.orgIdToUserOrgInfo?.[ORG]?.userAssignedRole, 'Admin')
  t.notOk('orgIdToUserOrgInfo' in JSON.parse(JSON.stringify(userClass)), 'the alias is not serialised: the orgs appear once in JSON')
  const rejection = async (promise: Promise<unknown>): Promise<{ statusCode?: number, code?: string } | undefined> =>
    await promise.then(() => undefined, (error: { statusCode?: number, code?: string }) => error)

  t.match(await rejection(auth.validateAccessTokenAndGetUser(undefined)), { statusCode: 401, code: 'FST_PROPELAUTH_MISSING_TOKEN' }, 'missing (case 9)')
  t.match(await rejection(auth.validateAccessTokenAndGetUser('')), { statusCode: 401, code: 'FST_PROPELAUTH_MISSING_TOKEN' })
  t.match(await rejection(auth.validateAccessTokenAndGetUser('Bearer whatisthis')), { statusCode: 401, code: 'FST_PROPELAUTH_INVALID_TOKEN' }, 'malformed (case 8)')
  t.match(await rejection(auth.validateAccessTokenAndGetUser(`token ${token.slice(7)}`)), { statusCode: 401 }, 'wrong scheme (case 10)')
  t.match(await rejection(auth.validateAccessTokenAndGetUserClass(token.slice(7))), { statusCode: 401, code: 'FST_PROPELAUTH_MISSING_TOKEN' }, 'a bare token is refused by the UserClass variant too')
  t.match(await rejection(auth.validateAccessTokenAndGetUserClass(await bearer({ expiresIn: -1 }))), { statusCode: 401, code: 'FST_PROPELAUTH_TOKEN_EXPIRED' })
  t.match(await rejection(auth.validateAccessTokenAndGetUser(await bearer({ expiresIn: -1 }))), { statusCode: 401, code: 'FST_PROPELAUTH_TOKEN_EXPIRED' }, 'expired (case 7)')
  t.match(await rejection(auth.validateAccessTokenAndGetUser(await otherIssuer.authorizationHeader())), { statusCode: 401, code: 'FST_PROPELAUTH_INVALID_TOKEN' }, 'wrong issuer (case 11)')

  const inOrg = await auth.validateAccessTokenAndGetUserWithOrgInfo(token, { orgId: ORG })
  t.equal(inOrg.user.userId, 'u-admin')
  t.equal(inOrg.orgMemberInfo.orgId, ORG)
  t.equal((await auth.validateAccessTokenAndGetUserWithOrgInfo(token, { orgName: 'acme-inc' })).orgMemberInfo.orgId, ORG, 'by url-safe name')
  t.equal((await auth.validateAccessTokenAndGetUserWithOrgInfo(token, { orgId: ORG, orgName: 'Acme Inc' })).orgMemberInfo.orgId, ORG, 'by id and name (case 20)')
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfo(token, { orgId: ORG, orgName: 'Globex' })), { statusCode: 403, code: 'FST_PROPELAUTH_NOT_ORG_MEMBER' })
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfo(token, {})), { statusCode: 403, code: 'FST_PROPELAUTH_NOT_ORG_MEMBER' }, 'no org given')
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfo(token, { orgId: '__proto__' })), { statusCode: 403 })
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfo('Bearer invalid', { orgId: ORG })), { statusCode: 401 }, 'invalid token with an org check')

  t.equal((await auth.validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole(token, { orgId: ORG }, 'Member')).orgMemberInfo.userAssignedRole, 'Admin')
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole(token, { orgId: ORG }, 'Owner')), { statusCode: 403, code: 'FST_PROPELAUTH_INSUFFICIENT_ROLE' })
  t.equal((await auth.validateAccessTokenAndGetUserWithOrgInfoWithExactRole(token, { orgId: ORG }, 'Admin')).user.userId, 'u-admin')
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfoWithExactRole(token, { orgId: ORG }, 'Member')), { statusCode: 403, code: 'FST_PROPELAUTH_WRONG_ROLE' })
  t.equal((await auth.validateAccessTokenAndGetUserWithOrgInfoWithPermission(token, { orgId: ORG }, 'write')).user.userId, 'u-admin')
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfoWithPermission(token, { orgId: ORG }, 'delete')), { statusCode: 403, code: 'FST_PROPELAUTH_MISSING_PERMISSION' })
  t.equal((await auth.validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions(token, { orgId: ORG }, [])).user.userId, 'u-admin')
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions(token, { orgId: ORG }, ['read', 'delete'])), { statusCode: 403, code: 'FST_PROPELAUTH_MISSING_PERMISSION' })
})

test('guard factories check their arguments when the route is declared', async (t) => {
  const app = await appWith(t, () => {})
  const auth = app.auth as unknown as Record<string, (...args: unknown[]) => unknown>
  const cases: Array<[string, unknown[], RegExp]> = [
    ['requireOrgMemberWithMinimumRole', [''], /requireOrgMemberWithMinimumRole\(role\) expects role to be a non-empty string/],
    ['requireOrgMemberWithMinimumRole', [undefined], /expects role to be a non-empty string/],
    ['requireOrgMemberWithExactRole', [42], /requireOrgMemberWithExactRole\(role\) expects role to be a non-empty string/],
    ['requireOrgMemberWithPermission', [''], /requireOrgMemberWithPermission\(permission\) expects permission to be a non-empty string/],
    ['requireOrgMemberWithAllPermissions', ['read'], /requireOrgMemberWithAllPermissions\(permissions\) expects an array of permission names/],
    ['requireOrgMemberWithAllPermissions', [['read', '']], /expects an array of permission names/],
    ['requireOrgMember', ['org-id'], /requireOrgMember: options must be \{ orgId\?: \(request\) => string, orgName\?: \(request\) => string \}/],
    ['requireOrgMember', [{ orgId: 'abc' }], /requireOrgMember: option `orgId` must be a function of the request returning the org id/],
    ['requireOrgMemberWithMinimumRole', ['Admin', { orgName: 'Acme' }], /option `orgName` must be a function of the request returning the org name/]
  ]
  for (const [factory, args, message] of cases) {
    t.throws(() => auth[factory](...args), { code: 'FST_PROPELAUTH_INVALID_OPTION', message }, `${factory}(${args.map((a) => JSON.stringify(a)).join(', ')})`)
  }
  t.doesNotThrow(() => app.auth.requireOrgMemberWithAllPermissions([]), 'an empty permission list is allowed')
})

for (const hook of HOOKS) {
  test(`${hook}: the guard's 401 is sent once, and the handler never runs`, async (t) => {
    let handled = 0
    const app = await appWith(t, (app) => {
      app.get('/me', { [hook]: app.auth.requireUser }, async () => { handled++; return 'ok' })
    })
    const response = await app.inject({ url: '/me', headers: { authorization: 'Bearer nope' } })
    t.equal(response.statusCode, 401)
    t.equal(handled, 0)
  })
}
