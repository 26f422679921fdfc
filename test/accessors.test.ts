import { test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// app.auth.user(request) and app.auth.org(request): what the route's guard
// verified, never null; on a route no guard let a user through, the refusal the
// guard would have sent (status, code, challenge), never a 500.

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const ORG = { orgId: 'o-1', orgName: 'Acme Inc', role: 'Admin' }

async function buildApp (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/guarded', { onRequest: app.auth.requireUser }, async (request) => ({ userId: app.auth.user(request).userId }))
  app.get('/api/org/:orgId/guarded', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => ({
    userId: app.auth.user(request).userId,
    orgName: app.auth.org(request).orgName
  }))
  app.get('/unguarded', async (request) => ({ userId: app.auth.user(request).userId }))
  app.get('/unguarded-org', async (request) => ({ orgId: app.auth.org(request).orgId }))
  app.get('/optional', { onRequest: app.auth.optionalUser }, async (request) => ({ userId: app.auth.user(request).userId }))
  app.get('/user-only', { onRequest: app.auth.requireUser }, async (request) => ({ orgId: app.auth.org(request).orgId }))
  return app
}

test('on guarded routes the accessors return the verified user and org', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  const authorization = await testAuth.authorizationHeader({ userId: 'u-1', orgs: [ORG] })
  t.same((await app.inject({ url: '/guarded', headers: { authorization } })).json(), { userId: 'u-1' })
  t.same((await app.inject({ url: '/api/org/o-1/guarded', headers: { authorization } })).json(), { userId: 'u-1', orgName: 'Acme Inc' })
  t.same((await app.inject({ url: '/optional', headers: { authorization } })).json(), { userId: 'u-1' }, 'optionalUser with a valid token')
})

test('with no user verified, the accessors answer the guard\'s 401 with its challenge, not a 500', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  const authorization = await testAuth.authorizationHeader({ userId: 'u-1', orgs: [ORG] })
  const cases = [
    { url: '/unguarded', why: 'no guard on the route' },
    { url: '/unguarded', headers: { authorization }, why: 'no guard, even with a valid token: nothing verified it' },
    { url: '/unguarded-org', why: 'org accessor, no guard' },
    { url: '/optional', why: 'optionalUser without a token' },
    { url: '/optional', headers: { authorization: 'Bearer not-a-token' }, why: 'optionalUser with a bad token' }
  ]
  for (const { url, headers, why } of cases) {
    const response = await app.inject({ url, headers })
    t.equal(response.statusCode, 401, `${why}: 401`)
    t.same(response.json(), {
      statusCode: 401,
      code: 'FST_PROPELAUTH_MISSING_TOKEN',
      error: 'Unauthorized',
      message: 'Missing access token: send "Authorization: Bearer <access token>"'
    }, `${why}: Fastify's error body`)
    t.equal(response.headers['www-authenticate'], 'Bearer', `${why}: the challenge requireUser sends`)
  }
})

test('the org accessor on a route that checked no org answers 403 with the insufficient_scope challenge', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  const response = await app.inject({ url: '/user-only', headers: { authorization: await testAuth.authorizationHeader({ orgs: [ORG] }) } })
  t.equal(response.statusCode, 403)
  t.equal(response.json().code, 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  t.match(response.headers['www-authenticate'], /^Bearer error="insufficient_scope"/)
})

test('the refusal carries its challenge in the error\'s headers, for an app\'s own error handler to send', async (t) => {
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  t.teardown(() => app.close())
  const seen: Array<{ code?: string, headers?: unknown }> = []
  // Fastify's default handler sends `error.headers`; an app's own handler sends them itself.
  app.setErrorHandler(async (error: Error & { code?: string, statusCode?: number, headers?: Record<string, string> }, _request, reply) => {
    seen.push({ code: error.code, headers: error.headers })
    if (error.headers !== undefined) reply.headers(error.headers)
    return await reply.code(error.statusCode ?? 500).send({ problem: error.code })
  })
  app.get('/unguarded', async (request) => app.auth.user(request).userId)
  const response = await app.inject({ url: '/unguarded' })
  t.equal(response.statusCode, 401)
  t.same(response.json(), { problem: 'FST_PROPELAUTH_MISSING_TOKEN' })
  t.equal(response.headers['www-authenticate'], 'Bearer')
  t.same(seen, [{ code: 'FST_PROPELAUTH_MISSING_TOKEN', headers: { 'www-authenticate': 'Bearer' } }])
})

test('the accessors read the names given in requestDecorators', async (t) => {
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' } })
  t.teardown(() => app.close())
  app.get('/api/org/:orgId/guarded', { onRequest: app.auth.requireOrgMember() }, async (request) => ({
    userId: app.auth.user(request).userId,
    orgId: app.auth.org(request).orgId
  }))
  const authorization = await testAuth.authorizationHeader({ userId: 'u-2', orgs: [ORG] })
  t.same((await app.inject({ url: '/api/org/o-1/guarded', headers: { authorization } })).json(), { userId: 'u-2', orgId: 'o-1' })
})
