import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import SwaggerParser from '@apidevtools/swagger-parser'
import propelAuth from '../index.js'
import { CookieJar, startFakeSsrAuthUrl, type FakeSsrAuthUrl } from './helpers/fake-ssr-auth-url.js'

// Server-run sign-in without a browser, against a scripted auth URL: the routes'
// answers, the cookies, the refresh on the server (once for many requests), its
// failures, the guards for pages and every bad input. test/sessions-browser.test.ts
// runs the same cycle in Chromium against the stand-in.

const USER = {
  userId: '4fb0d7e6-7c1a-4a5e-9f8e-2d1c3b4a5f60',
  email: 'ada@example.com',
  orgs: [{ orgId: '11111111-2222-4333-8444-555555555555', orgName: 'Acme', role: 'Admin' }]
}
const APP = 'http://localhost:3000'

async function buildApp (fake: FakeSsrAuthUrl, sessions: Record<string, unknown> = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, {
    ...fake.testAuth.pluginOptions,
    apiKey: fake.apiKey,
    sessions: { redirectUri: `${APP}/api/auth/callback`, ...sessions }
  })
  const session = app.auth.from('session')
  app.get('/me', { onRequest: session.requireUser }, async (request) => ({ userId: request.user?.userId, activeOrgId: request.user?.activeOrgId ?? null }))
  app.get('/page', { onRequest: app.auth.pages.requireUser }, async (request) => `hello ${request.user?.email ?? ''}`)
  app.post('/write', { onRequest: session.requireUser }, async () => ({ ok: true }))
  app.get('/public', async () => 'public')
  await app.ready()
  return app
}

async function setup (t: Test, sessions?: Record<string, unknown>): Promise<{ fake: FakeSsrAuthUrl, app: FastifyInstance, jar: CookieJar, get: (url: string, headers?: Record<string, string>) => Promise<LightMyRequestResponse> }> {
  const fake = await startFakeSsrAuthUrl(structuredClone(USER))
  t.teardown(fake.close)
  const app = await buildApp(fake, sessions)
  t.teardown(() => app.close())
  const jar = new CookieJar()
  const get = async (url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => {
    const response = await app.inject({ method: 'GET', url, headers: { cookie: jar.header(), ...headers } })
    jar.take(response.headers['set-cookie'])
    return response
  }
  return { fake, app, jar, get }
}

/** Signs in through login, the fake's authorize, and the callback; returns the callback's answer. */
async function signIn (fake: FakeSsrAuthUrl, get: (url: string) => Promise<LightMyRequestResponse>, returnTo?: string): Promise<LightMyRequestResponse> {
  const login = await get(`/api/auth/login${returnTo === undefined ? '' : `?return_to_path=${encodeURIComponent(returnTo)}`}`)
  const authorize = await fetch(String(login.headers.location), { redirect: 'manual' })
  const back = new URL(String(authorize.headers.get('location')))
  return await get(back.pathname + back.search)
}

/** Puts an expired access token of the same user in the jar, as a browser holds one after half an hour. */
async function expireAccessToken (fake: FakeSsrAuthUrl, jar: CookieJar): Promise<void> {
  jar.cookies.set('__pa_at', await fake.testAuth.mintAccessToken({ userId: fake.user.userId, email: fake.user.email, orgs: fake.user.orgs, expiresIn: -60 }))
}

test('the whole cycle: login, callback, a guarded route, userinfo, logout', async (t) => {
  const { fake, jar, get, app } = await setup(t)
  const login = await get('/api/auth/login?return_to_path=%2Fdashboard%3Ftab%3D1&login_hint=ada%40example.com')
  t.equal(login.statusCode, 302)
  const location = new URL(String(login.headers.location))
  t.equal(location.origin + location.pathname, `${fake.url}/propelauth/ssr/authorize`)
  t.equal(location.searchParams.get('redirect_uri'), `${APP}/api/auth/callback`)
  t.equal(location.searchParams.get('signup'), 'false')
  t.equal(location.searchParams.get('login_hint'), 'ada@example.com', 'other query parameters pass through')
  t.match(location.searchParams.get('state'), /^[0-9a-f]{64}$/)
  t.equal(jar.cookies.get('__pa_state'), location.searchParams.get('state'))
  t.match(jar.attributes.get('__pa_state'), /HttpOnly/)
  t.match(jar.attributes.get('__pa_state'), /SameSite=Lax/)
  t.notMatch(jar.attributes.get('__pa_state'), /Secure/, 'no Secure on plain-http loopback')

  const authorize = await fetch(location, { redirect: 'manual' })
  const back = new URL(String(authorize.headers.get('location')))
  const callback = await get(back.pathname + back.search)
  t.equal(callback.statusCode, 302)
  t.equal(callback.headers.location, '/dashboard?tab=1', 'back to the return path')
  t.ok(jar.cookies.has('__pa_at') && jar.cookies.has('__pa_rt'))
  t.notOk(jar.cookies.has('__pa_state'), 'the state is spent')
  for (const name of ['__pa_at', '__pa_rt']) {
    t.match(jar.attributes.get(name), /HttpOnly/, `${name} is HttpOnly`)
    t.match(jar.attributes.get(name), /SameSite=Lax/)
    t.match(jar.attributes.get(name), /Path=\//)
  }

  const me = await get('/me')
  t.equal(me.statusCode, 200)
  t.equal(me.json().userId, USER.userId)

  const userinfo = await get('/api/auth/userinfo')
  t.equal(userinfo.statusCode, 200)
  t.same(userinfo.json(), { userinfo: { user_id: USER.userId, email: USER.email, email_confirmed: true }, impersonatorUserId: null, activeOrgId: null })
  t.notOk('accessToken' in userinfo.json(), 'no raw token for scripts unless asked')

  const refreshToken = jar.cookies.get('__pa_rt') ?? ''
  const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: jar.header(), 'sec-fetch-site': 'same-origin' } })
  jar.take(logout.headers['set-cookie'])
  t.equal(logout.statusCode, 200)
  t.notOk(fake.liveRefreshTokens.has(refreshToken), 'the refresh token was revoked with PropelAuth')
  t.notOk(jar.cookies.has('__pa_at') || jar.cookies.has('__pa_rt'), 'the cookies are cleared')
  t.equal((await get('/me')).statusCode, 401)
})

