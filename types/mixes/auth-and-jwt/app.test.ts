import { test } from 'tap'
import { createTestAuth } from 'fastify-propelauth/testing'
import { assertBuilt } from '../built.js'
import { buildApp } from './app.js'

await assertBuilt()
const testAuth = await createTestAuth()

test('beside @fastify/auth and @fastify/jwt: either token opens a composed route', async (t) => {
  const app = await buildApp(testAuth.pluginOptions, 'a-secret-for-this-test-only')
  t.teardown(() => app.close())
  const { token } = (await app.inject({ method: 'POST', url: '/internal/tokens' })).json()
  const propelAuthToken = await testAuth.authorizationHeader({ userId: 'u-1' })
  t.same((await app.inject({ url: '/api/reports', headers: { authorization: propelAuthToken } })).json(), { by: 'u-1' })
  t.same((await app.inject({ url: '/api/reports', headers: { authorization: `Bearer ${token}` } })).json(), { by: 'cron' })
  t.equal((await app.inject({ url: '/api/reports' })).statusCode, 401)
})
