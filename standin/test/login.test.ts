import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth from 'fastify-propelauth'
import { createManualClock, FAILED_SIGN_IN_LIMIT } from '../index.js'
import { claimsOf, harness, readResponse, SEEDED, type ApiResponse } from './helpers/harness.js'

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString()
})

test('POST /login with a seeded user\'s email and password: {access_token, token_type: "bearer"}, no API key needed', async (t) => {
  const { standIn } = await harness(t)
  const response = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, form({ grant_type: 'password', username: 'admin@acme.test', password: 'password', mfa_code: standIn.mfaCode })))
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

const LOOPBACK_APP = 'http://127.0.0.1:3000'

test('CORS: Swagger UI on a loopback port or an allowed origin may read the answer, with its preflight', async (t) => {
  const { standIn } = await harness(t, { allowedOrigins: ['https://app.example.test'] })
  for (const origin of [LOOPBACK_APP, 'http://localhost:5173', 'https://app.example.test', standIn.authUrl]) {
    const preflight = await fetch(`${standIn.apiBaseUrl}/login`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-requested-with' }
    })
    t.equal(preflight.status, 204, origin)
    t.equal(preflight.headers.get('access-control-allow-origin'), origin, 'exactly that origin, never *')
    t.equal(preflight.headers.get('access-control-allow-methods'), 'POST')
    t.match(preflight.headers.get('access-control-allow-headers'), /Authorization.*X-Requested-With/, 'the headers Swagger UI sends')
    t.equal(preflight.headers.get('vary'), 'Origin')
    const login = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, { ...form({ username: 'member@acme.test', password: 'password' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin } }))
    t.equal(login.status, 200)
    t.equal(login.headers.get('access-control-allow-origin'), origin)
    t.equal(login.headers.get('vary'), 'Origin')
  }
  t.equal((await fetch(`${standIn.apiBaseUrl}/api/backend/v1/user/${SEEDED.owner}`, { headers: { origin: LOOPBACK_APP } })).headers.get('access-control-allow-origin'), null, 'only /login is open to browsers')
})

test('CORS: any other origin gets no grant, and its login does nothing at all', async (t) => {
  const { standIn } = await harness(t)
  const member = standIn.state.users.get(SEEDED.member)!
  const lastActiveAt = member.lastActiveAt
  for (const origin of ['https://evil.example', 'http://localhost.evil.example:3000', 'null']) {
    const preflight = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }
    }))
    t.equal(preflight.status, 403, `preflight from ${origin}`)
    t.equal(preflight.headers.get('access-control-allow-origin'), null)
    t.match(preflight.body.user_facing_error, /may not use this auth URL; allowed: any http\(s\) origin on localhost/)

    // A form post needs no preflight: the browser sends it and only hides the answer, so the stand-in refuses it itself.
    const login = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, { ...form({ username: 'member@acme.test', password: 'password' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin } }))
    t.equal(login.status, 403, `login from ${origin}`)
    t.equal(login.headers.get('access-control-allow-origin'), null)
    t.equal(login.headers.get('cache-control'), 'no-store')
    t.notOk('access_token' in login.body, 'no token')
  }
  t.equal(member.lastActiveAt, lastActiveAt, 'the user was not signed in')
  for (let attempt = 0; attempt < FAILED_SIGN_IN_LIMIT.max + 1; attempt++) {
    await fetch(`${standIn.apiBaseUrl}/login`, { ...form({ username: 'member@acme.test', password: 'wrong' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } })
  }
  t.equal((await fetch(`${standIn.apiBaseUrl}/login`, form({ username: 'member@acme.test', password: 'password' }))).status, 200, 'nor can another site use up the user\'s failed sign-ins')
})