test('a missing, different or replayed state never makes a session', async (t) => {
  const { fake, jar, get } = await setup(t)
  const login = await get('/api/auth/login')
  const authorize = await fetch(String(login.headers.location), { redirect: 'manual' })
  const back = new URL(String(authorize.headers.get('location')))
  const code = back.searchParams.get('code') ?? ''

  const other = await get(`/api/auth/callback?code=${code}&state=${'0'.repeat(64)}`, { accept: 'text/html' })
  t.equal(other.statusCode, 400)
  t.match(other.headers['content-type'], /text\/html/)
  t.match(other.body, /Sign in again/)
  t.notOk(jar.cookies.has('__pa_at') || jar.cookies.has('__pa_rt'))
  // The state was spent by the failed attempt: the right one no longer works either.
  const replay = await get(back.pathname + back.search)
  t.equal(replay.statusCode, 400)
  t.equal(replay.json().code, 'FST_PROPELAUTH_SIGN_IN_STATE_MISMATCH')
  t.notOk(jar.cookies.has('__pa_rt'))
  t.ok(fake.codes.has(code), 'the code was never sent to PropelAuth')
})

test('a missing, unknown or replayed code gets a 400 and no session', async (t) => {
  const { get, jar, fake } = await setup(t)
  for (const query of ['', 'code=&', 'code=not-a-code&']) {
    await get('/api/auth/login')
    const state = jar.cookies.get('__pa_state') ?? ''
    const answer = await get(`/api/auth/callback?${query}state=${state}`)
    t.equal(answer.statusCode, 400, `callback?${query}`)
    t.equal(answer.json().code, 'FST_PROPELAUTH_SIGN_IN_CODE_REFUSED')
    t.notOk(jar.cookies.has('__pa_rt'))
  }
  t.equal(fake.liveRefreshTokens.size, 0)
})

