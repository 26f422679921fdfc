// Deny by default: every route is guarded unless it opts out; a route with a
// guard of its own runs that guard alone (one verification); opted-out routes
// are public and documented so; /docs stays reachable when asked; and the list
// of what no guard protects is there at ready, and logged.
import { test, type Test } from 'tap'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { TokenVerifier } from '../lib/token/verifier.js'
import { captureLogs, LEVEL } from './helpers/log-capture.js'
import { readyError } from './helpers/ready-error.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

type Json = Record<string, any>

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const admin = await testAuth.authorizationHeader({ userId: 'u-admin', orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Admin' }] })
const outsider = await testAuth.authorizationHeader({ userId: 'u-out' })

/** Counts the verifications the plugin makes (cache hits included): one per request is the contract. */
function countVerifications (t: Test): () => number {
  const original = Object.getOwnPropertyDescriptor(TokenVerifier.prototype, 'verifyToken') as PropertyDescriptor
  let count = 0
  const verifyToken = original.value as TokenVerifier['verifyToken']
  Object.defineProperty(TokenVerifier.prototype, 'verifyToken', {
    ...original,
    value: function counted (this: TokenVerifier, token: string) {
      count++
      return verifyToken.call(this, token)
    }
  })
  t.teardown(() => { Object.defineProperty(TokenVerifier.prototype, 'verifyToken', original) })
  return () => count
}

const whoami = async (request: { user: { userId: string } | null }): Promise<unknown> => ({ user: request.user?.userId ?? null })

async function build (t: Test, options: Partial<FastifyPropelAuthOptions>, routes: (app: FastifyInstance) => void, logger: ReturnType<typeof captureLogs>['logger'] | false = false): Promise<FastifyInstance> {
  const app = Fastify({ logger })
  await app.register(swagger, { openapi: { info: { title: 'deny by default', version: '1' } } })
  await app.register(propelAuth, { ...testAuth.pluginOptions, ...options })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  routes(app)
  t.teardown(() => app.close())
  await app.ready()
  return app
}

test('denyByDefault: a route declared without a guard is refused; an opted-out one is public and documented so', async (t) => {
  const app = await build(t, { denyByDefault: { publicPaths: ['/docs'] } }, (app) => {
    app.get('/forgot', whoami)
    app.post('/forgot-too', whoami)
    app.get('/health', { config: { propelAuth: { public: true } } }, async () => ({ up: true }))
    app.register(async (scope) => {
      scope.get('/nested/forgot', whoami)
    })
  })
  for (const [method, url] of [['GET', '/forgot'], ['POST', '/forgot-too'], ['HEAD', '/forgot'], ['GET', '/nested/forgot']] as const) {
    const response = await app.inject({ method, url })
    t.equal(response.statusCode, 401, `${method} ${url}: 401`)
    t.equal(response.headers['www-authenticate'], 'Bearer', `${method} ${url}: the challenge of requireUser`)
  }
  t.same((await app.inject({ url: '/forgot', headers: { authorization: admin } })).json(), { user: 'u-admin' }, 'the default guard sets request.user')
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'the opted-out route is public')
  t.equal((await app.inject({ url: '/no-such-route' })).statusCode, 404, 'a 404 stays a 404')

  for (const url of ['/docs', '/docs/json', '/docs/static/index.css']) {
    t.equal((await app.inject({ url })).statusCode, 200, `${url}: publicPaths keeps the docs and their assets reachable`)
  }

  const doc = app.swagger() as Json
  t.same(doc.paths['/health'].get.security, [], 'opted out: documented as needing no credentials')
  t.same(doc.paths['/forgot'].get.security, [{ propelauth: [] }], 'guarded by default: documented as guarded')
  t.ok(doc.paths['/forgot'].get.responses['401'], 'with its 401')
})

test('a route with a guard of its own runs it alone: one verification, never two', async (t) => {
  const verifications = countVerifications(t)
  const app = await build(t, { denyByDefault: true }, (app) => {
    app.get('/org/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, whoami)
    app.get('/default', whoami)
    app.get('/maybe', { onRequest: app.auth.optionalUser }, whoami)
    app.register(async (scope) => {
      app.auth.protect(scope, app.auth.requireOrgMember())
      scope.get('/scoped/:orgId', whoami)
    })
  })
  const cases: Array<[string, string | undefined, number]> = [
    [`/org/${ORG}`, admin, 200],
    [`/org/${ORG}`, outsider, 403],
    ['/default', admin, 200],
    ['/maybe', admin, 200],
    [`/scoped/${ORG}`, admin, 200]
  ]
  for (const [url, authorization, status] of cases) {
    const before = verifications()
    const response = await app.inject({ url, headers: authorization === undefined ? {} : { authorization } })
    t.equal(response.statusCode, status, `${url}: ${status}`)
    t.equal(verifications() - before, 1, `${url}: verified once`)
  }
  const anonymous = await app.inject({ url: '/maybe' })
  t.same(anonymous.json(), { user: null }, 'optionalUser is a guard of its own: it replaces the default, and lets anonymous requests in')
})

test('unprotectedRoutes(): what no guard protects, listed at ready and logged at the level chosen', async (t) => {
  const logs = captureLogs('info')
  const app = await build(t, { denyByDefault: { publicPaths: ['/docs'] }, logLevels: { unprotectedRoutes: 'warn' } }, (app) => {
    app.get('/guarded', whoami)
    app.get('/health', { config: { propelAuth: { public: true } } }, async () => ({ up: true }))
    app.get('/maybe', { onRequest: app.auth.optionalUser }, whoami)
  }, logs.logger)
  const listed = app.auth.unprotectedRoutes()
  const has = (method: string, url: string): unknown => listed.find((route) => route.method === method && route.url === url)
  t.same(has('GET', '/health'), { method: 'GET', url: '/health', reason: 'public' })
  t.same(has('GET', '/maybe'), { method: 'GET', url: '/maybe', reason: 'optional' })
  t.same(has('GET', '/docs/json'), { method: 'GET', url: '/docs/json', reason: 'public' }, 'the docs, left public on purpose')
  t.notOk(has('GET', '/guarded'), 'a guarded route is not listed')

  const line = logs.lines.find((entry) => Array.isArray(entry.unprotectedRoutes))
  t.ok(line, 'logged at ready')
  t.equal(line?.level, LEVEL.warn, 'at the level chosen')
  t.match(line?.msg, /GET \/health \(public\).*GET \/maybe \(optional\)/)
})

test('without denyByDefault nothing changes, and the unguarded routes are listed at debug', async (t) => {
  const logs = captureLogs('debug')
  const app = await build(t, {}, (app) => {
    app.get('/open', whoami)
    app.get('/me', { onRequest: app.auth.requireUser }, whoami)
  }, logs.logger)
  t.same((await app.inject({ url: '/open' })).json(), { user: null }, 'an unguarded route is public, as before')
  t.same(app.auth.unprotectedRoutes().find((route) => route.url === '/open'), { method: 'GET', url: '/open', reason: 'unguarded' })
  t.notOk(app.auth.unprotectedRoutes().some((route) => route.url === '/me'))
  const line = logs.lines.find((entry) => Array.isArray(entry.unprotectedRoutes))
  t.equal(line?.level, LEVEL.debug, 'debug: a default install stays as quiet as before')
})

test('app.auth.denyByDefault(scope, guard): one scope guarded by default, the rest of the app as it was', async (t) => {
  const app = await build(t, {}, (app) => {
    app.get('/outside', whoami)
    app.register(async (admin) => {
      app.auth.denyByDefault(admin, app.auth.requireOrgMemberWithMinimumRole('Admin'))
      admin.get('/admin/:orgId/settings', whoami)
      admin.get('/admin/:orgId/ping', { config: { propelAuth: { public: true } } }, async () => 'pong')
    }, { prefix: '' })
  })
  t.equal((await app.inject({ url: '/outside' })).statusCode, 200, 'outside the scope: public as before')
  t.equal((await app.inject({ url: `/admin/${ORG}/settings` })).statusCode, 401)
  t.equal((await app.inject({ url: `/admin/${ORG}/settings`, headers: { authorization: outsider } })).statusCode, 403)
  t.equal((await app.inject({ url: `/admin/${ORG}/settings`, headers: { authorization: admin } })).statusCode, 200)
  t.equal((await app.inject({ url: `/admin/${ORG}/ping` })).statusCode, 200)
  const doc = app.swagger() as Json
  t.same(Object.keys(doc.paths['/admin/{orgId}/settings'].get.responses).sort(), ['200', '401', '403'], 'documented with the default guard\'s answers')
})

test('denyByDefault with another guard, and wrong options failing at registration', async (t) => {
  // The docs have no :orgId for the org guard: they are left public.
  const app = await build(t, { denyByDefault: { guard: (auth) => auth.requireOrgMember(), publicPaths: ['/docs'] } }, (app) => {
    app.get('/org/:orgId/things', whoami)
  })
  t.equal((await app.inject({ url: `/org/${ORG}/things`, headers: { authorization: outsider } })).statusCode, 403)
  t.equal((await app.inject({ url: `/org/${ORG}/things`, headers: { authorization: admin } })).statusCode, 200)

  const cases: Array<[string, unknown, RegExp]> = [
    ['a string', 'yes', /option `denyByDefault` must be true, or \{ guard/],
    ['a typo', { publicPath: ['/docs'] }, /unknown option `denyByDefault.publicPath`/],
    ['a guard that is no function', { guard: 'requireUser' }, /option `denyByDefault.guard` must be a function of the decorator/],
    ['a guard function returning something else', { guard: () => () => {} }, /option `denyByDefault.guard` must return one of the guards/],
    ['a relative public path', { publicPaths: ['docs'] }, /option `denyByDefault.publicPaths` expects an array of paths starting with "\/"/],
    ['a wrong hook', { hook: 'onSend' }, /option `denyByDefault.hook` expects hook to be one of onRequest, preValidation, preHandler/],
    ['a wrong log level', true, /option `logLevels.unprotectedRoutes` must be one of fatal, error, warn, info, debug, trace, silent/]
  ]
  for (const [name, denyByDefault, message] of cases) {
    const logLevels = name === 'a wrong log level' ? { unprotectedRoutes: 'loud' } : undefined
    t.match(await readyError({ ...testAuth.pluginOptions, denyByDefault, logLevels }), { code: 'FST_PROPELAUTH_INVALID_OPTION', message }, name)
  }
})