test('MFA: a user enrolled in MFA gets a token only with mfa_code, checked as the hosted login checks it', async (t) => {
  const { standIn } = await harness(t, { mfaCode: '424242' })
  const login = async (fields: Record<string, string>): Promise<ApiResponse> => await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, form(fields)))
  for (const username of ['owner@acme.test', 'admin@acme.test']) {
    const without = await login({ username, password: 'password' })
    t.equal(without.status, 403, `${username} without a code`)
    t.same(without.body, { error: 'mfa_required', error_description: 'This user signs in with MFA: send the code from their authenticator app or phone as mfa_code' })
    t.match(await login({ username, password: 'password', mfa_code: ' ' }), { status: 403, body: { error: 'mfa_required' } }, 'a blank code is no code')
    const wrong = await login({ username, password: 'password', mfa_code: '123456' })
    t.same(wrong, { status: 403, headers: wrong.headers, body: { error: 'invalid_grant', error_description: 'Incorrect MFA code' } })
    const right = await login({ username, password: 'password', mfa_code: ' 424242 ' })
    t.equal(right.status, 200, 'the right code, spaces around it ignored')
    t.match(claimsOf(right.body.access_token), { email: username, login_method: { login_method: 'password' } })
  }
  t.match(await login({ username: 'owner@acme.test', password: 'wrong', mfa_code: '424242' }), { status: 403, body: { error: 'invalid_grant', error_description: 'Incorrect email or password' } }, 'the code does not stand in for the password')
  t.equal((await login({ username: 'member@acme.test', password: 'password', mfa_code: '000000' })).status, 200, 'a user without MFA: the field is ignored')

  const json = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin@acme.test', password: 'password', mfa_code: '424242' }) }))
  t.equal(json.status, 200, 'JSON works too')
  const numeric = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin@acme.test', password: 'password', mfa_code: 424242 }) }))
  t.match(numeric, { status: 400, body: { error: 'invalid_request', error_description: /mfa_code/ } }, 'the code is text')
  for (const answer of [json, numeric]) t.notMatch(JSON.stringify(answer.body), /424242/, 'the code is never echoed')
})

test('failed sign-ins are limited per email: 429 with Retry-After for that email alone, until the window passes', async (t) => {
  const clock = createManualClock()
  const { standIn } = await harness(t, { now: clock.now })
  const login = async (username: string, password: string, mfaCode?: string): Promise<ApiResponse> =>
    await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, form({ username, password, ...(mfaCode === undefined ? {} : { mfa_code: mfaCode }) })))
  const { max, windowSeconds } = FAILED_SIGN_IN_LIMIT
  t.same({ max, windowSeconds }, { max: 10, windowSeconds: 900 })

  for (let attempt = 1; attempt <= max; attempt++) {
    t.equal((await login('member@acme.test', `wrong ${attempt}`)).status, 403)
    clock.advance(1000)
  }
  // The oldest failure was `max` seconds ago.
  const wait = windowSeconds - max
  const limited = await login('MEMBER@acme.test', 'password')
  t.equal(limited.status, 429, 'past the limit even the right password waits, whatever the case of the email')
  t.equal(limited.headers.get('retry-after'), String(wait), 'until the oldest failure leaves the window')
  t.same(limited.body, { error: 'rate_limited', error_description: `Too many failed sign-ins for this email: try again in ${wait} seconds` })
  t.equal(limited.headers.get('cache-control'), 'no-store')
  t.equal((await login('outsider@example.test', 'password')).status, 200, 'another user is not affected')

  clock.advance(wait * 1000)
  t.equal((await login('member@acme.test', 'password')).status, 200, 'once the oldest failure is out of the window')
  t.equal((await login('member@acme.test', 'wrong')).status, 403, 'a sign-in forgets the failures before it')

  for (let attempt = 0; attempt < max; attempt++) await login('nobody@acme.test', 'password')
  t.equal((await login('nobody@acme.test', 'password')).status, 429, 'an email that is no one\'s is limited the same, so a 429 tells nothing')

  for (let attempt = 0; attempt < max; attempt++) t.equal((await login('admin@acme.test', 'password', '000000')).status, 403)
  t.equal((await login('admin@acme.test', 'password', standIn.mfaCode)).status, 429, 'wrong MFA codes count too')

  standIn.reset()
  t.equal((await login('member@acme.test', 'password')).status, 200, 'reset() forgets the failures')
})
