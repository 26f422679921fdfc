import { test } from 'tap'
import { startStandIn, createManualClock, SESSION_LIFETIME_SECONDS } from '../index.js'
import { ADMIN_IN_ACME, claimsOf, harness, SEEDED, sharedKeyPair } from './helpers/harness.js'
import { logout, refresh } from './helpers/auth-url.js'

// The two endpoints PropelAuth's browser client calls with the session
// cookie: GET /api/v1/refresh_token and POST /api/v1/logout.
const APP = 'http://localhost:5173'
const USER_FIELDS = ['can_create_orgs', 'created_at', 'email', 'email_confirmed', 'enabled', 'first_name', 'has_password', 'last_active_at', 'last_name', 'locked', 'mfa_enabled', 'picture_url', 'properties', 'user_id', 'username', 'legacy_user_id']

test('no session: 401, uncacheable, and no API key is needed', async (t) => {
  const { standIn } = await harness(t)
  const answer = await refresh(standIn, { origin: APP })
  t.equal(answer.status, 401)
  t.same(answer.body, { user_facing_error: 'Not signed in' })
  t.equal(answer.headers.get('cache-control'), 'no-store')
  t.equal(answer.headers.get('vary'), 'Origin')
  t.equal(answer.headers.get('access-control-allow-origin'), APP, 'the client can read the 401')
  t.equal(answer.headers.get('access-control-allow-credentials'), 'true')
})

test('with a session: the body PropelAuth\'s client parses, and a token with the claims of the stored state', async (t) => {
  const { standIn, api } = await harness(t)
  const session = standIn.createSession('admin@acme.test')
  const answer = await refresh(standIn, { origin: APP, cookie: session.cookieHeader })
  t.equal(answer.status, 200)
  t.equal(answer.headers.get('cache-control'), 'no-store')
  t.same(Object.keys(answer.body).sort(), ['access_token', 'expires_at_seconds', 'org_id_to_org_member_info', 'user'])
  t.same(Object.keys(answer.body.user).sort(), USER_FIELDS.filter((field) => answer.body.user[field] !== undefined).sort())
  t.match(answer.body.user, { user_id: SEEDED.admin, email: 'admin@acme.test', first_name: 'Grace', email_confirmed: true, has_password: true, mfa_enabled: true, enabled: true, locked: false, can_create_orgs: true })
  t.same(answer.body.org_id_to_org_member_info, { [SEEDED.acme]: ADMIN_IN_ACME })

  const claims = claimsOf(answer.body.access_token)
  t.equal(claims.exp, answer.body.expires_at_seconds)
  t.equal(claims.exp - claims.iat, 30 * 60, 'lives 30 minutes by default')
  t.same(claims.login_method, { login_method: 'password' })
  const reference = claimsOf(await standIn.createAccessToken(SEEDED.admin))
  const withoutTimes = ({ iat, exp, login_method: loginMethod, ...rest }: Record<string, unknown>): Record<string, unknown> => rest
  t.same(withoutTimes(claims), withoutTimes(reference), 'the same claims as a token of the backend API for this user')
  t.same(claims.org_id_to_org_member_info, answer.body.org_id_to_org_member_info)

  // A change through the backend API shows in the next refresh.
  const created = await api('POST', '/api/backend/v1/org/', { name: 'Beta' })
  await api('POST', '/api/backend/v1/org/add_user', { user_id: SEEDED.admin, org_id: created.body.org_id, role: 'Member' })
  const next = await refresh(standIn, { cookie: session.cookieHeader })
  t.same(Object.keys(next.body.org_id_to_org_member_info).sort(), [SEEDED.acme, created.body.org_id].sort())
  t.same(Object.keys(claimsOf(next.body.access_token).org_id_to_org_member_info).sort(), [SEEDED.acme, created.body.org_id].sort())
})

