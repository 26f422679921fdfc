import { Writable } from 'node:stream'
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions, type OrgMemberInfo, type User } from '../index.js'
import { ApiKeyCache } from '../lib/api/api-key-guards/validation-cache.js'
import { startStandIn } from 'fastify-propelauth-standin'
import { createTestAuth, type TestAuth } from '../lib/testing/index.js'
import { startRecordingServer, type RecordingServer, type ScriptedReply } from './helpers/recording-server.js'
import { MEMBER, ORG, ORG_ID, USER, USER_ID } from './helpers/api-key-answers.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const API_KEY = 'a1b2c3d4'.repeat(8)
const VALIDATE = '/api/backend/v1/end_user_api_keys/validate'

// One key pair for the file: generating RSA keys is the slow part of a setup.
const sharedTestAuth = createTestAuth({ keyPair: await sharedKeyPair() })

interface Setup {
  server: RecordingServer
  testAuth: TestAuth
  app: FastifyInstance
  logs: string[]
  validations: () => number
}

async function setup (t: Test, options: Partial<FastifyPropelAuthOptions> = {}): Promise<Setup> {
  const server = await startRecordingServer()
  const testAuth = await sharedTestAuth
  const logs: string[] = []
  const stream = new Writable({ write (chunk, _encoding, callback) { logs.push(String(chunk)); callback() } })
  const app = Fastify({ logger: { level: 'trace', stream } })
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: 'integration-key', apiBaseUrl: server.url, retries: 0, ...options })
  const info = (request: { user: unknown, org: unknown }) => ({ user: request.user, org: request.org })
  app.get('/key', { onRequest: app.auth.requireApiKey }, async (request) => ({
    ...info(request),
    metadata: app.auth.getApiKeyValidation(request)?.metadata ?? null,
    orgIds: request.user?.getOrgs().map((org) => org.orgId) ?? null,
    isAdmin: request.org?.isAtLeastRole('Admin') ?? null
  }))
  app.get('/either', { onRequest: app.auth.requireUserOrApiKey }, async (request) => ({
    userId: request.user?.userId ?? null,
    viaKey: app.auth.getApiKeyValidation(request) !== undefined
  }))
  t.teardown(async () => {
    await app.close()
    await server.close()
  })
  const validations = () => server.requests.filter((request) => request.target === VALIDATE).length
  return { server, testAuth, app, logs, validations }
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

test('requireApiKey admits a personal key: request.user is the key\'s user, request.org null', async (t) => {
  const { server, app, validations } = await setup(t)
  server.reply({ status: 200, body: { metadata: { scope: 'read' }, user: USER } })
  const response = await app.inject({ url: '/key', headers: bearer(API_KEY) })
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.match(body.user, { userId: USER_ID, email: 'ada@example.com', firstName: 'Ada', metadata: USER.metadata, properties: { teamSize: 3 }, loginMethod: { loginMethod: 'unknown' } })
  t.equal(body.org, null)
  t.same(body.metadata, { scope: 'read' }, 'getApiKeyValidation gives the key\'s metadata')
  t.equal(validations(), 1)
  const [sent] = server.requests
  t.equal(sent.method, 'POST')
  t.equal(sent.body, JSON.stringify({ api_key_token: API_KEY }))
  t.equal(sent.headers.authorization, 'Bearer integration-key')
})

test('an org key with a member sets request.org to the membership and scopes the user to that org', async (t) => {
  const { server, app } = await setup(t)
  server.reply({ status: 200, body: { metadata: {}, user: { ...USER, org_id_to_org_info: { other: { ...MEMBER, org_id: 'other' } } }, org: ORG, user_in_org: MEMBER } })
  const body = (await app.inject({ url: '/key', headers: bearer(API_KEY) })).json()
  t.match(body.org, { orgId: ORG_ID, orgName: 'Acme Inc', userAssignedRole: 'Admin' })
  t.equal(body.isAdmin, true)
  t.equal(body.user.activeOrgId, ORG_ID)
  t.same(body.orgIds, [ORG_ID], 'only the key\'s org, like an active-org token')
})