test('the return path is only ever a path of this site', async (t) => {
  const { get, fake } = await setup(t)
  for (const path of ['//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example', '/%5Cevil.example', '/a\tb', '/a%0d%0aSet-Cookie:x=1', ' /a', 'evil.example', '/%E0%A4%A']) {
    const answer = await get(`/api/auth/login?return_to_path=${encodeURIComponent(path)}`)
    t.equal(answer.statusCode, 400, `${JSON.stringify(path)} is refused`)
    t.equal(answer.json().code, 'FST_PROPELAUTH_INVALID_RETURN_PATH')
  }
  const signedIn = await signIn(fake, get, '/orgs/acme?x=1#top')
  t.equal(signedIn.headers.location, '/orgs/acme?x=1#top')
})

test('an expired access token is refreshed on the server, once for 20 parallel requests', async (t) => {
  const { fake, jar, app, get } = await setup(t)
  await signIn(fake, get)
  await expireAccessToken(fake, jar)
  const oldRefresh = jar.cookies.get('__pa_rt')
  const cookie = jar.header()
  const answers = await Promise.all(Array.from({ length: 20 }, async () => await app.inject({ method: 'GET', url: '/me', headers: { cookie } })))
  t.same(answers.map((answer) => answer.statusCode), Array(20).fill(200), 'every request is served')
  t.equal(fake.refreshCalls, 1, 'one refresh for all of them')
  for (const answer of answers) jar.take(answer.headers['set-cookie'])
  t.not(jar.cookies.get('__pa_rt'), oldRefresh, 'the reply carries the rotated refresh token')
  // A request that still carries the old cookie, a moment later, is not signed out.
  const late = await app.inject({ method: 'GET', url: '/me', headers: { cookie } })
  t.equal(late.statusCode, 200)
  t.equal(fake.refreshCalls, 1)
  t.equal((await get('/me')).statusCode, 200)
  t.equal(fake.refreshCalls, 1, 'the new access token is valid: no refresh')
})

test('a refresh PropelAuth refuses ends the session; one it does not answer keeps it and answers 503', async (t) => {
  const { fake, jar, get } = await setup(t)
  await signIn(fake, get)
  await expireAccessToken(fake, jar)
  const cookies = new Map(jar.cookies)

  fake.refreshMode = '503'
  const unavailable = await get('/me')
  t.equal(unavailable.statusCode, 503)
  t.equal(unavailable.json().code, 'FST_PROPELAUTH_SESSION_UNAVAILABLE')
  t.same(jar.cookies, cookies, 'the session is kept')
  fake.refreshMode = 'drop'
  t.equal((await get('/me')).statusCode, 503, 'a dropped connection too')
  t.equal((await get('/public')).statusCode, 503, 'a public route cannot tell who the user is either')

  fake.refreshMode = 'ok'
  fake.liveRefreshTokens.clear()
  const refused = await get('/me')
  t.equal(refused.statusCode, 401, 'signed out: the guard refuses')
  t.notOk(jar.cookies.has('__pa_at') || jar.cookies.has('__pa_rt'), 'the cookies are cleared')
  t.equal((await get('/public')).statusCode, 200)
})

test('forged, truncated and stale cookies: 401, never a 500, nothing refreshed wrongly', async (t) => {
  const { fake, jar, get } = await setup(t)
  await signIn(fake, get)
  const at = jar.cookies.get('__pa_at') ?? ''
  for (const value of [at.slice(0, 40), `${at}x`, 'not-a-token', at.split('.').slice(0, 2).join('.')]) {
    const answer = await get('/me', { cookie: `__pa_at=${value}` })
    t.equal(answer.statusCode, 401, 'without a refresh token the forged token is judged by the guard')
  }
  const forgedRefresh = await get('/me', { cookie: '__pa_rt=forged' })
  t.equal(forgedRefresh.statusCode, 401)
  t.equal((await get('/api/auth/userinfo', { cookie: '' })).statusCode, 401)
})

