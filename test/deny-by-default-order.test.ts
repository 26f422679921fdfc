// Deny by default whatever the order in which the app declares its routes and
// registers the plugin: routes the plugin's onRoute hook never saw (declared
// before it loaded) are guarded when requested, unless they opt out, and no log
// line claims a protection that does not hold.
import { test, type Test } from 'tap'
import swaggerUi from '@fastify/swagger-ui'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { captureLogs } from './helpers/log-capture.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const member = await testAuth.authorizationHeader({ userId: 'u-member' })

const whoami = async (request: { user: { userId: string } | null }): Promise<unknown> => ({ user: request.user?.userId ?? null })

/** The three orders the plugin may meet, each with a route the onRoute hook cannot see. */
const ORDERS: Array<[name: string, declare: (app: FastifyInstance, plugin: () => void) => Promise<void>]> = [
  ['registered without await, routes declared right after', async (app, plugin) => {
    plugin()
    app.get('/late', whoami)
    app.get('/late/public', { config: { propelAuth: { public: true } } }, whoami)
  }],
  ['a route declared before the plugin', async (app, plugin) => {
    app.get('/late', whoami)
    app.get('/late/public', { config: { propelAuth: { public: true } } }, whoami)
    plugin()
  }],
  ['a child plugin registered before the plugin', async (app, plugin) => {
    await app.register(async (child) => {
      child.get('/late', whoami)
      child.get('/late/public', { config: { propelAuth: { public: true } } }, whoami)
    })
    plugin()
  }]
]

async function build (t: Test, declare: (app: FastifyInstance, plugin: () => void) => Promise<void>, logs: ReturnType<typeof captureLogs>): Promise<FastifyInstance> {
  const app = Fastify({ logger: logs.logger })
  t.teardown(() => app.close())
  await declare(app, () => { app.register(propelAuth, { ...testAuth.pluginOptions, denyByDefault: { publicPaths: ['/open'] }, logLevels: { unprotectedRoutes: 'info' } }) })
  app.register(async (child) => { child.get('/open/health', whoami) })
  await app.ready()
  return app
}

for (const [name, declare] of ORDERS) {
  test(`deny by default holds when ${name}`, async (t) => {
    const logs = captureLogs('info')
    const app = await build(t, declare, logs)
    const anonymous = await app.inject({ url: '/late' })
    t.equal(anonymous.statusCode, 401, 'the route the hook did not see refuses an anonymous request')
    t.equal(anonymous.json().code, 'FST_PROPELAUTH_MISSING_TOKEN')
    t.equal(anonymous.headers['www-authenticate'], 'Bearer', 'with the challenge of the default guard')
    t.same((await app.inject({ url: '/late', headers: { authorization: member } })).json(), { user: 'u-member' }, 'and admits a signed-in user, setting request.user')
    t.same((await app.inject({ url: '/late/public' })).json(), { user: null }, 'config.propelAuth.public still opts out')
    t.same((await app.inject({ url: '/open/health' })).json(), { user: null }, 'publicPaths still opt out')
    t.equal((await app.inject({ url: '/no/such/route' })).statusCode, 404, 'an unknown path is still a 404')

    const line = logs.lines.find((entry) => Array.isArray(entry.unprotectedRoutes))
    t.ok(line, 'the audit is logged at ready')
    t.notMatch(line?.msg, /every route is protected/, 'it does not claim that every route is protected')
    t.match(line?.msg, /routes declared before the plugin loaded are not listed; deny by default guards them when they are requested/, 'it says what it could not see, and what holds for it')
  })
}

test('awaited first, as the docs show: every route is seen, listed, and the line says so', async (t) => {
  const logs = captureLogs('info')
  const app = Fastify({ logger: logs.logger })
  t.teardown(() => app.close())
  await app.register(propelAuth, { ...testAuth.pluginOptions, denyByDefault: true })
  app.get('/me', whoami)
  await app.ready()
  t.equal((await app.inject({ url: '/me' })).statusCode, 401)
  const line = logs.lines.find((entry) => Array.isArray(entry.unprotectedRoutes))
  t.equal(line?.msg, 'fastify-propelauth: every route is protected by a guard')
})

