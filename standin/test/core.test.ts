import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth from 'fastify-propelauth'
import { createManualClock, loadSeed, startStandIn, type Seed } from '../index.js'
import { claimsOf, harness, readResponse, SEEDED, sharedKeyPair } from './helpers/harness.js'

test('every call needs the API key: 401 without it or with another, and the key is never echoed', async (t) => {
  const { standIn } = await harness(t)
  const url = `${standIn.apiBaseUrl}/api/backend/v1/user/${SEEDED.owner}`
  const missing = await readResponse(await fetch(url))
  t.equal(missing.status, 401)
  const wrong = await readResponse(await fetch(url, { headers: { authorization: 'Bearer not-the-key' } }))
  t.equal(wrong.status, 401)
  t.notOk(JSON.stringify(wrong.body).includes('not-the-key'))
  const basic = await readResponse(await fetch(url, { headers: { authorization: `Basic ${standIn.apiKey}` } }))
  t.equal(basic.status, 401)
})

test('X-Propelauth-url names the project: hostname (Node) and host:port (Python) pass, another host is 404', async (t) => {
  const { standIn, api } = await harness(t)
  const path = `/api/backend/v1/user/${SEEDED.owner}`
  t.equal((await api('GET', path, undefined, { 'x-propelauth-url': 'localhost' })).status, 200)
  t.equal((await api('GET', path, undefined, { 'x-propelauth-url': new URL(standIn.authUrl).host })).status, 200)
  t.equal((await api('GET', path, undefined, { 'x-propelauth-url': 'auth.other-project.test' })).status, 404)
  // Clients older than node-apis 2.1.30 / propelauth-py 4.2.2 send no such header.
  const legacy = await fetch(standIn.apiBaseUrl + path, { headers: { authorization: `Bearer ${standIn.apiKey}` } })
  t.equal(legacy.status, 200)
})

test('token verification metadata is served at both documented paths with the same SPKI key', async (t) => {
  const { api } = await harness(t)
  const node = await api('GET', '/api/v1/token_verification_metadata')
  t.equal(node.status, 200)
  t.match(node.body.verifier_key_pem, /^-----BEGIN PUBLIC KEY-----\n/)
  const rust = await api('GET', '/api/backend/v1/token_verification_metadata')
  t.equal(rust.status, 200)
  t.equal(rust.body.public_key_pem, node.body.verifier_key_pem)
})

test('the plugin boots against the stand-in and accepts the tokens it mints', async (t) => {
  const { standIn } = await harness(t)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, standIn.pluginOptions)
  app.get('/org/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => ({
    user: request.user!.userId,
    permissions: request.org!.userPermissions
  }))
  const token = await standIn.createAccessToken('admin@acme.test')
  const response = await app.inject({ url: `/org/${SEEDED.acme}`, headers: { authorization: `Bearer ${token}` } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { user: SEEDED.admin, permissions: ['can_view_billing', 'can_manage_api_keys', 'can_invite', 'can_read'] })
})

test('bodyless POST/PUT/DELETE with Content-Type: application/json are accepted, as the Node library sends them', async (t) => {
  const { standIn } = await harness(t)
  for (const [method, path] of [['POST', `/api/backend/v1/user/${SEEDED.member}/disable`], ['PUT', `/api/backend/v1/user/${SEEDED.member}/can_create_orgs/disable`], ['DELETE', `/api/backend/v1/user/${SEEDED.outsider}`]]) {
    const response = await fetch(standIn.apiBaseUrl + path, {
      method,
      headers: { authorization: `Bearer ${standIn.apiKey}`, 'content-type': 'application/json' }
    })
    t.equal(response.status, 200, `${method} ${path}`)
    t.same(await response.json(), {})
  }
  t.equal(standIn.state.users.get(SEEDED.member)!.enabled, false)
  t.equal(standIn.state.users.has(SEEDED.outsider), false)
})