test('pages send browsers to sign in, htmx gets HX-Redirect, programs get the 401', async (t) => {
  const { get, fake, app } = await setup(t)
  const head = await app.inject({ method: 'HEAD', url: '/page', headers: { accept: 'text/html' } })
  t.equal(head.statusCode, 302, 'HEAD too')
  const browser = await get('/page?x=1', { accept: 'text/html,application/xhtml+xml' })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/api/auth/login?return_to_path=%2Fpage%3Fx%3D1')
  const htmx = await get('/page', { 'hx-request': 'true', 'hx-current-url': 'http://localhost:3000/board?tab=2', host: 'localhost:3000' })
  t.equal(htmx.statusCode, 401)
  t.equal(htmx.headers['hx-redirect'], '/api/auth/login?return_to_path=%2Fboard%3Ftab%3D2')
  const program = await get('/page', { accept: 'application/json' })
  t.equal(program.statusCode, 401)
  t.match(program.headers['www-authenticate'], /^Bearer/)
  await signIn(fake, get)
  t.equal((await get('/page', { accept: 'text/html' })).body, `hello ${USER.email}`)
})

test('set-active-org scopes the session to an org of the user\'s; another org is refused and the session survives', async (t) => {
  const { fake, jar, app, get } = await setup(t)
  await signIn(fake, get)
  const post = async (url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => {
    const answer = await app.inject({ method: 'POST', url, headers: { cookie: jar.header(), 'sec-fetch-site': 'same-origin', ...headers } })
    jar.take(answer.headers['set-cookie'])
    return answer
  }
  const orgId = USER.orgs[0].orgId
  const chosen = await post(`/api/auth/set-active-org?active_org_id=${orgId}`)
  t.equal(chosen.statusCode, 200)
  t.equal(jar.cookies.get('__pa_org_id'), orgId)
  t.equal((await get('/me')).json().activeOrgId, orgId, 'the token is scoped to the org')

  const before = new Map(jar.cookies)
  const other = await post('/api/auth/set-active-org?active_org_id=99999999-2222-4333-8444-555555555555')
  t.equal(other.statusCode, 401)
  t.same(jar.cookies, before, 'the session is untouched')
  t.equal((await post('/api/auth/set-active-org')).statusCode, 401)
  t.equal((await post(`/api/auth/set-active-org?active_org_id=${orgId}`, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).statusCode, 403, 'not from another site')

  // A new sign-in keeps the org while the user is a member.
  await signIn(fake, get)
  t.equal((await get('/me')).json().activeOrgId, orgId)
})

test('a default active org is picked by the app\'s function', async (t) => {
  const { fake, get } = await setup(t, { defaultActiveOrg: (user: { getOrgs: () => Array<{ orgId: string }> }) => user.getOrgs()[0]?.orgId })
  await signIn(fake, get)
  t.equal((await get('/me')).json().activeOrgId, USER.orgs[0].orgId)
})

test('logout is refused from another site, and GET logout clears a dead session', async (t) => {
  const { fake, jar, app, get } = await setup(t)
  await signIn(fake, get)
  const crossSite = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: jar.header(), 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } })
  t.equal(crossSite.statusCode, 403)
  t.equal(fake.liveRefreshTokens.size, 1, 'nothing was revoked')
  const crossSiteWrite = await app.inject({ method: 'POST', url: '/write', headers: { cookie: jar.header(), 'sec-fetch-site': 'cross-site' } })
  t.equal(crossSiteWrite.statusCode, 403, 'session routes get the cross-site rule of cookie tokens')

  const alive = await get('/api/auth/logout')
  t.equal(alive.statusCode, 302)
  t.ok(jar.cookies.has('__pa_rt'), 'a session that still refreshes is kept')
  fake.liveRefreshTokens.clear()
  await get('/api/auth/logout')
  t.notOk(jar.cookies.has('__pa_rt'), 'a dead one is cleared')
})

test('an access token too large for one cookie is split over several and read back', async (t) => {
  const many = Array.from({ length: 60 }, (_, i) => ({ orgId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, orgName: `Org number ${i} with a long name`, role: 'Member' }))
  const fake = await startFakeSsrAuthUrl({ ...structuredClone(USER), orgs: many })
  t.teardown(fake.close)
  const app = await buildApp(fake)
  t.teardown(() => app.close())
  const jar = new CookieJar()
  const get = async (url: string): Promise<LightMyRequestResponse> => {
    const response = await app.inject({ method: 'GET', url, headers: { cookie: jar.header() } })
    jar.take(response.headers['set-cookie'])
    return response
  }
  await signIn(fake, get)
  t.notOk(jar.cookies.has('__pa_at'))
  t.ok(jar.cookies.has('__pa_at_0') && jar.cookies.has('__pa_at_1'), 'split over __pa_at_0, __pa_at_1, …')
  for (const [name, value] of jar.cookies) if (name.startsWith('__pa_at_')) t.ok(value.length <= 3800, `${name} fits in a cookie`)
  t.equal((await get('/me')).statusCode, 200)
})

