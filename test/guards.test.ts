import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'

test('requireOrgMemberWithMinimumRole: 200 for Admin, 403 for Member, 401 without a token', async (t) => {
  const testAuth = await createTestAuth()
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/org/:orgId/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => ({
    user: request.user!.userId,
    org: request.org!.orgName
  }))
  t.teardown(() => app.close())

  const admin = await testAuth.mintAccessToken({ userId: 'u-admin', orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Admin' }] })
  const member = await testAuth.mintAccessToken({ userId: 'u-member', orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Member' }] })

  const ok = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { user: 'u-admin', org: 'Acme Inc' })

  const forbidden = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: `Bearer ${member}` } })
  t.equal(forbidden.statusCode, 403)
  t.equal(forbidden.json().code, 'FST_PROPELAUTH_INSUFFICIENT_ROLE')

  const anonymous = await app.inject({ url: `/org/${ORG}/admin` })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.headers['www-authenticate'], 'Bearer')
  t.same(Object.keys(anonymous.json()).sort(), ['code', 'error', 'message', 'statusCode'])
})
