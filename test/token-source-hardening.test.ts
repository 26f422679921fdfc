// What an attack on the token sources found, each held shut with the real
// plugins: @fastify/websocket and `ws` for upgrades, @fastify/cookie for
// cookies, @fastify/auth for compositions, and Chromium for a page of another
// origin opening a WebSocket with the user's cookie.
import { request as httpRequest } from 'node:http'
import { test, type Test } from 'tap'
import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyInstance } from 'fastify'
import WebSocket from 'ws'
import propelAuth, { EXPIRED_CLOSE_CODE, type PropelAuthDecorator } from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { chromiumSkip, openBrowserPage } from './helpers/browser.js'
import { authOf, fastifyAuth } from './helpers/fastify-auth.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'

interface Answer { status: number, body?: unknown, socket?: WebSocket }

/** Opens a WebSocket; resolves with its first message, or with the HTTP answer that refused the upgrade. */
async function open (url: string, options: { protocols?: string[], headers?: Record<string, string> } = {}): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers })
    socket.once('message', (data) => resolve({ status: 101, body: JSON.parse(String(data)), socket }))
    socket.once('unexpected-response', (_request, response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => { text += chunk.toString() })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }))
    })
    socket.once('error', reject)
  })
}

async function serve (t: Test, build: (app: FastifyInstance) => void | Promise<void>): Promise<{ app: FastifyInstance, http: string, ws: string }> {
  const app = Fastify()
  await app.register(cookie)
  await app.register(websocket)
  await app.register(propelAuth, testAuth.pluginOptions)
  await build(app)
  t.teardown(() => app.close())
  const http = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, http, ws: http.replace('http:', 'ws:') }
}

/** A GET over a real socket with the headers given (fetch refuses an Upgrade header); resolves with the status. */
async function plainGet (url: string, headers: Record<string, string>): Promise<number> {
  return await new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { ...headers, connection: 'close' } }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.once('error', reject)
    request.end()
  })
}

const hello = (socket: WebSocket, request: { user: { userId: string } | null }): void => { socket.send(JSON.stringify({ user: request.user?.userId ?? null })) }

test('a cookie token on a WebSocket upgrade is taken only from this origin or a trusted one', async (t) => {
  const { ws, http } = await serve(t, (app) => {
    const fromCookie = app.auth.from({ cookie: '__pa_at', trustedOrigins: ['https://app.example.com'] })
    app.get('/ws', { websocket: true, onRequest: fromCookie.requireUser }, hello)
  })
  const token = await testAuth.mintAccessToken({ userId: 'u-cookie' })
  const cookieHeader = `__pa_at=${token}`
  const own = await open(`${ws}/ws`, { headers: { cookie: cookieHeader, origin: http } })
  t.same(own.body, { user: 'u-cookie' }, 'a page of this server opens it')
  own.socket?.terminate()
  const trusted = await open(`${ws}/ws`, { headers: { cookie: cookieHeader, origin: 'https://app.example.com' } })
  t.same(trusted.body, { user: 'u-cookie' }, 'so does a trusted origin')
  trusted.socket?.terminate()
  const noOrigin = await open(`${ws}/ws`, { headers: { cookie: cookieHeader } })
  t.same(noOrigin.body, { user: 'u-cookie' }, 'a handshake without Origin comes from no browser: it passes, as for unsafe methods')
  noOrigin.socket?.terminate()
  for (const origin of ['https://evil.example', 'http://sibling.localhost', 'null']) {
    const other = await open(`${ws}/ws`, { headers: { cookie: cookieHeader, origin, 'sec-fetch-site': 'same-site' } })
    t.equal(other.status, 403, `Origin ${origin}: refused, although the upgrade is a GET`)
    t.match(other.body, { code: 'FST_PROPELAUTH_CROSS_SITE_REQUEST' })
  }
})