test('active_org_id: a token for that org alone; 401 for an org the user is not in; 400 for a malformed one', async (t) => {
  const { standIn } = await harness(t)
  const { cookieHeader: cookie } = standIn.createSession('member@acme.test')
  const org = await refresh(standIn, { cookie, activeOrgId: SEEDED.acme })
  t.equal(org.status, 200)
  const claims = claimsOf(org.body.access_token)
  t.match(claims.org_member_info, { org_id: SEEDED.acme, user_role: 'Member' })
  t.notOk('org_id_to_org_member_info' in claims)
  t.same(Object.keys(org.body.org_id_to_org_member_info), [SEEDED.acme])

  const outsider = standIn.createSession('outsider@example.test')
  t.equal((await refresh(standIn, { cookie: outsider.cookieHeader, activeOrgId: SEEDED.acme })).status, 401, 'not a member: the client reads user_not_in_org')
  t.equal((await refresh(standIn, { cookie, activeOrgId: '7d3f6b2e-0000-4000-8000-0000000000ff' })).status, 401, 'no such org')
  t.equal((await refresh(standIn, { cookie, activeOrgId: '' })).status, 400)
  const twice = await fetch(`${standIn.authUrl}/api/v1/refresh_token?active_org_id=a&active_org_id=b`, { headers: { cookie } })
  t.equal(twice.status, 400)
  standIn.features.orgs = false
  t.equal((await refresh(standIn, { cookie, activeOrgId: SEEDED.acme })).status, 401, 'orgs switched off')
  const plain = await refresh(standIn, { cookie })
  t.same(plain.body.org_id_to_org_member_info, {}, 'and no orgs in a plain refresh')
})

test('a forged, ended or expired session cookie: 401, the cookie is cleared, nothing else changes', async (t) => {
  const clock = createManualClock()
  const standIn = await startStandIn({ keyPair: await sharedKeyPair(), now: clock.now })
  t.teardown(() => standIn.close())
  const session = standIn.createSession('member@acme.test')
  const lastActive = standIn.state.users.get(SEEDED.member)!.lastActiveAt
  const forged = await refresh(standIn, { cookie: `${session.cookie.name}=${'0'.repeat(64)}` })
  t.equal(forged.status, 401)
  t.match(forged.headers.getSetCookie().join('\n'), new RegExp(`${session.cookie.name}=;.*Max-Age=0`))
  t.equal((await refresh(standIn, { cookie: `${session.cookie.name}=x; other=1` })).status, 401)
  t.equal((await refresh(standIn, { cookie: 'a=%%%; =;;' })).status, 401, 'an unparsable Cookie header')
  t.equal(standIn.state.users.get(SEEDED.member)!.lastActiveAt, lastActive)
  t.equal(standIn.state.sessions.of(SEEDED.member, standIn.state.nowSeconds()).length, 1, 'the real session is untouched')
  t.equal((await refresh(standIn, { cookie: session.cookieHeader })).status, 200)

  clock.advance((SESSION_LIFETIME_SECONDS + 1) * 1000)
  t.equal((await refresh(standIn, { cookie: session.cookieHeader })).status, 401, 'expired')

  const ended = standIn.createSession('member@acme.test')
  ended.end()
  t.equal((await refresh(standIn, { cookie: ended.cookieHeader })).status, 401, 'ended')
})

