import { test } from 'tap'
import fastifyAuth from '@fastify/auth'
import Fastify from 'fastify'
import propelAuth from 'fastify-propelauth'
import { createTestAuth } from 'fastify-propelauth/testing'
import { assertBuilt } from '../built.js'
import { buildApp } from './app.js'

await assertBuilt()
const testAuth = await createTestAuth()

test('beside @fastify/auth: app.propelAuth guards, app.auth composes', async (t) => {
  const app = await buildApp(testAuth.pluginOptions, 'partner-secret')
  t.teardown(() => app.close())
  const authorization = await testAuth.authorizationHeader({ userId: 'u-1', orgs: [{ orgId: 'o-1', orgName: 'Acme', role: 'Admin' }] })

  t.same((await app.inject({ url: '/api/whoami', headers: { authorization } })).json(), { userId: 'u-1' })
  t.equal((await app.inject({ url: '/api/whoami' })).json().code, 'FST_PROPELAUTH_MISSING_TOKEN')

  t.same((await app.inject({ url: '/api/reports', headers: { authorization } })).json(), { by: 'u-1' }, 'OR: the PropelAuth user')
  t.same((await app.inject({ url: '/api/reports', headers: { 'x-partner-key': 'partner-secret' } })).json(), { by: 'partner' }, 'OR: the partner')
  t.equal((await app.inject({ url: '/api/reports' })).statusCode, 401, 'OR: neither')

  const both = await app.inject({ url: '/api/org/o-1/reports', headers: { authorization, 'x-partner-key': 'partner-secret' } })
  t.same(both.json(), { org: 'Acme' }, 'AND: both')
  const userOnly = await app.inject({ url: '/api/org/o-1/reports', headers: { authorization } })
  t.equal(userOnly.statusCode, 401, 'AND: the partner key is missing')
})

test('beside @fastify/auth without renaming: refused at registration, with the way out', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(fastifyAuth)
  // @ts-expect-error the compiler refuses it too: PropelAuthTypes declares `decorator`
  app.register(propelAuth, testAuth.pluginOptions)
  await t.rejects(async () => await app.ready(), { code: 'FST_PROPELAUTH_DECORATOR_CONFLICT', message: /`auth` is already taken \(@fastify\/auth also uses `auth`\); pick another name with the `decorator` option/ })
})