test('Chromium: a page of another origin cannot open a WebSocket with the user\'s cookie; the app\'s own page can', { skip: chromiumSkip('a cross-site WebSocket') }, async (t) => {
  const token = await testAuth.mintAccessToken({ userId: 'u-victim' })
  const page = '<!doctype html><script>window.tryOpen = (url) => new Promise((resolve) => { const s = new WebSocket(url); s.onmessage = (e) => resolve(e.data); s.onerror = () => resolve("refused"); s.onclose = () => resolve("refused") })</script>'
  const { app, http } = await serve(t, (app) => {
    const fromCookie = app.auth.from({ cookie: '__pa_at' })
    app.get('/ws', { websocket: true, onRequest: fromCookie.requireUser }, hello)
    app.get('/page', async (_request, reply) => await reply.type('text/html').send(page))
  })
  const port = new URL(http).port
  // app.test is the app; sibling.app.test is another origin of the same site, which a browser sends the cookie to as well.
  const browser = await openBrowserPage(t, ['--host-resolver-rules=MAP app.test 127.0.0.1, MAP sibling.app.test 127.0.0.1'])
  await browser.context().addCookies([{ name: '__pa_at', value: token, domain: '.app.test', path: '/', httpOnly: true, sameSite: 'Lax' }])
  await browser.goto(`http://sibling.app.test:${port}/page`)
  t.equal(await browser.evaluate(async (url) => await (globalThis as unknown as { tryOpen: (url: string) => Promise<string> }).tryOpen(url), `ws://app.test:${port}/ws`), 'refused', 'the sibling origin\'s page gets no connection')
  await browser.goto(`http://app.test:${port}/page`)
  t.same(JSON.parse(await browser.evaluate(async (url) => await (globalThis as unknown as { tryOpen: (url: string) => Promise<string> }).tryOpen(url), `ws://app.test:${port}/ws`)), { user: 'u-victim' }, 'the app\'s own page opens it')
  t.equal(app.websocketServer.clients.size, 1, 'one connection, the app\'s own')
})

test('a function source that reads a cookie says so, and gets the cross-site rule', async (t) => {
  const { app } = await serve(t, (app) => {
    const signed = app.auth.from({ from: (request) => request.cookies.session, trustedOrigins: ['https://app.example.com'] })
    const bare = app.auth.from((request) => request.cookies.session)
    app.post('/signed', { onRequest: signed.requireUser }, async (request) => ({ user: request.user?.userId }))
    app.post('/bare', { onRequest: bare.requireUser }, async (request) => ({ user: request.user?.userId }))
  })
  const token = await testAuth.mintAccessToken({ userId: 'u-fn' })
  const crossSite = { cookie: `session=${token}`, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
  const refused = await app.inject({ method: 'POST', url: '/signed', headers: crossSite })
  t.equal(refused.statusCode, 403, 'a cross-site POST through { from, crossSite } is refused')
  t.equal(refused.json().code, 'FST_PROPELAUTH_CROSS_SITE_REQUEST')
  t.equal((await app.inject({ method: 'POST', url: '/signed', headers: { ...crossSite, origin: 'https://app.example.com' } })).statusCode, 200, 'a trusted origin passes')
  t.equal((await app.inject({ method: 'POST', url: '/signed', headers: { cookie: `session=${token}`, 'sec-fetch-site': 'same-origin' } })).statusCode, 200, 'the app\'s own request passes')
  t.equal((await app.inject({ method: 'POST', url: '/bare', headers: crossSite })).statusCode, 200, 'a bare function declares nothing: no check, as documented')
  t.throws(() => app.auth.from({ from: 'session' } as never), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /`from\(tokenFrom\)\.from` must be a function of the request/ })
  t.throws(() => app.auth.from({ from: () => undefined, crossSites: 'allow' } as never), { message: /unknown option `from\(tokenFrom\)\.crossSites`/ })
})

