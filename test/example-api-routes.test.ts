import { test } from 'tap'
import { buildApp } from '../example/app.js'
import { STAND_IN_LOGIN_SCHEME as DEV_LOGIN_SCHEME } from 'fastify-propelauth-standin/docs-login'
import { harness, SEEDED } from '../standin/test/helpers/harness.js'

// The example's routes that call PropelAuth's backend API through the plugin,
// against the stand-in, as `npm start` runs them.

async function example (t: Parameters<typeof harness>[0], devLogin = false): Promise<Awaited<ReturnType<typeof harness>> & { app: Awaited<ReturnType<typeof buildApp>>, as: (email: string) => Promise<Record<string, string>> }> {
  const h = await harness(t)
  const app = await buildApp(h.standIn.pluginOptions, {}, devLogin ? { standInUrl: h.standIn.apiBaseUrl } : {})
  t.teardown(() => app.close())
  const as = async (email: string): Promise<Record<string, string>> => ({ authorization: `Bearer ${await h.standIn.createAccessToken(email)}` })
  return { ...h, app, as }
}

test('GET /api/org/:orgId/members: the members with their roles, for admins and owners only', async (t) => {
  const { app, as } = await example(t)
  const response = await app.inject({ url: `/api/org/${SEEDED.acme}/members`, headers: await as('admin@acme.test') })
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.match(body, { totalMembers: 3, hasMore: false })
  // Ordered by join date, which the seed makes up: compare by email.
  t.same(body.members.sort((a: any, b: any) => a.email.localeCompare(b.email)), [
    { userId: SEEDED.admin, email: 'admin@acme.test', firstName: 'Grace', lastName: 'Admin', role: 'Admin' },
    { userId: SEEDED.member, email: 'member@acme.test', firstName: 'Linus', lastName: 'Member', role: 'Member' },
    { userId: SEEDED.owner, email: 'owner@acme.test', firstName: 'Ada', lastName: 'Owner', role: 'Owner' }
  ])
  t.equal((await app.inject({ url: `/api/org/${SEEDED.acme}/members`, headers: await as('member@acme.test') })).statusCode, 403)
  t.equal((await app.inject({ url: `/api/org/${SEEDED.acme}/members` })).statusCode, 401)
})

test('POST /api/org/:orgId/invite: invites through PropelAuth, never above your own role; PropelAuth\'s 400s come back as 400', async (t) => {
  const { app, as, standIn } = await example(t)
  const admin = await as('admin@acme.test')
  const invited = await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/invite`, headers: admin, payload: { email: 'new@acme.test', role: 'Member' } })
  t.equal(invited.statusCode, 201)
  t.same(invited.json(), { invited: 'new@acme.test', role: 'Member' })
  t.match(standIn.state.invites, [{ inviteeEmail: 'new@acme.test', orgId: SEEDED.acme, role: 'Member' }])

  const above = await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/invite`, headers: admin, payload: { email: 'boss@acme.test', role: 'Owner' } })
  t.equal(above.statusCode, 403)
  t.match(above.json().message, /not Owner/)
  t.equal((await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/invite`, headers: await as('member@acme.test'), payload: { email: 'x@acme.test', role: 'Member' } })).statusCode, 403, 'members lack can_invite')

  const existing = await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/invite`, headers: admin, payload: { email: 'member@acme.test', role: 'Member' } })
  t.equal(existing.statusCode, 400)
  t.same(existing.json().fieldErrors, { email: ['This user is already a member of the org'] })
  t.equal((await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/invite`, headers: admin, payload: { email: 'not-an-email', role: 'Member' } })).statusCode, 400, 'checked by the route schema')
})

test('POST /api/org/:orgId/api_keys: an org API key that PropelAuth then validates for the org', async (t) => {
  const { app, as } = await example(t)
  const created = await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/api_keys`, headers: await as('owner@acme.test'), payload: { displayName: 'deploy bot' } })
  t.equal(created.statusCode, 201)
  const { apiKeyId, apiKeyToken } = created.json()
  t.match(apiKeyId, /^[0-9a-f]{32}$/)
  const validation = await app.auth.validateOrgApiKey(apiKeyToken)
  t.equal(validation.org.orgId, SEEDED.acme)
  t.same(validation.metadata, { createdBy: SEEDED.owner })
  t.equal((await app.auth.fetchApiKey(apiKeyId)).displayName, 'deploy bot')
  t.equal((await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/api_keys`, headers: await as('member@acme.test'), payload: {} })).statusCode, 403)
})

test('GET /api/v1/org: the org of the API key the request is made with, until the key is archived', async (t) => {
  const { app, as } = await example(t)
  const created = await app.inject({ method: 'POST', url: `/api/org/${SEEDED.acme}/api_keys`, headers: await as('owner@acme.test'), payload: {} })
  const { apiKeyId, apiKeyToken } = created.json()
  const byKey = await app.inject({ url: '/api/v1/org', headers: { authorization: `Bearer ${apiKeyToken}` } })
  t.equal(byKey.statusCode, 200)
  t.same(byKey.json(), { orgId: SEEDED.acme, orgName: 'Acme Inc', createdBy: SEEDED.owner })
  t.equal((await app.inject({ url: '/api/v1/org', headers: await as('owner@acme.test') })).statusCode, 401, 'an access token is not an API key')
  t.equal(await app.auth.deleteApiKey(apiKeyId), true)
  t.equal((await app.inject({ url: '/api/v1/org', headers: { authorization: `Bearer ${apiKeyToken}` } })).statusCode, 401, 'archived: refused at once')
})

test('in development /docs offers the stand-in\'s password login beside the bearer scheme; app.swagger() is untouched', async (t) => {
  const { app, standIn } = await example(t, true)
  const shown = (await app.inject({ url: '/docs/json' })).json()
  t.same(shown.components.securitySchemes[DEV_LOGIN_SCHEME], {
    type: 'oauth2',
    description: shown.components.securitySchemes[DEV_LOGIN_SCHEME].description,
    flows: { password: { tokenUrl: `${standIn.apiBaseUrl}/login`, scopes: {} } }
  })
  t.ok(shown.components.securitySchemes.propelauth, 'the bearer scheme stays')
  t.same(shown.paths['/api/whoami'].get.security, [{ propelauth: [] }, { [DEV_LOGIN_SCHEME]: [] }])
  t.same(shown.paths['/api/whoami_optional'].get.security, [{}, { propelauth: [] }, { [DEV_LOGIN_SCHEME]: [] }])
  t.same(shown.paths['/api/org/{orgId}/members'].get.security, [{ propelauth: [] }, { [DEV_LOGIN_SCHEME]: [] }])
  t.notOk(DEV_LOGIN_SCHEME in (app.swagger() as any).components.securitySchemes)

  const { app: production } = await example(t)
  const plain = (await production.inject({ url: '/docs/json' })).json()
  t.notOk(DEV_LOGIN_SCHEME in plain.components.securitySchemes, 'not without the stand-in')
  t.same(plain.paths['/api/whoami'].get.security, [{ propelauth: [] }])
})