test('wrong session options fail at registration with the option named', async (t) => {
  const fake = await startFakeSsrAuthUrl(structuredClone(USER))
  t.teardown(fake.close)
  const cases: Array<[unknown, RegExp]> = [
    [{}, /sessions\.redirectUri/],
    [{ redirectUri: 'not a url' }, /sessions\.redirectUri/],
    [{ redirectUri: `${APP}/auth/callback` }, /must end in the callback route, \/api\/auth\/callback/],
    [{ redirectUri: 'http://app.example.com/api/auth/callback' }, /sessions\.redirectUri.*https/],
    [{ redirectUri: `${APP}/auth/callback`, prefix: 'auth' }, /sessions\.prefix/],
    [{ redirectUri: `${APP}/api/auth/callback`, exposeAccessToken: 'yes' }, /sessions\.exposeAccessToken/],
    [{ redirectUri: `${APP}/api/auth/callback`, defaultActiveOrg: 'acme' }, /sessions\.defaultActiveOrg/],
    [{ redirectUri: `${APP}/api/auth/callback`, cookieName: 'x' }, /unknown option `sessions\.cookieName`/],
    [{ redirectUri: `${APP}/api/auth/callback`, homePath: 'home' }, /sessions\.homePath/],
    [{ redirectUri: `${APP}/callback`, prefix: '/' }, /sessions\.prefix` must not be "\/"/],
    ['yes', /option `sessions` must be an object/]
  ]
  for (const [sessions, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => await app.register(propelAuth, { ...fake.testAuth.pluginOptions, apiKey: fake.apiKey, sessions: sessions as never }).ready(), { code: 'FST_PROPELAUTH_INVALID_OPTION', message }, JSON.stringify(sessions))
    await app.close()
  }
  const noKey = Fastify()
  await t.rejects(async () => await noKey.register(propelAuth, { ...fake.testAuth.pluginOptions, sessions: { redirectUri: `${APP}/api/auth/callback` } }).ready(), { message: /sessions` needs `apiKey`/ })
  await noKey.close()
  const noSessions = Fastify()
  await t.rejects(async () => await noSessions.register(propelAuth, { ...fake.testAuth.pluginOptions, tokenFrom: 'session' }).ready(), { message: /needs the option `sessions`/ })
  await noSessions.close()
  const plain = Fastify()
  await plain.register(propelAuth, fake.testAuth.pluginOptions)
  t.throws(() => plain.auth.pages, { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /option `sessions`/ })
  t.throws(() => plain.auth.from('session'), { message: /option `sessions`/ })
  await plain.close()
})