test('query and subprotocol tokens are read on real WebSocket upgrades only', async (t) => {
  const token = await testAuth.mintAccessToken({ userId: 'u-q' })
  const { app, ws, http } = await serve(t, (app) => {
    const sources = app.auth.from([{ query: 'access_token' }, { subprotocol: 'access_token' }])
    app.get('/ws', { websocket: true, onRequest: sources.requireUser }, hello)
    app.get('/data', { onRequest: sources.requireUser }, async (request) => ({ user: request.user?.userId }))
  })
  const headersOnly = await plainGet(`${http}/data?access_token=${token}`, { upgrade: 'websocket' })
  t.equal(headersOnly, 401, 'Upgrade: websocket without Connection: upgrade is a plain GET: the query token is not read')
  const protocolOnly = await plainGet(`${http}/data`, { upgrade: 'websocket', 'sec-websocket-protocol': `access_token, ${token}` })
  t.equal(protocolOnly, 401, 'nor is the subprotocol token')
  t.equal((await app.inject({ url: `/data?access_token=${token}`, headers: { upgrade: 'websocket', connection: 'upgrade' } })).statusCode, 401, 'headers that claim an upgrade, on a request served as HTTP: not read either')
  const real = await open(`${ws}/ws?access_token=${token}`)
  t.same(real.body, { user: 'u-q' }, 'a real upgrade reads the query token')
  real.socket?.terminate()
  const twice = await open(`${ws}/ws?access_token=a&access_token=b`)
  t.equal(twice.status, 401, 'a query parameter sent twice on a real upgrade is refused')
  t.match(twice.body, { code: 'FST_PROPELAUTH_INVALID_TOKEN' })

  const plain = Fastify()
  await plain.register(propelAuth, testAuth.pluginOptions)
  plain.get('/data', { onRequest: plain.auth.from({ query: 'access_token' }).requireUser }, async () => 'reached')
  t.teardown(() => plain.close())
  t.equal((await plain.inject({ url: `/data?access_token=${token}`, headers: { upgrade: 'websocket', connection: 'upgrade' } })).statusCode, 401, 'without @fastify/websocket nothing is upgraded: a query token never authenticates')
})

test('a connection admitted by two guards closes when the first of their tokens expires', async (t) => {
  const short = await testAuth.mintAccessToken({ userId: 'u-two', expiresIn: 2 })
  const long = await testAuth.mintAccessToken({ userId: 'u-two', expiresIn: 3600 })
  const { ws } = await serve(t, async (app) => {
    await app.register(async (scope) => {
      app.auth.protect(scope, app.auth.requireUser)
      scope.get('/ws', { websocket: true, onRequest: app.auth.from({ subprotocol: 'access_token' }).requireUser }, hello)
    })
  })
  const answer = await open(`${ws}/ws`, { protocols: ['access_token', long], headers: { authorization: `Bearer ${short}` } })
  t.same(answer.body, { user: 'u-two' })
  const started = Date.now()
  const code = await new Promise<number>((resolve) => answer.socket?.once('close', (closeCode) => resolve(closeCode)))
  t.equal(code, EXPIRED_CLOSE_CODE, 'closed for expiry')
  t.ok(Date.now() - started < 10_000, 'at the header token\'s expiry, not the subprotocol token\'s hour')
})

test('an org guard that refuses sets nothing: the next strategy and the handler see no user', async (t) => {
  const app = Fastify()
  await app.register(fastifyAuth)
  await app.register(propelAuth, { ...testAuth.pluginOptions, decorator: 'propelAuth' })
  const propel = app.getDecorator<PropelAuthDecorator>('propelAuth')
  const seenByFallback: Array<string | null> = []
  const fallback = (request: { user: { userId: string } | null }, _reply: unknown, done: (error?: Error) => void): void => {
    seenByFallback.push(request.user?.userId ?? null)
    done()
  }
  app.get('/org/:orgId/admin', { onRequest: authOf(app)([propel.requireOrgMemberWithMinimumRole('Admin'), fallback]) }, async (request) => ({
    user: request.user?.userId ?? null,
    org: request.org?.orgId ?? null,
    accessor: (() => { try { return propel.user(request).userId } catch (error) { return (error as { code: string }).code } })()
  }))
  t.teardown(() => app.close())
  const memberToken = await testAuth.authorizationHeader({ userId: 'u-member', orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Member' }] })
  const response = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: memberToken } })
  t.equal(response.statusCode, 200, 'the fallback strategy admitted the request')
  t.same(response.json(), { user: null, org: null, accessor: 'FST_PROPELAUTH_MISSING_TOKEN' }, 'the refused Member is not on the request')
  t.same(seenByFallback, [null], 'nor does the next strategy see them')
})
