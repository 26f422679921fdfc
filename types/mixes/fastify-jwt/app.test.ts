import { test } from 'tap'
import fastifyJwt from '@fastify/jwt'
import Fastify from 'fastify'
import propelAuth from 'fastify-propelauth'
import { createTestAuth } from 'fastify-propelauth/testing'
import { assertBuilt } from '../built.js'
import { buildApp } from './app.js'

await assertBuilt()
const testAuth = await createTestAuth()

test('beside @fastify/jwt: PropelAuth users in request.propelAuthUser, jwt\'s in request.user', async (t) => {
  const app = await buildApp(testAuth.pluginOptions, 'a-secret-for-this-test-only')
  t.teardown(() => app.close())
  const authorization = await testAuth.authorizationHeader({ userId: 'u-1', orgs: [{ orgId: 'o-1', orgName: 'Acme', role: 'Admin' }] })

  t.same((await app.inject({ url: '/api/whoami', headers: { authorization } })).json(), { userId: 'u-1', same: 'u-1' })
  t.same((await app.inject({ url: '/api/org/o-1/admin', headers: { authorization } })).json(), { org: 'Acme', same: 'Acme' })
  t.equal((await app.inject({ url: '/api/whoami' })).json().code, 'FST_PROPELAUTH_MISSING_TOKEN')

  const { token } = (await app.inject({ method: 'POST', url: '/internal/tokens' })).json()
  t.same((await app.inject({ url: '/internal/reports', headers: { authorization: `Bearer ${token}` } })).json(), { sub: 'cron', scope: 'reports' })
  t.equal((await app.inject({ url: '/api/whoami', headers: { authorization: `Bearer ${token}` } })).json().code, 'FST_PROPELAUTH_INVALID_TOKEN', 'PropelAuth refuses a token jwt signed')
})

test('beside @fastify/jwt without renaming: refused at registration, with the way out', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(fastifyJwt, { secret: 'a-secret-for-this-test-only' })
  // @ts-expect-error the compiler refuses it too: PropelAuthTypes declares `user` and `org`
  app.register(propelAuth, testAuth.pluginOptions)
  await t.rejects(async () => await app.ready(), {
    code: 'FST_PROPELAUTH_DECORATOR_CONFLICT',
    message: /the request decorator `user` is already taken \(by @fastify\/jwt or @fastify\/passport\?\); pick another name for fastify-propelauth's request\.user with the `requestDecorators` option, e\.g\. requestDecorators: \{ user: 'propelAuthUser' \}/
  })
})
