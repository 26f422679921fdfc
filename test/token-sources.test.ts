// Tokens from elsewhere than the Authorization header: a cookie read by the real
// @fastify/cookie (with the cross-site refusal of unsafe methods), a function
// of the request, several sources in order, and guards with their own source
// (`app.auth.from`). Whatever the source, the refusals keep their status, code
// and challenge, and a bad value is a 401, never a 500.
import { test } from 'tap'
import cookie from '@fastify/cookie'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { errors, type FastifyPropelAuthOptions, type TokenFrom } from '../index.js'
import { createTestAuth, createTestKeyPair } from '../lib/testing/index.js'
import { readyError } from './helpers/ready-error.js'

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const keyPair = await createTestKeyPair()
const testAuth = await createTestAuth({ keyPair })
const otherKey = await createTestAuth({ keyPair: await createTestKeyPair() })
const token = await testAuth.mintAccessToken({ userId: 'u-cookie', orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Member' }] })

const INVALID = 'Bearer error="invalid_token", error_description="The access token is invalid"'
const EXPIRED = 'Bearer error="invalid_token", error_description="The access token expired"'
const HEADER_MESSAGE = 'Missing access token: send "Authorization: Bearer <access token>"'

type Options = Partial<FastifyPropelAuthOptions>

async function appWith (t: { teardown: (fn: () => unknown) => void }, options: Options, routes: (app: FastifyInstance) => void, withCookie = true): Promise<FastifyInstance> {
  const app = Fastify()
  if (withCookie) await app.register(cookie)
  await app.register(propelAuth, { ...testAuth.pluginOptions, ...options })
  routes(app)
  t.teardown(() => app.close())
  await app.ready()
  return app
}

const whoami = async (request: { user: { userId: string } | null }): Promise<unknown> => ({ user: request.user?.userId ?? null })

test('tokenFrom { cookie }: the token of the __pa_at cookie is verified like a header token', async (t) => {
  const app = await appWith(t, { tokenFrom: { cookie: '__pa_at' } }, (app) => {
    app.get('/me', { onRequest: app.auth.requireUser }, whoami)
    app.get('/org/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, whoami)
  })
  const ok = await app.inject({ url: '/me', cookies: { __pa_at: token } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { user: 'u-cookie' })

  const header = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })
  t.equal(header.statusCode, 401, 'the header is not read when the source is the cookie alone')
  t.equal(header.json().code, 'FST_PROPELAUTH_MISSING_TOKEN')

  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['no cookie', {}, 'FST_PROPELAUTH_MISSING_TOKEN', 'Bearer'],
    ['another cookie only', { theme: 'dark' }, 'FST_PROPELAUTH_MISSING_TOKEN', 'Bearer'],
    ['garbage', { __pa_at: 'not-a-token' }, 'FST_PROPELAUTH_INVALID_TOKEN', INVALID],
    ['a JWT-shaped string of junk', { __pa_at: 'a.b.c' }, 'FST_PROPELAUTH_INVALID_TOKEN', INVALID],
    ['a token of another key', { __pa_at: await otherKey.mintAccessToken() }, 'FST_PROPELAUTH_INVALID_TOKEN', INVALID],
    ['an expired token', { __pa_at: await testAuth.mintAccessToken({ expiresIn: -60 }) }, 'FST_PROPELAUTH_TOKEN_EXPIRED', EXPIRED],
    ['a huge value', { __pa_at: 'x'.repeat(70_000) }, 'FST_PROPELAUTH_INVALID_TOKEN', INVALID],
    ['"Bearer " and a token, as a header would have it', { __pa_at: `Bearer ${token}` }, 'FST_PROPELAUTH_INVALID_TOKEN', INVALID]
  ]
  for (const [name, cookies, code, challenge] of cases) {
    const response = await app.inject({ url: '/me', cookies })
    t.equal(response.statusCode, 401, `${name}: 401`)
    t.equal(response.json().code, code, `${name}: ${code}`)
    t.equal(response.headers['www-authenticate'], challenge, `${name}: challenge`)
  }

  const admin = await app.inject({ url: `/org/${ORG}`, cookies: { __pa_at: token } })
  t.equal(admin.statusCode, 403, 'the org guards read the cookie too')
  t.equal(admin.json().code, 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
})

test('a cookie token over real HTTP, with the cookie header a browser sends', async (t) => {
  const app = await appWith(t, { tokenFrom: { cookie: '__pa_at' } }, (app) => {
    app.get('/me', { onRequest: app.auth.requireUser }, whoami)
  })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const ok = await fetch(`${base}/me`, { headers: { cookie: `theme=dark; __pa_at=${token}` } })
  t.equal(ok.status, 200)
  t.same(await ok.json(), { user: 'u-cookie' })
  const bad = await fetch(`${base}/me`, { headers: { cookie: '__pa_at=%E0%A4%A' } })
  t.equal(bad.status, 401, 'a cookie that does not even decode is a 401')
  t.equal(((await bad.json()) as { code: string }).code, 'FST_PROPELAUTH_INVALID_TOKEN')
})

test('cookie tokens on unsafe methods from another site are refused (CSRF), unless trusted or turned off', async (t) => {
  const app = await appWith(t, { tokenFrom: ['authorization', { cookie: '__pa_at' }] }, (app) => {
    app.post('/transfer', { onRequest: app.auth.requireUser }, whoami)
    app.get('/balance', { onRequest: app.auth.requireUser }, whoami)
    const trusting = app.auth.from({ cookie: '__pa_at', trustedOrigins: ['https://app.example.com'] })
    app.post('/trusting', { onRequest: trusting.requireUser }, whoami)
    const own = app.auth.from({ cookie: '__pa_at', crossSite: 'allow' })
    app.delete('/own-defence', { onRequest: own.requireUser }, whoami)
  })
  const post = async (url: string, headers: Record<string, string>, method: 'POST' | 'DELETE' | 'GET' = 'POST'): Promise<{ status: number, code?: string, challenge?: unknown }> => {
    const response = await app.inject({ method, url, headers: { host: 'api.example.com', ...headers }, cookies: { __pa_at: token } })
    return { status: response.statusCode, code: response.statusCode === 200 ? undefined : response.json().code, challenge: response.headers['www-authenticate'] }
  }
  const refused = { status: 403, code: 'FST_PROPELAUTH_CROSS_SITE_REQUEST', challenge: undefined }
  t.same(await post('/transfer', { 'sec-fetch-site': 'cross-site' }), refused, 'Sec-Fetch-Site: cross-site')
  t.same(await post('/transfer', { 'sec-fetch-site': 'same-site', origin: 'https://www.example.com' }), refused, 'same site, another origin')
  t.same(await post('/transfer', { origin: 'https://evil.example' }), refused, 'an Origin that is not the server (no Sec-Fetch-Site: an older browser)')
  t.same(await post('/transfer', { origin: 'null' }), refused, 'Origin: null (a sandboxed page)')

  t.equal((await post('/transfer', { 'sec-fetch-site': 'same-origin', origin: 'https://api.example.com' })).status, 200, 'same origin')
  t.equal((await post('/transfer', { origin: 'https://api.example.com' })).status, 200, 'an Origin naming the server')
  t.equal((await post('/transfer', { 'sec-fetch-site': 'none' })).status, 200, 'typed in by the user')
  t.equal((await post('/transfer', {})).status, 200, 'no browser headers at all: not a browser, so no CSRF')
  t.equal((await post('/balance', { 'sec-fetch-site': 'cross-site' }, 'GET')).status, 200, 'safe methods pass: they must not change anything')
  const header = await app.inject({ method: 'POST', url: '/transfer', headers: { 'sec-fetch-site': 'cross-site', authorization: `Bearer ${token}` } })
  t.equal(header.statusCode, 200, 'a token in the Authorization header was not sent by the browser on its own: no CSRF')

  t.equal((await post('/trusting', { 'sec-fetch-site': 'same-site', origin: 'https://app.example.com' })).status, 200, 'a trusted origin')
  t.same(await post('/trusting', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }), refused, 'trusting one origin trusts no other')
  t.equal((await post('/own-defence', { 'sec-fetch-site': 'cross-site' }, 'DELETE')).status, 200, "crossSite: 'allow' turns the check off")

  const badToken = await app.inject({ method: 'POST', url: '/transfer', headers: { 'sec-fetch-site': 'cross-site' }, cookies: { __pa_at: 'junk' } })
  t.equal(badToken.statusCode, 403, 'a cross-site request is refused before its token is even looked at')
})

test('several sources: the first one that carries a token is used, and a malformed header does not fall through', async (t) => {
  const app = await appWith(t, { tokenFrom: ['authorization', { cookie: '__pa_at' }] }, (app) => {
    app.get('/me', { onRequest: app.auth.requireUser }, whoami)
  })
  const other = await testAuth.mintAccessToken({ userId: 'u-header' })
  const both = await app.inject({ url: '/me', headers: { authorization: `Bearer ${other}` }, cookies: { __pa_at: token } })
  t.same(both.json(), { user: 'u-header' }, 'the header comes first')
  const basic = await app.inject({ url: '/me', headers: { authorization: 'Basic dXNlcjpwYXNz' }, cookies: { __pa_at: token } })
  t.same(basic.json(), { user: 'u-cookie' }, 'another scheme is no bearer token: the cookie is read')
  const malformed = await app.inject({ url: '/me', headers: { authorization: 'Bearer' }, cookies: { __pa_at: token } })
  t.equal(malformed.statusCode, 401)
  t.equal(malformed.json().code, 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER', 'a malformed Bearer header is refused as such')
  const none = await app.inject({ url: '/me' })
  t.equal(none.json().code, 'FST_PROPELAUTH_MISSING_TOKEN')
  t.equal(none.headers['www-authenticate'], 'Bearer')
})

test('app.auth.from(…): guards with a source of their own beside the default ones', async (t) => {
  const app = await appWith(t, {}, (app) => {
    const fromCookie = app.auth.from({ cookie: '__pa_at' })
    const fromHeader = app.auth.from((request) => {
      const value = request.headers['x-access-token']
      return typeof value === 'string' ? value : undefined
    })
    app.get('/default', { onRequest: app.auth.requireUser }, whoami)
    app.get('/cookie', { onRequest: fromCookie.requireUser }, whoami)
    app.get('/cookie-optional', { onRequest: fromCookie.optionalUser }, whoami)
    app.get('/custom', { onRequest: fromHeader.requireUser }, whoami)
    app.get('/custom/:orgId', { onRequest: fromHeader.requireOrgMember() }, async (request) => ({ org: request.org?.orgName }))
  })
  t.equal((await app.inject({ url: '/default', cookies: { __pa_at: token } })).statusCode, 401, 'the default guards still read the header only')
  t.equal((await app.inject({ url: '/default', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
  t.equal((await app.inject({ url: '/cookie', cookies: { __pa_at: token } })).statusCode, 200)
  t.same((await app.inject({ url: '/cookie-optional' })).json(), { user: null })
  t.same((await app.inject({ url: '/cookie-optional', cookies: { __pa_at: 'junk' } })).json(), { user: null }, 'optionalUser: a bad cookie is anonymous')
  t.same((await app.inject({ url: '/custom', headers: { 'x-access-token': token } })).json(), { user: 'u-cookie' })
  t.same((await app.inject({ url: `/custom/${ORG}`, headers: { 'x-access-token': token } })).json(), { org: 'Acme' })
  const missing = await app.inject({ url: '/custom' })
  t.equal(missing.statusCode, 401)
  t.equal(missing.json().code, 'FST_PROPELAUTH_MISSING_TOKEN')
})

test('a function source that returns something other than a string is a 401, not a 500', async (t) => {
  const app = await appWith(t, {}, (app) => {
    const odd = app.auth.from((request) => request.headers['x-odd'] as unknown as string | undefined)
    app.get('/odd', { onRequest: odd.requireUser }, whoami)
  })
  const twice = await app.inject({ url: '/odd', headers: { 'x-odd': ['a', 'b'] } })
  t.equal(twice.statusCode, 401)
  t.equal(twice.json().code, 'FST_PROPELAUTH_INVALID_TOKEN')
})

test('@fastify/cookie registered after the plugin: the cookie is still read', async (t) => {
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, tokenFrom: { cookie: '__pa_at' }, denyByDefault: true })
  await app.register(cookie)
  app.get('/me', whoami)
  t.teardown(() => app.close())
  const ok = await app.inject({ url: '/me', cookies: { __pa_at: token } })
  t.equal(ok.statusCode, 200, 'the default guard ran before @fastify/cookie\'s hook, and parsed the cookie with its parser')
  t.same(ok.json(), { user: 'u-cookie' })
})

test('wrong token sources fail at registration, naming the option', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a string that is no source', 'header', /option `tokenFrom` must be 'authorization', 'session', \{ cookie \}, \{ query \}, \{ subprotocol \}, a function of the request or \{ from: function, crossSite \} \(got "header"\)/],
    ['an empty list', [], /option `tokenFrom` must name at least one source/],
    ['a cookie name with a space', { cookie: 'pa at' }, /option `tokenFrom\.cookie` must be a cookie name/],
    ['a typo in a member', { cookie: '__pa_at', crossSites: 'allow' }, /unknown option `tokenFrom\.crossSites`; tokenFrom takes cookie, crossSite, trustedOrigins/],
    ['crossSite: false', { cookie: '__pa_at', crossSite: false }, /option `tokenFrom\.crossSite` must be 'refuse' \(the default\) or 'allow'/],
    ['a trusted origin with a path', { cookie: '__pa_at', trustedOrigins: ['https://app.example.com/'] }, /option `tokenFrom\.trustedOrigins` must hold origins exactly as browsers send them/],
    ['a subprotocol with a comma', { subprotocol: 'a,b' }, /option `tokenFrom\.subprotocol` must be a WebSocket subprotocol name/],
    ['the second source wrong', ['authorization', { query: '' }], /option `tokenFrom\[1\]\.query` must be a query parameter name/],
    ['an object of no known shape', { header: 'x-token' }, /option `tokenFrom` must be .* \(got an object with `header`\)/]
  ]
  for (const [name, tokenFrom, message] of cases) {
    t.match(await readyError({ ...testAuth.pluginOptions, tokenFrom }), { code: 'FST_PROPELAUTH_INVALID_OPTION', message }, name)
  }

  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, testAuth.pluginOptions)
  t.throws(() => app.auth.from({ cookie: '' }), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /`from\(tokenFrom\)\.cookie` must be a cookie name/ }, 'app.auth.from checks its argument at once')
})