test('logoutAllUserSessions, disabling, locking and deleting a user end their sessions', async (t) => {
  const { standIn, api } = await harness(t)
  const cases: Array<[string, string, () => Promise<unknown>]> = [
    ['logoutAllUserSessions', 'member@acme.test', async () => await api('POST', `/api/backend/v1/user/${SEEDED.member}/logout_all_sessions`)],
    ['disableUser', 'admin@acme.test', async () => await api('POST', `/api/backend/v1/user/${SEEDED.admin}/disable`)],
    ['locked in the state', 'owner@acme.test', async () => { standIn.state.users.get(SEEDED.owner)!.locked = true }],
    ['deleteUser', 'outsider@example.test', async () => await api('DELETE', `/api/backend/v1/user/${SEEDED.outsider}`)]
  ]
  for (const [how, email, end] of cases) {
    const first = standIn.createSession(email)
    const second = standIn.createSession(email)
    const bystander = standIn.createSession('member@acme.test')
    t.equal((await refresh(standIn, { cookie: first.cookieHeader })).status, 200, `${how}: signed in before`)
    await end()
    t.equal((await refresh(standIn, { cookie: first.cookieHeader })).status, 401, `${how}: the next refresh is a 401`)
    t.equal((await refresh(standIn, { cookie: second.cookieHeader })).status, 401, `${how}: every session of the user`)
    if (email !== 'member@acme.test') t.equal((await refresh(standIn, { cookie: bystander.cookieHeader })).status, 200, `${how}: nobody else's`)
  }
  // Enabling or unlocking again does not bring an ended session back.
  await api('POST', `/api/backend/v1/user/${SEEDED.admin}/enable`)
  standIn.state.users.get(SEEDED.owner)!.locked = false
  t.equal(standIn.state.sessions.of(SEEDED.admin, standIn.state.nowSeconds()).length, 0)
  t.equal(standIn.state.sessions.of(SEEDED.owner, standIn.state.nowSeconds()).length, 0)
})

test('CORS: loopback origins and listed ones get the exact origin with credentials; others are refused', async (t) => {
  const clock = createManualClock()
  const { standIn } = await harness(t, { allowedOrigins: ['https://app.example.test'], now: clock.now })
  const { cookieHeader: cookie } = standIn.createSession('member@acme.test')
  for (const origin of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:5173', 'https://localhost', 'https://app.example.test', standIn.authUrl]) {
    const preflight = await fetch(`${standIn.authUrl}/api/v1/refresh_token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type' } })
    t.equal(preflight.status, 204, `${origin}: preflight`)
    t.equal(preflight.headers.get('access-control-allow-origin'), origin)
    t.equal(preflight.headers.get('access-control-allow-credentials'), 'true')
    t.match(preflight.headers.get('access-control-allow-headers'), /content-type/i)
    t.match(preflight.headers.get('access-control-allow-methods'), /GET/)
    t.equal(preflight.headers.get('vary'), 'Origin')
    const answer = await refresh(standIn, { cookie, origin })
    t.equal(answer.status, 200, `${origin}: refresh`)
    t.equal(answer.headers.get('access-control-allow-origin'), origin)
  }
  const lastActive = standIn.state.users.get(SEEDED.member)!.lastActiveAt
  clock.advance(60_000) // a refresh that went through would move lastActiveAt
  for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'null', 'http://app.example.test', 'https://app.example.test:8443', 'not a url']) {
    const preflight = await fetch(`${standIn.authUrl}/api/v1/refresh_token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })
    t.equal(preflight.status, 403, `${origin}: preflight refused`)
    t.equal(preflight.headers.get('access-control-allow-origin'), null)
    const answer = await refresh(standIn, { cookie, origin })
    t.equal(answer.status, 403, `${origin}: refresh refused`)
    t.equal(answer.headers.get('access-control-allow-origin'), null)
    t.equal(answer.headers.get('vary'), 'Origin')
    t.notOk('access_token' in answer.body)
    t.match(answer.body.user_facing_error, /may not use this auth URL.*allowedOrigins/)
    t.equal((await logout(standIn, { cookie, origin })).status, 403, `${origin}: logout refused`)
  }
  t.equal(standIn.state.users.get(SEEDED.member)!.lastActiveAt, lastActive, 'nothing changed')
  t.equal((await refresh(standIn, { cookie })).status, 200, 'the session survived the refused logouts')
})