test('without deny by default, routes declared before the plugin are said to be unknown, never protected', async (t) => {
  const logs = captureLogs('debug')
  const app = Fastify({ logger: logs.logger })
  t.teardown(() => app.close())
  app.get('/early', whoami)
  await app.register(propelAuth, { ...testAuth.pluginOptions })
  app.get('/me', { onRequest: app.auth.requireUser }, whoami)
  await app.ready()
  t.same((await app.inject({ url: '/early' })).json(), { user: null }, 'nothing changes for it')
  const line = logs.lines.find((entry) => Array.isArray(entry.unprotectedRoutes))
  t.match(line?.msg, /every route declared after the plugin is protected by a guard; routes declared before the plugin loaded are not listed, and whether they are guarded is not known/)
})

test('the ready line groups routes under one first segment: /docs stays one short entry', async (t) => {
  const logs = captureLogs('info')
  const app = Fastify({ logger: logs.logger })
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: { info: { title: 'grouped', version: '1' } } })
  await app.register(propelAuth, { ...testAuth.pluginOptions, denyByDefault: { publicPaths: ['/docs'] } })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/health', { config: { propelAuth: { public: true } } }, whoami)
  await app.ready()
  const line = logs.lines.find((entry) => Array.isArray(entry.unprotectedRoutes))
  const docsRoutes = app.auth.unprotectedRoutes().filter((route) => route.url.startsWith('/docs')).length
  t.ok(docsRoutes >= 10, `swagger-ui declares many routes (${docsRoutes})`)
  t.equal((line?.unprotectedRoutes as unknown[] | undefined)?.length, docsRoutes + 2, 'the structured field still lists every route (HEAD included)')
  t.match(line?.msg, new RegExp(`/docs/… \\(${docsRoutes} routes, public\\)`), 'the message names them once')
  t.match(line?.msg, /GET \/health \(public\), HEAD \/health \(public\)/, 'small groups stay listed route by route')
  t.ok(String(line?.msg).length < 300, `the line stays short (${String(line?.msg).length} characters)`)
})

test('an org guard reading :orgId on a route without it fails when the route is declared, naming both', async (t) => {
  for (const [what, declare] of [
    ['requireOrgMember()', (app: FastifyInstance) => app.get('/projects', { onRequest: app.auth.requireOrgMember() }, whoami)],
    ['requireOrgMemberWithMinimumRole', (app: FastifyInstance) => app.get('/org/:id/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, whoami)],
    ['a scope protected by an org guard', (app: FastifyInstance) => app.register(async (scope) => {
      app.auth.protect(scope, app.auth.requireOrgMember())
      scope.get('/billing', whoami)
    })]
  ] as const) {
    const app = Fastify()
    await app.register(propelAuth, { ...testAuth.pluginOptions })
    let error: (Error & { code?: string }) | undefined
    try {
      declare(app)
      await app.ready()
    } catch (caught) {
      error = caught as Error & { code?: string }
    }
    await app.close().catch(() => {})
    t.match(error, { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /route parameter `:orgId`, but the route has no such parameter: add `:orgId` to the path, or tell the guard where the org is, e\.g\. requireOrgMember\(\{ orgId:/ }, what)
    t.match(error?.message, /GET \/(projects|org\/:id\/admin|billing) is guarded by an org guard/, `${what}: the message names the route`)
  }
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, { ...testAuth.pluginOptions })
  app.get('/orgs/:orgId/projects', { onRequest: app.auth.requireOrgMember() }, whoami)
  app.get('/projects', { onRequest: app.auth.requireOrgMember({ orgId: (request) => request.headers['x-org-id'] as string | undefined }) }, whoami)
  await app.ready()
  t.pass('with :orgId in the path, or an orgId function, the same guards are accepted')
})
