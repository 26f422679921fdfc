import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth from 'fastify-propelauth'
import { claimsOf, harness, readResponse, SEEDED } from './helpers/harness.js'

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString()
})

test('POST /login with a seeded user\'s email and password: {access_token, token_type: "bearer"}, no API key needed', async (t) => {
  const { standIn } = await harness(t)
  const response = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, form({ grant_type: 'password', username: 'admin@acme.test', password: 'password' })))
  t.equal(response.status, 200)
  t.same(Object.keys(response.body).sort(), ['access_token', 'token_type'])
  t.equal(response.body.token_type, 'bearer')
  const claims = claimsOf(response.body.access_token)
  t.match(claims, { user_id: SEEDED.admin, email: 'admin@acme.test', iss: standIn.authUrl, login_method: { login_method: 'password' } })
  t.match(claims.org_id_to_org_member_info[SEEDED.acme], { user_role: 'Admin' })

  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, standIn.pluginOptions)
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ id: request.user!.userId }))
  const me = await app.inject({ url: '/me', headers: { authorization: `Bearer ${response.body.access_token as string}` } })
  t.same(me.json(), { id: SEEDED.admin }, 'the plugin accepts the token')
})

test('wrong credentials: 403 with one clear message, the same whatever was wrong, and no token', async (t) => {
  const { standIn } = await harness(t)
  standIn.state.users.get(SEEDED.member)!.enabled = false
  const attempts = [
    { username: 'admin@acme.test', password: 'wrong' },
    { username: 'nobody@acme.test', password: 'password' },
    { username: 'member@acme.test', password: 'password' }
  ]
  for (const attempt of attempts) {
    const response = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, form(attempt)))
    t.equal(response.status, 403, attempt.username)
    t.same(response.body, { error: 'invalid_grant', error_description: 'Incorrect email or password' })
  }
})

test('malformed logins are 400: missing fields, another grant type', async (t) => {
  const { standIn } = await harness(t)
  const missing = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, form({ username: 'admin@acme.test' })))
  t.match(missing, { status: 400, body: { error: 'invalid_request' } })
  const grant = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, form({ grant_type: 'client_credentials', username: 'a', password: 'b' })))
  t.match(grant, { status: 400, body: { error: 'unsupported_grant_type' } })
})

test('Swagger UI on another origin can call /login: CORS preflight and headers', async (t) => {
  const { standIn } = await harness(t)
  const preflight = await fetch(`${standIn.apiBaseUrl}/login`, {
    method: 'OPTIONS',
    headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-requested-with' }
  })
  t.equal(preflight.status, 204)
  t.equal(preflight.headers.get('access-control-allow-origin'), '*')
  t.match(preflight.headers.get('access-control-allow-headers'), /x-requested-with/)
  const login = await fetch(`${standIn.apiBaseUrl}/login`, { ...form({ username: 'owner@acme.test', password: 'password' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:3000' } })
  t.equal(login.headers.get('access-control-allow-origin'), '*')
  t.equal((await fetch(`${standIn.apiBaseUrl}/api/backend/v1/user/${SEEDED.owner}`, { headers: { origin: 'http://127.0.0.1:3000' } })).headers.get('access-control-allow-origin'), null, 'only /login is open to browsers')
})