test('OpenAPI: session routes are documented with the cookie scheme, the auth routes are hidden', async (t) => {
  const { default: swagger } = await import('@fastify/swagger')
  const fake = await startFakeSsrAuthUrl(structuredClone(USER))
  t.teardown(fake.close)
  for (const version of ['openapi', 'swagger'] as const) {
    const app = Fastify()
    await app.register(swagger, version === 'openapi' ? { openapi: { info: { title: 't', version: '1' } } } : { swagger: { info: { title: 't', version: '1' } } })
    await app.register(propelAuth, { ...fake.testAuth.pluginOptions, apiKey: fake.apiKey, sessions: { redirectUri: `${APP}/api/auth/callback` } })
    app.get('/page', { onRequest: app.auth.pages.requireUser }, async () => 'page')
    app.get('/bearer', { onRequest: app.auth.requireUser }, async () => 'bearer')
    app.post('/write', { onRequest: app.auth.from('session').requireUser }, async () => 'written')
    await app.ready()
    const doc = app.swagger() as Record<string, any>
    await t.resolves(SwaggerParser.validate(structuredClone(doc) as any), `${version}: a valid document`)
    t.same(doc.paths['/page'].get.security, [{ propelauthSession: [] }], `${version}: the page names the session scheme`)
    t.notOk(doc.paths['/page'].get.responses['403'], `${version}: a GET is never refused as cross-site`)
    const write = doc.paths['/write'].post
    t.same(write.security, [{ propelauthSession: [] }])
    t.match(write.responses['403'].description, 'FST_PROPELAUTH_CROSS_SITE_REQUEST', `${version}: an unsafe method on the session can be refused as cross-site`)
    const missing = await app.inject({ method: 'POST', url: '/write' })
    t.equal(missing.json().message, 'Missing access token: send the session cookies of server-run sign-in (sign in first)', `${version}: the 401 says to sign in`)
    const example = version === 'openapi' ? write.responses['401'].content['application/json'].example : write.responses['401'].examples['application/json']
    t.same(missing.json(), example, `${version}: as documented`)
    t.same(doc.paths['/bearer'].get.security, [{ propelauth: [] }], `${version}: a bearer route keeps the bearer scheme`)
    const schemes = version === 'openapi' ? doc.components.securitySchemes : doc.securityDefinitions
    t.match(schemes.propelauthSession, version === 'openapi' ? { type: 'apiKey', in: 'cookie', name: '__pa_at' } : { type: 'apiKey', in: 'header', name: 'Cookie' })
    t.match(doc.paths['/page'].get.description, /session cookies of server-run sign-in/)
    t.notOk(Object.keys(doc.paths).some((path) => path.startsWith('/api/auth')), `${version}: the auth routes are not in the document`)
    await app.close()
  }
})

test('the callback when PropelAuth fails: 503 while it cannot be reached, 400 when it refuses, never a session', async (t) => {
  const { fake, jar, get } = await setup(t)
  const cases: Array<[FakeSsrAuthUrl['tokenMode'], number, string]> = [
    [503, 503, 'FST_PROPELAUTH_SESSION_UNAVAILABLE'],
    ['drop', 503, 'FST_PROPELAUTH_SESSION_UNAVAILABLE'],
    [401, 400, 'FST_PROPELAUTH_SIGN_IN_CODE_REFUSED'],
    ['unverifiable', 400, 'FST_PROPELAUTH_SIGN_IN_CODE_REFUSED'],
    ['no-tokens', 503, 'FST_PROPELAUTH_SESSION_UNAVAILABLE']
  ]
  for (const [mode, status, code] of cases) {
    fake.tokenMode = mode
    const answer = await signIn(fake, get)
    t.equal(answer.statusCode, status, `token endpoint ${mode}: ${status}`)
    t.equal(answer.json().code, code)
    t.notOk(jar.cookies.has('__pa_rt'))
  }
})

test('userinfo and logout when PropelAuth fails', async (t) => {
  const { fake, jar, app, get } = await setup(t, { exposeAccessToken: true })
  await signIn(fake, get)
  t.equal((await get('/api/auth/userinfo')).json().accessToken, jar.cookies.get('__pa_at'), 'exposeAccessToken hands it out')
  for (const [mode, status] of [[503, 503], ['drop', 503], ['not-json', 503], [401, 401]] as const) {
    fake.userinfoMode = mode
    t.equal((await get('/api/auth/userinfo')).statusCode, status, `userinfo ${mode}: ${status}`)
  }
  fake.userinfoMode = 'ok'
  t.ok(jar.cookies.has('__pa_rt'), 'a failed userinfo leaves the session')
  await expireAccessToken(fake, jar)
  t.equal((await get('/api/auth/userinfo')).statusCode, 200, 'userinfo refreshes an expired session')
  fake.logoutMode = 'drop'
  const dropped = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: jar.header() } })
  t.equal(dropped.statusCode, 200, 'no answer from PropelAuth: the cookies go all the same')
  fake.logoutMode = 500
  const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: jar.header() } })
  jar.take(logout.headers['set-cookie'])
  t.equal(logout.statusCode, 200, 'the cookies go even when PropelAuth does not confirm')
  t.notOk(jar.cookies.has('__pa_rt'))
  const none = await app.inject({ method: 'POST', url: '/api/auth/logout' })
  t.equal(none.statusCode, 200, 'logging out with no session is no error')
})