test('renamed request decorators (option requestDecorators) receive the key\'s user and org; the accessors read them', async (t) => {
  const { server, app } = await setup(t, { requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' } })
  app.get('/renamed', { onRequest: app.auth.requireApiKey }, async (request) => ({
    user: request.getDecorator<User | null>('propelAuthUser')?.userId,
    org: request.getDecorator<OrgMemberInfo | null>('propelAuthOrg')?.orgId,
    accessors: [app.auth.user(request).userId, app.auth.org(request).orgId],
    defaultsUntouched: !app.hasRequestDecorator('user') && !app.hasRequestDecorator('org')
  }))
  server.reply({ status: 200, body: { metadata: {}, user: USER, org: ORG, user_in_org: MEMBER } })
  const body = (await app.inject({ url: '/renamed', headers: bearer(API_KEY) })).json()
  t.same(body, { user: USER_ID, org: ORG_ID, accessors: [USER_ID, ORG_ID], defaultsUntouched: true })
})

test('the accessors on API-key routes: an org key with no member has an org but no user; a personal key has no org', async (t) => {
  const { server, app } = await setup(t)
  app.get('/org-of-key', { onRequest: app.auth.requireApiKey }, async (request) => ({ orgId: app.auth.org(request).orgId }))
  app.get('/user-of-key', { onRequest: app.auth.requireApiKey }, async (request) => ({ userId: app.auth.user(request).userId }))
  server.reply({ status: 200, body: { metadata: {}, org: ORG } }, { status: 200, body: { metadata: {}, user: USER } })
  t.same((await app.inject({ url: '/org-of-key', headers: bearer(API_KEY) })).json(), { orgId: ORG_ID })
  const personal = await app.inject({ url: '/org-of-key', headers: bearer('b'.repeat(64)) })
  t.equal(personal.statusCode, 403)
  t.equal(personal.json().code, 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  // Both keys are cached now: the org key's user is null.
  const orgKeyUser = await app.inject({ url: '/user-of-key', headers: bearer(API_KEY) })
  t.equal(orgKeyUser.statusCode, 401)
  t.equal(orgKeyUser.json().code, 'FST_PROPELAUTH_MISSING_TOKEN')
  t.equal(orgKeyUser.headers['www-authenticate'], 'Bearer')
})

test('an org key with no member: request.user null, request.org the org with no role or permission', async (t) => {
  const { server, app } = await setup(t)
  server.reply({ status: 200, body: { metadata: {}, org: ORG } })
  const body = (await app.inject({ url: '/key', headers: bearer(API_KEY) })).json()
  t.equal(body.user, null)
  t.match(body.org, { orgId: ORG_ID, orgName: 'Acme Inc', urlSafeOrgName: 'acme-inc', orgMetadata: { tier: 'gold' }, userAssignedRole: '', userPermissions: [] })
  t.equal(body.isAdmin, false)
})

test('answers are cached by key: a valid key is asked about once, a refused one once per invalidTtl', async (t) => {
  const { server, app, validations } = await setup(t)
  server.reply({ status: 200, body: { user: USER } })
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/key', headers: bearer(API_KEY) })).statusCode, 200)
  t.equal(validations(), 1, 'a valid key is asked about once')

  server.reply({ status: 400, body: { api_key_token: ['Invalid API key'] } })
  for (let i = 0; i < 20; i++) {
    const refused = await app.inject({ url: '/key', headers: bearer('f'.repeat(64)) })
    t.equal(refused.statusCode, 401)
    t.equal(refused.json().code, 'FST_PROPELAUTH_INVALID_API_KEY')
    t.equal(refused.headers['www-authenticate'], 'Bearer error="invalid_token", error_description="The API key is invalid"')
  }
  t.equal(validations(), 2, 'the same bad key sent 20 times costs one call: the refusal is remembered')
})

test('apiKeyCache.invalidTtl: 0 asks about a refused key every time', async (t) => {
  const { server, app, validations } = await setup(t, { apiKeyCache: { invalidTtl: 0 } })
  const invalid = { status: 400, body: { api_key_token: ['Invalid API key'] } }
  server.reply(invalid, invalid, invalid)
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/key', headers: bearer('f'.repeat(64)) })).statusCode, 401)
  t.equal(validations(), 3)
})

test('only PropelAuth\'s refusals are remembered: a key that could not be checked is asked about again', async (t) => {
  const { server, app, validations } = await setup(t)
  server.reply({ status: 500, body: 'oops' }, { status: 429, body: { wait_seconds: 1, user_facing_error: 'slow down', error_code: 'rate_limited' } }, { status: 200, body: { user: USER } })
  t.equal((await app.inject({ url: '/key', headers: bearer(API_KEY) })).statusCode, 502)
  t.equal((await app.inject({ url: '/key', headers: bearer(API_KEY) })).statusCode, 429)
  t.equal((await app.inject({ url: '/key', headers: bearer(API_KEY) })).statusCode, 200)
  t.equal(validations(), 3)
})

test('concurrent requests with one key share one validation, valid or not', async (t) => {
  const { server, app, validations } = await setup(t)
  server.reply({ status: 200, body: { user: USER } }, { status: 400, body: { api_key_token: ['Invalid API key'] } })
  const responses = await Promise.all(Array.from({ length: 5 }, () => app.inject({ url: '/key', headers: bearer(API_KEY) })))
  t.same(responses.map((response) => response.statusCode), [200, 200, 200, 200, 200])
  t.equal(validations(), 1)
  const refused = await Promise.all(Array.from({ length: 20 }, () => app.inject({ url: '/key', headers: bearer('e'.repeat(64)) })))
  t.same(new Set(refused.map((response) => response.statusCode)), new Set([401]))
  t.equal(validations(), 2, '20 requests with one bad key at once: one call')
})

test('apiKeyCache: false asks PropelAuth on every request, valid key or not', async (t) => {
  const { server, app, validations } = await setup(t, { apiKeyCache: false })
  const invalid = { status: 400, body: { api_key_token: ['Invalid API key'] } }
  server.reply({ status: 200, body: { user: USER } }, { status: 200, body: { user: USER } }, invalid, invalid)
  await app.inject({ url: '/key', headers: bearer(API_KEY) })
  await app.inject({ url: '/key', headers: bearer(API_KEY) })
  await app.inject({ url: '/key', headers: bearer('f'.repeat(64)) })
  await app.inject({ url: '/key', headers: bearer('f'.repeat(64)) })
  t.equal(validations(), 4)
})

test('deleteApiKey and updateApiKey through app.auth drop cached validations', async (t) => {
  const { server, app, validations } = await setup(t)
  server.reply({ status: 200, body: { user: USER } })
  await app.inject({ url: '/key', headers: bearer(API_KEY) })
  server.reply({ status: 200, body: {} })
  t.equal(await app.auth.deleteApiKey('0123456789abcdef0123456789abcdef'), true)
  server.reply({ status: 400, body: { api_key_token: ['Archived'] } })
  t.equal((await app.inject({ url: '/key', headers: bearer(API_KEY) })).statusCode, 401, 'the archived key is refused at once')
  t.equal(validations(), 2)
})

const refusals: Array<{ name: string, headers: Record<string, string>, reply?: ScriptedReply, status: number, code: string, challenge?: string, retryAfter?: string }> = [
  { name: 'no Authorization header', headers: {}, status: 401, code: 'FST_PROPELAUTH_MISSING_CREDENTIALS', challenge: 'Bearer' },
  { name: 'another scheme', headers: { authorization: `Basic ${API_KEY}` }, status: 401, code: 'FST_PROPELAUTH_MISSING_CREDENTIALS', challenge: 'Bearer' },
  { name: 'Bearer and nothing', headers: { authorization: 'Bearer ' }, status: 401, code: 'FST_PROPELAUTH_INVALID_API_KEY' },
  { name: 'two values', headers: { authorization: `Bearer ${API_KEY} ${API_KEY}` }, status: 401, code: 'FST_PROPELAUTH_INVALID_API_KEY' },
  { name: 'an absurdly long key', headers: bearer('k'.repeat(5000)), status: 401, code: 'FST_PROPELAUTH_INVALID_API_KEY' },
  { name: 'a key PropelAuth refuses (400)', headers: bearer(API_KEY), reply: { status: 400, body: { api_key_token: ['Invalid API key'] } }, status: 401, code: 'FST_PROPELAUTH_INVALID_API_KEY', challenge: 'Bearer error="invalid_token", error_description="The API key is invalid"' },
  { name: 'a key PropelAuth does not know (404)', headers: bearer(API_KEY), reply: { status: 404 }, status: 401, code: 'FST_PROPELAUTH_INVALID_API_KEY' },
  { name: 'a rate-limited key (429)', headers: bearer(API_KEY), reply: { status: 429, body: { wait_seconds: 6.5, user_facing_error: 'Too many attempts', error_code: 'rate_limited' } }, status: 429, code: 'FST_PROPELAUTH_API_KEY_RATE_LIMITED', retryAfter: '7' },
  { name: 'PropelAuth failing (500)', headers: bearer(API_KEY), reply: { status: 500, body: 'oops' }, status: 502, code: 'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE' },
  { name: 'our integration key refused (401)', headers: bearer(API_KEY), reply: { status: 401 }, status: 502, code: 'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE' }
]

test('requireApiKey refuses with Fastify\'s error body, the right status and code, and never echoes the key', async (t) => {
  const { server, app, logs } = await setup(t)
  for (const [index, refusal] of refusals.entries()) {
    if (refusal.reply !== undefined) server.reply(refusal.reply)
    const before = server.requests.length
    // A key of its own per row: a refusal is remembered for its key.
    const headers = refusal.headers.authorization === bearer(API_KEY).authorization ? bearer(`${API_KEY}${index}`) : refusal.headers
    const response = await app.inject({ url: '/key', headers })
    t.equal(response.statusCode, refusal.status, `${refusal.name}: status`)
    t.equal(response.json().code, refusal.code, `${refusal.name}: code`)
    t.same(Object.keys(response.json()).sort(), ['code', 'error', 'message', 'statusCode'], `${refusal.name}: Fastify's error body`)
    if (refusal.challenge !== undefined) t.equal(response.headers['www-authenticate'], refusal.challenge, `${refusal.name}: challenge`)
    if (refusal.retryAfter !== undefined) t.equal(response.headers['retry-after'], refusal.retryAfter, `${refusal.name}: Retry-After`)
    t.equal(server.requests.length - before, refusal.reply === undefined ? 0 : 1, `${refusal.name}: PropelAuth asked only when there is a key to ask about`)
    t.notOk(response.body.includes(API_KEY), `${refusal.name}: the key is not in the answer`)
  }
  t.notOk(logs.join('').includes(API_KEY), 'no key is in a log line')
  t.notOk(logs.join('').includes('integration-key'), 'nor is the integration key')
})

test('requireApiKey answers 502 when PropelAuth is unreachable', async (t) => {
  const { server, app } = await setup(t)
  await server.close()
  const response = await app.inject({ url: '/key', headers: bearer(API_KEY) })
  t.equal(response.statusCode, 502)
  t.equal(response.json().code, 'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE')
})

test('requireUserOrApiKey verifies access tokens locally and sends only API keys to PropelAuth', async (t) => {
  const { server, app, testAuth, validations } = await setup(t)
  const token = await testAuth.mintAccessToken({ userId: USER_ID })
  const byToken = await app.inject({ url: '/either', headers: bearer(token) })
  t.same(byToken.json(), { userId: USER_ID, viaKey: false })

  const expired = await testAuth.mintAccessToken({ userId: USER_ID, expiresIn: -60 })
  const refused = await app.inject({ url: '/either', headers: bearer(expired) })
  t.equal(refused.statusCode, 401)
  t.equal(refused.json().code, 'FST_PROPELAUTH_TOKEN_EXPIRED')
  t.equal(validations(), 0, 'no JWT is sent to PropelAuth')

  server.reply({ status: 200, body: { user: USER } })
  const byKey = await app.inject({ url: '/either', headers: bearer(API_KEY) })
  t.same(byKey.json(), { userId: USER_ID, viaKey: true })
  t.equal(validations(), 1)

  const anonymous = await app.inject({ url: '/either' })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.json().code, 'FST_PROPELAUTH_MISSING_CREDENTIALS')
  t.match(anonymous.json().message, /access token or API key/)
})

test('ApiKeyCache keeps entries ttl seconds (never past notAfter) and at most max of them, least recently used out first', async (t) => {
  const cache = new ApiKeyCache<string>(2, 30)
  cache.set('a', 'A', 0)
  cache.set('b', 'B', 0)
  t.equal(cache.get('a', 1000), 'A', 'a is now the most recently used')
  cache.set('c', 'C', 1000)
  t.equal(cache.get('b', 1000), undefined, 'b, least recently used, made room')
  t.equal(cache.get('a', 29_999), 'A')
  t.equal(cache.get('a', 30_000), undefined, 'gone after ttl')
  cache.set('d', 'D', 0, 5000)
  t.equal(cache.get('d', 4999), 'D')
  t.equal(cache.get('d', 5000), undefined, 'gone at notAfter, before the ttl')
  cache.set('e', 'E', 10_000, 10_000)
  t.equal(cache.get('e', 10_000), undefined, 'a notAfter already past: not kept at all')
  const off = new ApiKeyCache<string>(10, 0)
  off.set('a', 'A', 0)
  t.equal(off.get('a', 0), undefined, 'a ttl of 0 keeps nothing')
  t.not(ApiKeyCache.keyOf(API_KEY), API_KEY, 'keys are digests')
  t.notOk(ApiKeyCache.keyOf(API_KEY).includes(API_KEY))
})

test('apiKeyCache is checked at registration', async (t) => {
  const testAuth = await sharedTestAuth
  for (const apiKeyCache of [{ ttl: 0 }, { ttl: 3600 }, { max: 0 }, { maxx: 1 }, { invalidTtl: -1 }, { invalidTtl: 3600 }, 'yes']) {
    const app = Fastify()
    app.register(propelAuth, { ...testAuth.pluginOptions, apiKeyCache: apiKeyCache as never })
    await t.rejects(async () => { await app.ready() }, { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /apiKeyCache/ }, JSON.stringify(apiKeyCache))
    await app.close()
  }
})

test('against the stand-in: a key made with app.auth.createApiKey opens the route until it is archived', async (t) => {
  const standIn = await startStandIn()
  const app = Fastify()
  await app.register(propelAuth, { ...standIn.pluginOptions, retries: 0 })
  app.get('/me', { onRequest: app.auth.requireApiKey }, async (request) => ({ email: request.user?.email ?? null }))
  t.teardown(async () => {
    await app.close()
    await standIn.close()
  })
  const { users } = await app.auth.fetchUsersByQuery({ pageSize: 1 })
  const { apiKeyId, apiKeyToken } = await app.auth.createApiKey({ userId: users[0].userId })
  const allowed = await app.inject({ url: '/me', headers: bearer(apiKeyToken) })
  t.equal(allowed.statusCode, 200)
  t.same(allowed.json(), { email: users[0].email })
  t.equal(await app.auth.deleteApiKey(apiKeyId), true)
  const refused = await app.inject({ url: '/me', headers: bearer(apiKeyToken) })
  t.equal(refused.statusCode, 401)
  t.equal(refused.json().code, 'FST_PROPELAUTH_INVALID_API_KEY')
})
