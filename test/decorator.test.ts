import { test } from 'tap'
import Fastify from 'fastify'
import fastifyJwt from '@fastify/jwt'
import propelAuth, { type PropelAuthDecorator } from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'

const testAuth = await createTestAuth()

type ConflictError = Error & { code?: string }

async function readyError (setup: (app: ReturnType<typeof Fastify>) => void): Promise<ConflictError | undefined> {
  const app = Fastify()
  setup(app)
  try {
    await app.ready()
    return undefined
  } catch (error) {
    return error as ConflictError
  } finally {
    await app.close().catch(() => {})
  }
}

test('app.auth by default; another name with the decorator option', async (t) => {
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, decorator: 'propelAuth' })
  t.teardown(() => app.close())
  t.ok(app.hasDecorator('propelAuth'))
  t.notOk(app.hasDecorator('auth'), 'auth is left free')
  const renamed = (app as unknown as { propelAuth: PropelAuthDecorator }).propelAuth
  app.get('/me', { onRequest: renamed.requireUser }, async (request) => ({ userId: request.user!.userId }))
  const response = await app.inject({ url: '/me', headers: { authorization: await testAuth.authorizationHeader({ userId: 'u-1' }) } })
  t.same(response.json(), { userId: 'u-1' })
})

test('a clear error when `auth` is taken, e.g. by @fastify/auth; the decorator option is the way out', async (t) => {
  // @fastify/auth decorates the instance with a function named `auth`.
  const fastifyAuthLike = (app: ReturnType<typeof Fastify>): void => { app.decorate('auth', function auth () { return () => {} }) }
  const error = await readyError((app) => {
    fastifyAuthLike(app)
    app.register(propelAuth, testAuth.pluginOptions)
  })
  t.equal(error?.code, 'FST_PROPELAUTH_DECORATOR_CONFLICT')
  t.match(error?.message, /the instance decorator `auth` is already taken \(@fastify\/auth also uses `auth`\); pick another name with the `decorator` option, e.g\. decorator: 'propelAuth'/)

  const ok = await readyError((app) => {
    fastifyAuthLike(app)
    app.register(propelAuth, { ...testAuth.pluginOptions, decorator: 'propelAuth' })
  })
  t.equal(ok, undefined, 'both live side by side under different names')

  const custom = await readyError((app) => {
    app.decorate('propelAuth', {})
    app.register(propelAuth, { ...testAuth.pluginOptions, decorator: 'propelAuth' })
  })
  t.match(custom?.message, /the instance decorator `propelAuth` is already taken; pick another name/)
})

test('a clear error when request.user is taken by another plugin (@fastify/jwt)', async (t) => {
  const error = await readyError((app) => {
    app.register(fastifyJwt, { secret: 'a-secret-for-this-test-only' })
    app.register(propelAuth, testAuth.pluginOptions)
  })
  t.equal(error?.code, 'FST_PROPELAUTH_DECORATOR_CONFLICT')
  t.match(error?.message, /the request decorator `user` is already taken \(by @fastify\/jwt or @fastify\/passport\?\); fastify-propelauth sets request\.user and request\.org/)
})

test('a clear error when request.org is taken', async (t) => {
  const error = await readyError((app) => {
    app.decorateRequest('org', null)
    app.register(propelAuth, testAuth.pluginOptions)
  })
  t.equal(error?.code, 'FST_PROPELAUTH_DECORATOR_CONFLICT')
  t.match(error?.message, /the request decorator `org` is already taken/)
})

test('registering the plugin twice on one instance is refused, not silently doubled', async (t) => {
  const error = await readyError((app) => {
    app.register(propelAuth, testAuth.pluginOptions)
    app.register(propelAuth, { ...testAuth.pluginOptions, decorator: 'second' })
  })
  t.equal(error?.code, 'FST_PROPELAUTH_DECORATOR_CONFLICT', 'request.user is already ours')
})

test('the decorator is shared with the whole app (fastify-plugin), request decorators start null', async (t) => {
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  let childSees = false
  await app.register(async (child) => {
    childSees = child.hasDecorator('auth')
    child.get('/child', async (request) => ({ user: request.user, org: request.org }))
  })
  t.teardown(() => app.close())
  t.ok(childSees, 'routes in child plugins can use app.auth')
  t.same((await app.inject({ url: '/child' })).json(), { user: null, org: null })
})