test('a seed can be a JSON file; ids left out are derived from emails and names, the same on every run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'standin-seed-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'seed.json')
  const seed: Seed = {
    roles: ['Boss', 'Worker'],
    rolePermissions: { Boss: ['approve'], Worker: ['work'] },
    users: [{ email: 'kim@widgets.test', password: 'secret-pass' }],
    orgs: [{ name: 'Widgets', members: [{ email: 'kim@widgets.test', role: 'Boss' }] }]
  }
  await writeFile(file, JSON.stringify(seed))
  const first = await startStandIn({ seed: file, keyPair: await sharedKeyPair() })
  t.teardown(() => first.close())
  const second = await startStandIn({ seed: file, keyPair: await sharedKeyPair() })
  t.teardown(() => second.close())

  const kim = first.state.findUserByEmail('kim@widgets.test')!
  t.equal(second.state.findUserByEmail('kim@widgets.test')!.userId, kim.userId)
  t.match(kim.userId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/)
  const claims = claimsOf(await first.createAccessToken('kim@widgets.test'))
  const org = Object.values(claims.org_id_to_org_member_info as Record<string, any>)[0]
  t.equal(org.org_name, 'Widgets')
  t.same(org.inherited_user_roles_plus_current_role, ['Boss', 'Worker'])
  t.same(org.user_permissions, ['approve', 'work'])
})

test('a bad seed fails with every problem and where it is', async (t) => {
  const error = await loadSeed({ users: [{ email: 'a@x.test', frist_name: 'A' } as any, { email: 42 } as any] }).catch((error: Error) => error)
  t.match(error, { message: /users\/0\/frist_name: Unexpected property/ })
  t.match(error, { message: /users\/1\/email: Expected string/ })
  await t.rejects(loadSeed({
    users: [{ email: 'a@x.test' }],
    orgs: [{ name: 'X', members: [{ email: 'ghost@x.test', role: 'Admin' }, { email: 'a@x.test', role: 'Chief' }] }]
  }), /ghost@x\.test is not among the users[\s\S]*role Chief is not one of Owner, Admin, Member/)
  await t.rejects(loadSeed('/nonexistent/seed.json'), /cannot read \/nonexistent\/seed\.json: ENOENT/)
})

test('with idSeed and a manual clock, two runs create the same ids, secrets and dates', async (t) => {
  const clock = createManualClock(Date.UTC(2030, 0, 15, 12))
  const run = async (): Promise<unknown> => {
    clock.set(Date.UTC(2030, 0, 15, 12))
    const { api } = await harness(t, { idSeed: 'run', now: clock.now })
    const user = await api('POST', '/api/backend/v1/user/', { email: 'new@acme.test' })
    clock.advance(60_000)
    const key = await api('POST', '/api/backend/v1/end_user_api_keys', { org_id: SEEDED.acme })
    const fetched = await api('GET', `/api/backend/v1/user/${user.body.user_id as string}`)
    return { user: user.body, key: key.body, createdAt: fetched.body.created_at }
  }
  const first = await run()
  t.same(await run(), first)
  t.match(first, { createdAt: Date.UTC(2030, 0, 15, 12) / 1000 })
})

test('reset() brings back the seed and the initial switches', async (t) => {
  const { standIn, api } = await harness(t)
  await api('DELETE', `/api/backend/v1/user/${SEEDED.owner}`)
  standIn.features.orgs = false
  standIn.reset()
  t.equal((await api('GET', `/api/backend/v1/user/${SEEDED.owner}`)).status, 200)
  t.equal((await api('GET', `/api/backend/v1/org/${SEEDED.acme}`)).status, 200)
  t.same(standIn.calls.map((call) => call.status), [200, 200])
})

test('each answered call is recorded and handed to onCall, without headers or bodies', async (t) => {
  const seen: unknown[] = []
  const { standIn, api } = await harness(t, { onCall: (call) => seen.push(call) })
  await api('GET', '/api/backend/v1/user/email?email=owner%40acme.test')
  await api('GET', '/api/backend/v1/nope')
  t.match(standIn.calls, [
    { method: 'GET', url: '/api/backend/v1/user/email?email=owner%40acme.test', status: 200 },
    { method: 'GET', url: '/api/backend/v1/nope', status: 404 }
  ])
  t.same(seen, standIn.calls)
  t.same(Object.keys(standIn.calls[0]).sort(), ['at', 'durationMs', 'method', 'status', 'url'])
})