test('POST /api/v1/logout ends the session and answers { redirect_to }', async (t) => {
  const { standIn } = await harness(t)
  const session = standIn.createSession('member@acme.test')
  const preflight = await fetch(`${standIn.authUrl}/api/v1/logout`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
  t.equal(preflight.status, 204)
  t.match(preflight.headers.get('access-control-allow-methods'), /POST/)
  const answer = await logout(standIn, { cookie: session.cookieHeader, origin: APP })
  t.equal(answer.status, 200)
  t.same(answer.body, { redirect_to: `${standIn.authUrl}/login` })
  t.equal(answer.headers.get('cache-control'), 'no-store')
  t.equal(answer.headers.get('access-control-allow-origin'), APP)
  t.match(answer.headers.getSetCookie().join('\n'), new RegExp(`${session.cookie.name}=;.*Max-Age=0`))
  t.equal((await refresh(standIn, { cookie: session.cookieHeader })).status, 401)
  t.equal((await logout(standIn)).status, 200, 'logging out with no session is fine too')
})

test('frontendTokenMinutes sets the lifetime of refresh tokens; reset() ends every session', async (t) => {
  const { standIn } = await harness(t, { frontendTokenMinutes: 90 })
  const session = standIn.createSession('member@acme.test')
  const claims = claimsOf((await refresh(standIn, { cookie: session.cookieHeader })).body.access_token)
  t.equal(claims.exp - claims.iat, 90 * 60)
  standIn.reset()
  t.equal((await refresh(standIn, { cookie: session.cookieHeader })).status, 401)
})

test('createSession: the cookie in the shape a browser context takes; unknown, disabled and locked users are refused', async (t) => {
  const { standIn } = await harness(t)
  const session = standIn.createSession(SEEDED.member, { loginMethod: { login_method: 'magic_link' } })
  t.same(session.cookie, {
    name: `standin_session_${new URL(standIn.authUrl).port}`,
    value: session.cookie.value,
    url: `${standIn.authUrl}/`,
    httpOnly: true,
    secure: false,
    sameSite: 'Lax',
    expires: standIn.state.nowSeconds() + SESSION_LIFETIME_SECONDS
  })
  t.equal(session.userId, SEEDED.member)
  t.same(claimsOf((await refresh(standIn, { cookie: session.cookieHeader })).body.access_token).login_method, { login_method: 'magic_link' })
  t.throws(() => standIn.createSession('nobody@acme.test'), /no user nobody@acme.test/)
  standIn.state.users.get(SEEDED.admin)!.enabled = false
  t.throws(() => standIn.createSession('admin@acme.test'), /disabled/)
  standIn.state.users.get(SEEDED.owner)!.locked = true
  t.throws(() => standIn.createSession('owner@acme.test'), /locked/)
})

test('wrong options fail at start, naming the option and the fix', async (t) => {
  const keyPair = await sharedKeyPair()
  await t.rejects(startStandIn({ keyPair, allowedOrigins: ['https://app.example.test/'] }), /allowedOrigins\[0\] must be an origin as browsers send it, "https:\/\/app.example.test"/)
  await t.rejects(startStandIn({ keyPair, allowedOrigins: ['ftp://files.example.test'] }), /allowedOrigins\[0\] must be an http or https origin/)
  await t.rejects(startStandIn({ keyPair, allowedOrigins: ['app.example.test'] }), /allowedOrigins\[0\] is not a URL/)
  // @ts-expect-error: not a list
  await t.rejects(startStandIn({ keyPair, allowedOrigins: 'https://app.example.test' }), /allowedOrigins must be a list of origins/)
  await t.rejects(startStandIn({ keyPair, frontendTokenMinutes: 0 }), /frontendTokenMinutes must be a number of minutes > 0/)
  await t.rejects(startStandIn({ keyPair, frontendTokenMinutes: Number.NaN }), /frontendTokenMinutes/)
})

test('the backend API still wants its key; the browser endpoints do not take it', async (t) => {
  const { standIn } = await harness(t)
  t.equal((await fetch(`${standIn.authUrl}/api/backend/v1/user/${SEEDED.member}`)).status, 401)
  t.equal((await fetch(`${standIn.authUrl}/api/v1/token_verification_metadata`)).status, 401)
  t.equal((await refresh(standIn)).status, 401)
  t.equal((await refresh(standIn, { cookie: standIn.createSession('member@acme.test').cookieHeader })).status, 200)
})