test('a cookie source without @fastify/cookie fails when the route is declared, saying what to register', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, { ...testAuth.pluginOptions, tokenFrom: { cookie: '__pa_at' } })
  t.throws(() => app.get('/me', { onRequest: app.auth.requireUser }, whoami), {
    code: 'FST_PROPELAUTH_INVALID_OPTION',
    message: /GET \/me takes the access token from a cookie, but @fastify\/cookie is not registered/
  })
})

test('guards with another source put the user where the app renamed request.user', async (t) => {
  const app = await appWith(t, { requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' } }, (app) => {
    const fromCookie = app.auth.from({ cookie: '__pa_at' })
    app.get('/me', { onRequest: fromCookie.requireUser }, async (request) => ({
      user: app.auth.user(request).userId,
      renamed: request.getDecorator<{ userId: string } | null>('propelAuthUser')?.userId
    }))
  })
  t.same((await app.inject({ url: '/me', cookies: { __pa_at: token } })).json(), { user: 'u-cookie', renamed: 'u-cookie' })
})

test('the 401 of a missing token names the sources, from the tokenFrom option and from app.auth.from alike', async (t) => {
  const cases: Array<[TokenFrom, string]> = [
    ['authorization', HEADER_MESSAGE],
    [['authorization'], HEADER_MESSAGE],
    [{ cookie: '__pa_at' }, 'Missing access token: send the "__pa_at" cookie'],
    [['authorization', { cookie: '__pa_at' }], 'Missing access token: send "Authorization: Bearer <access token>" or the "__pa_at" cookie'],
    [[{ cookie: 'a' }, { cookie: 'b' }, 'authorization'], 'Missing access token: send the "a" cookie, the "b" cookie or "Authorization: Bearer <access token>"'],
    [{ query: 'access_token' }, 'Missing access token: send the "access_token" query parameter on a WebSocket upgrade'],
    [{ subprotocol: 'access_token' }, 'Missing access token: send "Sec-WebSocket-Protocol: access_token, <access token>" on a WebSocket upgrade'],
    [() => undefined, "Missing access token: send the access token where this app's tokenFrom function reads it"]
  ]
  for (const [tokenFrom, message] of cases) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(cookie)
    await app.register(propelAuth, { ...testAuth.pluginOptions, tokenFrom })
    const caught: unknown[] = []
    app.setErrorHandler(async (error, _request, reply) => {
      caught.push(error)
      return await reply.headers((error as { headers?: Record<string, string> }).headers ?? {}).code(401).send(error)
    })
    app.get('/option', { onRequest: app.auth.requireUser }, async () => 'ok')
    app.get('/org/:orgId', { onRequest: app.auth.requireOrgMember() }, async () => 'ok')
    app.get('/from', { onRequest: app.auth.from(tokenFrom).requireUser }, async () => 'ok')
    await app.ready()
    for (const url of ['/option', `/org/${ORG}`, '/from']) {
      const answer = await app.inject({ url })
      const what = `${JSON.stringify(tokenFrom) ?? 'a function'} ${url}`
      t.equal(answer.json().code, 'FST_PROPELAUTH_MISSING_TOKEN', what)
      t.equal(answer.json().message, message, `${what}: the message`)
      t.equal(answer.headers['www-authenticate'], 'Bearer', `${what}: the challenge`)
    }
    t.ok(caught.every((error) => error instanceof errors.MissingTokenError && error.constructor === errors.MissingTokenError), 'every one is a MissingTokenError, whatever the source')
  }
  t.equal(HEADER_MESSAGE, new errors.MissingTokenError().message, "the header's message is the error's own")
})
