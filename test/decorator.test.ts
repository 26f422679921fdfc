import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth, { type OrgMemberInfo, type PropelAuthDecorator, type User } from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// The real @fastify/auth and @fastify/jwt are registered beside this plugin in
// types/mixes/, each in its own TypeScript program: their declarations of
// `FastifyInstance.auth` and `FastifyRequest.user` would otherwise reach every
// test file compiled with this one. Here they are imitated by decorating the
// same names.

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })

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
  const renamed = app.getDecorator<PropelAuthDecorator>('propelAuth')
  app.get('/me', { onRequest: renamed.requireUser }, async (request) => ({ userId: renamed.user(request).userId }))
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
  t.match(error?.message, /the instance decorator `auth` is already taken \(@fastify\/auth also uses `auth`\); pick another name with the `decorator` option, e.g\. decorator: 'propelAuth', and declare it for TypeScript in PropelAuthTypes/)

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

test('a clear error when request.user is taken by another plugin (@fastify/jwt); the requestDecorators option is the way out', async (t) => {
  // @fastify/jwt decorates the request with `user`.
  const error = await readyError((app) => {
    app.decorateRequest('user', null)
    app.register(propelAuth, testAuth.pluginOptions)
  })
  t.equal(error?.code, 'FST_PROPELAUTH_DECORATOR_CONFLICT')
  t.match(error?.message, /the request decorator `user` is already taken \(by @fastify\/jwt or @fastify\/passport\?\); pick another name for fastify-propelauth's request\.user with the `requestDecorators` option, e\.g\. requestDecorators: \{ user: 'propelAuthUser' \}, and declare it for TypeScript in PropelAuthTypes/)

  const ok = await readyError((app) => {
    app.decorateRequest('user', null)
    app.register(propelAuth, { ...testAuth.pluginOptions, requestDecorators: { user: 'propelAuthUser' } })
  })
  t.equal(ok, undefined, 'both live side by side under different names')
})

test('a clear error when request.org is taken', async (t) => {
  const error = await readyError((app) => {
    app.decorateRequest('org', null)
    app.register(propelAuth, testAuth.pluginOptions)
  })
  t.equal(error?.code, 'FST_PROPELAUTH_DECORATOR_CONFLICT')
  t.match(error?.message, /the request decorator `org` is already taken; pick another name for fastify-propelauth's request\.org with the `requestDecorators` option, e\.g\. requestDecorators: \{ org: 'propelAuthOrg' \}/)
})

test('the configured request decorator names are the ones checked', async (t) => {
  const taken = await readyError((app) => {
    app.decorateRequest('propelAuthOrg', null)
    app.register(propelAuth, { ...testAuth.pluginOptions, requestDecorators: { org: 'propelAuthOrg' } })
  })
  t.match(taken?.message, /the request decorator `propelAuthOrg` is already taken; pick another name for fastify-propelauth's request\.org/)

  // Fastify's own request properties count as taken.
  const builtIn = await readyError((app) => {
    app.register(propelAuth, { ...testAuth.pluginOptions, requestDecorators: { user: 'headers' } })
  })
  t.match(builtIn?.message, /the request decorator `headers` is already taken; pick another name for fastify-propelauth's request\.user/)
})

test('renamed request decorators: the guards set them, and leave `user` and `org` to other plugins', async (t) => {
  const app = Fastify()
  // Another plugin's `request.user`, set before the guard runs.
  app.decorateRequest('user', null)
  app.addHook('onRequest', async (request) => { request.setDecorator('user', 'another plugin\'s user') })
  await app.register(propelAuth, { ...testAuth.pluginOptions, requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' } })
  t.teardown(() => app.close())
  t.notOk(app.hasRequestDecorator('org'), 'org is left free')
  app.get('/api/org/:orgId/me', { onRequest: app.auth.requireOrgMember() }, async (request) => ({
    user: request.getDecorator<User | null>('propelAuthUser')?.userId,
    org: request.getDecorator<OrgMemberInfo | null>('propelAuthOrg')?.orgId,
    viaAccessors: [app.auth.user(request).userId, app.auth.org(request).orgId],
    others: request.getDecorator<string>('user')
  }))
  app.get('/public', async (request) => ({ user: request.getDecorator<User | null>('propelAuthUser'), org: request.getDecorator<OrgMemberInfo | null>('propelAuthOrg') }))
  const authorization = await testAuth.authorizationHeader({ userId: 'u-1', orgs: [{ orgId: 'o-1', orgName: 'Acme', role: 'Member' }] })
  const response = await app.inject({ url: '/api/org/o-1/me', headers: { authorization } })
  t.same(response.json(), { user: 'u-1', org: 'o-1', viaAccessors: ['u-1', 'o-1'], others: 'another plugin\'s user' })
  t.same((await app.inject({ url: '/public' })).json(), { user: null, org: null }, 'they start null')
  t.same((await app.inject({ url: '/api/org/o-1/me' })).json().code, 'FST_PROPELAUTH_MISSING_TOKEN', 'and the guard still guards')
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