test('set-active-org and GET logout while PropelAuth cannot be reached: 503, the session kept', async (t) => {
  const { fake, jar, app, get } = await setup(t)
  await signIn(fake, get)
  const before = new Map(jar.cookies)
  fake.refreshMode = '503'
  const org = await app.inject({ method: 'POST', url: `/api/auth/set-active-org?active_org_id=${USER.orgs[0].orgId}`, headers: { cookie: jar.header() } })
  t.equal(org.statusCode, 503)
  t.equal((await get('/api/auth/logout')).statusCode, 503)
  t.same(jar.cookies, before)
  const noSession = await app.inject({ method: 'POST', url: `/api/auth/set-active-org?active_org_id=${USER.orgs[0].orgId}` })
  t.equal(noSession.statusCode, 401)
  t.equal(noSession.json().code, 'FST_PROPELAUTH_NO_SESSION')
  const landing = await app.inject({ method: 'GET', url: '/api/auth/logout' })
  t.equal(landing.statusCode, 302, 'the landing page without a session')
})

test('a user who left the active org stays signed in, without it; a refresh with a bad token signs out', async (t) => {
  const { fake, jar, app, get } = await setup(t)
  await signIn(fake, get)
  const orgId = USER.orgs[0].orgId
  const chosen = await app.inject({ method: 'POST', url: `/api/auth/set-active-org?active_org_id=${orgId}`, headers: { cookie: jar.header() } })
  jar.take(chosen.headers['set-cookie'])
  fake.user.orgs = []
  await expireAccessToken(fake, jar)
  const me = await get('/me')
  t.equal(me.statusCode, 200)
  t.equal(me.json().activeOrgId, null)
  t.notOk(jar.cookies.has('__pa_org_id'), 'the org cookie goes')

  await expireAccessToken(fake, jar)
  fake.tokenMode = 'ok'
  fake.accessTokenLifetime = -60
  t.equal((await get('/me')).statusCode, 401, 'a refreshed token that does not verify ends the session')
  t.notOk(jar.cookies.has('__pa_rt'))
})

test('pages: non-GET requests, htmx without a usable current URL, and a path that is no return path', async (t) => {
  const { app } = await setup(t)
  app.log.level = 'silent'
  const post = await app.inject({ method: 'POST', url: '/page', headers: { accept: 'text/html' } })
  t.equal(post.statusCode, 404, 'no POST route: nothing to redirect')
  for (const headers of [{ 'hx-request': 'true' }, { 'hx-request': 'true', 'hx-current-url': 'https://evil.example/x' }, { 'hx-request': 'true', 'hx-current-url': 'not a url' }]) {
    const answer = await app.inject({ method: 'GET', url: '/page', headers })
    t.equal(answer.headers['hx-redirect'], '/api/auth/login', `${JSON.stringify(headers)}: to sign in, with no return path`)
  }
  const unsafe = await app.inject({ method: 'GET', url: '//evil.example/page', headers: { accept: 'text/html' } })
  t.not(unsafe.headers.location, '/api/auth/login?return_to_path=%2F%2Fevil.example%2Fpage')
})

test('a session split over several cookies becomes one cookie again when its token shrinks', async (t) => {
  const { fake, jar, get } = await setup(t)
  await signIn(fake, get)
  const token = await fake.testAuth.mintAccessToken({ userId: fake.user.userId, orgs: fake.user.orgs, expiresIn: -60 })
  jar.cookies.delete('__pa_at')
  jar.cookies.set('__pa_at_0', token.slice(0, 100))
  jar.cookies.set('__pa_at_1', token.slice(100))
  t.equal((await get('/me')).statusCode, 200)
  t.ok(jar.cookies.has('__pa_at'))
  t.notOk(jar.cookies.has('__pa_at_0') || jar.cookies.has('__pa_at_1'), 'the chunks are cleared')
})

test('plain HTML forms: sign-out and org switch answer 303 to a page; from another site, 403', async (t) => {
  const { fake, jar, app, get } = await setup(t)
  await signIn(fake, get)
  const form = (url: string, site: string): Promise<LightMyRequestResponse> => app.inject({
    method: 'POST',
    url,
    headers: { cookie: jar.header(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': site },
    payload: 'submit=1'
  })
  const foreign = await form('/api/auth/logout', 'cross-site')
  t.equal(foreign.statusCode, 403, 'another site\'s form is refused by the cross-site rule, not by the body parser')
  t.equal(foreign.json().code, 'FST_PROPELAUTH_CROSS_SITE_REQUEST')

  const orgId = USER.orgs[0].orgId
  const switched = await form(`/api/auth/set-active-org?active_org_id=${orgId}&return_to_path=%2Fsettings`, 'same-origin')
  jar.take(switched.headers['set-cookie'])
  t.equal(switched.statusCode, 303)
  t.equal(switched.headers.location, '/settings')
  t.equal(jar.cookies.get('__pa_org_id'), orgId)

  const out = await form('/api/auth/logout', 'same-origin')
  jar.take(out.headers['set-cookie'])
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/')
  t.notOk(jar.cookies.has('__pa_rt'))
  const big = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(20_000) })
  t.equal(big.statusCode, 413, 'the auth routes take small bodies only')
})

test('with deny by default and tokenFrom: \'session\', the auth routes stay reachable and requireUser reads the session', async (t) => {
  const fake = await startFakeSsrAuthUrl(structuredClone(USER))
  t.teardown(fake.close)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, {
    ...fake.testAuth.pluginOptions,
    apiKey: fake.apiKey,
    tokenFrom: 'session',
    denyByDefault: true,
    sessions: { redirectUri: `${APP}/api/auth/callback` }
  })
  app.get('/me', async (request) => ({ userId: request.user?.userId }))
  await app.ready()
  const jar = new CookieJar()
  const get = async (url: string): Promise<LightMyRequestResponse> => {
    const response = await app.inject({ method: 'GET', url, headers: { cookie: jar.header() } })
    jar.take(response.headers['set-cookie'])
    return response
  }
  t.equal((await get('/me')).statusCode, 401, 'guarded by default')
  t.equal((await signIn(fake, get)).statusCode, 302, 'login and callback are public')
  const me = await get('/me')
  t.equal(me.statusCode, 200)
  t.equal(me.json().userId, USER.userId, 'the default guard reads the session')
  t.equal((await get('/api/auth/userinfo')).statusCode, 200)
})

test('a WebSocket upgrade carrying the session is taken only from this origin', async (t) => {
  const { default: websocket } = await import('@fastify/websocket')
  const { default: WebSocket } = await import('ws')
  const fake = await startFakeSsrAuthUrl(structuredClone(USER))
  t.teardown(fake.close)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(websocket)
  await app.register(propelAuth, { ...fake.testAuth.pluginOptions, apiKey: fake.apiKey, sessions: { redirectUri: `${APP}/api/auth/callback` } })
  app.get('/ws', { websocket: true, onRequest: app.auth.from('session').requireUser }, (socket, request) => { socket.send(JSON.stringify({ user: request.user?.userId })) })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const jar = new CookieJar()
  await signIn(fake, async (url) => {
    const response = await app.inject({ method: 'GET', url, headers: { cookie: jar.header() } })
    jar.take(response.headers['set-cookie'])
    return response
  })
  const open = async (origin: string): Promise<{ status: number, body: unknown }> => await new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base.replace('http:', 'ws:')}/ws`, { headers: { cookie: jar.header(), origin } })
    socket.once('message', (data) => { socket.close(); resolve({ status: 101, body: JSON.parse(String(data)) }) })
    socket.once('unexpected-response', (_request, response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => { text += chunk.toString() })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }))
    })
    socket.once('error', reject)
  })
  t.same(await open(base), { status: 101, body: { user: USER.userId } }, 'the app\'s own pages may')
  const foreign = await open('https://evil.example')
  t.equal(foreign.status, 403, 'another origin may not: cross-site WebSocket hijacking')
  t.match(foreign.body, { code: 'FST_PROPELAUTH_CROSS_SITE_REQUEST' })
})
