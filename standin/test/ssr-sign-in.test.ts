import { test } from 'tap'
import { createManualClock, REFRESH_TOKEN_GRACE_SECONDS } from '../index.js'
import { claimsOf, harness, SEEDED } from './helpers/harness.js'
import { sessionCookieSet, submit, visit } from './helpers/auth-url.js'
import { appPost, appSignIn, authorize, authorizePath, CALLBACK, exchange, refreshWith, signInCookie, userinfo } from './helpers/ssr.js'

// PropelAuth's server-side sign-in, the protocol of @propelauth/nextjs, driven
// by plain HTTP: the browser's part with a cookie by hand, the app server's
// part as that library makes its calls.

test('the whole cycle: hosted login with MFA, authorize, code, token, refresh, org, userinfo, logout', async (t) => {
  const { standIn } = await harness(t)
  const state = 'f'.repeat(64)
  const start = authorizePath(CALLBACK, state)

  // No session: the hosted login page, coming back to authorize after.
  const toLogin = await authorize(standIn, start)
  t.equal(toLogin.status, 303)
  const loginUrl = new URL(toLogin.headers.get('location')!, standIn.authUrl)
  t.equal(loginUrl.pathname, '/login')
  t.equal(Buffer.from(loginUrl.searchParams.get('rt')!, 'base64').toString(), `${standIn.authUrl}${start}`)
  t.equal((await visit(standIn, loginUrl.pathname + loginUrl.search)).status, 200)

  // The admin has TOTP: password, then the code, then back to authorize.
  const password = await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'password', rt: loginUrl.searchParams.get('rt')! })
  t.equal(password.status, 200)
  const signIn = /name="sign_in" value="([^"]+)"/.exec(password.body)![1]
  const mfa = await submit(standIn, '/hosted/login/mfa', { sign_in: signIn, code: standIn.mfaCode })
  t.equal(mfa.status, 303)
  t.equal(mfa.headers.get('location'), `${standIn.authUrl}${start}`)
  const cookie = sessionCookieSet(mfa)!

  const back = await authorize(standIn, start, cookie)
  t.equal(back.status, 302)
  t.equal(back.headers.get('cache-control'), 'no-store')
  const location = new URL(back.headers.get('location')!)
  t.equal(`${location.origin}${location.pathname}`, CALLBACK)
  t.equal(location.searchParams.get('state'), state)
  const code = location.searchParams.get('code')!
  t.match(code, /^[0-9a-f]{64}$/)

  // The app's callback exchanges the code: flat tokens.
  const tokens = await exchange(standIn, code)
  t.equal(tokens.status, 200)
  t.same(Object.keys(tokens.body).sort(), ['access_token', 'refresh_token'])
  const claims = claimsOf(tokens.body.access_token)
  t.equal(claims.user_id, SEEDED.admin)
  t.equal(claims.iss, standIn.authUrl)
  t.ok(claims.org_id_to_org_member_info[SEEDED.acme])
  t.equal(claims.org_member_info, undefined)
  t.equal(claims.exp - claims.iat, 1800, 'the default lifetime')
  t.same(claims.login_method, { login_method: 'password' })

  // Refresh: a new refresh token every time, a nested access token.
  const first = await refreshWith(standIn, tokens.body.refresh_token)
  t.equal(first.status, 200)
  t.same(Object.keys(first.body).sort(), ['access_token', 'refresh_token'])
  t.same(Object.keys(first.body.access_token).sort(), ['access_token', 'expires_at_seconds'])
  t.not(first.body.refresh_token, tokens.body.refresh_token, 'rotated')
  t.equal(first.body.access_token.expires_at_seconds, claimsOf(first.body.access_token.access_token).exp)

  // An active org: a token scoped to it.
  const org = await refreshWith(standIn, first.body.refresh_token, SEEDED.acme)
  t.equal(org.status, 200)
  const orgClaims = claimsOf(org.body.access_token.access_token)
  t.equal(orgClaims.org_member_info.org_id, SEEDED.acme)
  t.equal(orgClaims.org_member_info.user_role, 'Admin')
  t.equal(orgClaims.org_id_to_org_member_info, undefined)

  const info = await userinfo(standIn, org.body.access_token.access_token)
  t.equal(info.status, 200)
  t.same(Object.keys(info.body).sort(), [
    'can_create_orgs', 'created_at', 'email', 'email_confirmed', 'first_name', 'has_password', 'last_active_at', 'last_name',
    'mfa_enabled', 'org_id_to_org_info', 'properties', 'update_password_required', 'user_id'
  ].sort(), 'the fields PropelAuth lists, those without a value left out')
  t.match(info.body, { user_id: SEEDED.admin, email: 'admin@acme.test', first_name: 'Grace', mfa_enabled: true, update_password_required: false })
  t.ok(info.body.org_id_to_org_info[SEEDED.acme])

  // The app signs out: that token and every one from the same sign-in are dead.
  t.same((await appPost(standIn, '/api/backend/v1/logout', { refresh_token: org.body.refresh_token })).body, {})
  t.equal((await refreshWith(standIn, org.body.refresh_token)).status, 401)
  t.equal((await refreshWith(standIn, first.body.refresh_token)).status, 401, 'a token still within its grace goes too')
  t.equal((await appPost(standIn, '/api/backend/v1/logout', { refresh_token: org.body.refresh_token })).status, 200, 'signing out twice is no error')

  // The browser's session at the auth URL lives on: signing in again needs no form.
  t.equal((await authorize(standIn, start, cookie)).status, 302)
})

test('sign-up: signup=true sends a browser with no session to the sign-up page, and back', async (t) => {
  const { standIn } = await harness(t)
  const start = authorizePath(CALLBACK, 'b'.repeat(64), true)
  const toSignup = await authorize(standIn, start)
  const signupUrl = new URL(toSignup.headers.get('location')!, standIn.authUrl)
  t.equal(signupUrl.pathname, '/signup')
  const created = await submit(standIn, '/hosted/signup', { email: 'new@example.test', password: 'a long password', rt: signupUrl.searchParams.get('rt')! })
  t.equal(created.status, 303)
  t.equal(created.headers.get('location'), `${standIn.authUrl}${start}`)
  const code = new URL((await authorize(standIn, start, sessionCookieSet(created)!)).headers.get('location')!).searchParams.get('code')!
  const tokens = await exchange(standIn, code)
  t.equal(claimsOf(tokens.body.access_token).email, 'new@example.test')
})

test('refresh tokens rotate; the old one works for a short grace, for racing refreshes, then never', async (t) => {
  const clock = createManualClock()
  const { standIn } = await harness(t, { now: clock.now })
  const { refreshToken } = await appSignIn(standIn)
  const a = await refreshWith(standIn, refreshToken)
  const b = await refreshWith(standIn, refreshToken)
  t.equal(a.status, 200)
  t.equal(b.status, 200, 'a second refresh of the same token, racing the first, is not signed out')
  t.not(a.body.refresh_token, b.body.refresh_token)
  clock.advance(REFRESH_TOKEN_GRACE_SECONDS * 1000)
  t.equal((await refreshWith(standIn, refreshToken)).status, 401, 'after the grace the old token is dead')
  t.equal((await refreshWith(standIn, a.body.refresh_token)).status, 200, 'its successors live')
  t.equal((await refreshWith(standIn, b.body.refresh_token)).status, 200)
})

test('org scoping: 401 outside the org, and the refresh token survives the refusal', async (t) => {
  const { standIn } = await harness(t)
  const { refreshToken } = await appSignIn(standIn, 'outsider@example.test')
  const refused = await refreshWith(standIn, refreshToken, SEEDED.acme)
  t.equal(refused.status, 401)
  t.match(refused.body, { user_facing_error: /not a member/ })
  t.equal((await refreshWith(standIn, refreshToken, 'no-such-org')).status, 401)
  t.equal((await refreshWith(standIn, refreshToken)).status, 200, 'not spent by the refusal')

  const member = await appSignIn(standIn)
  standIn.features.orgs = false
  t.equal((await refreshWith(standIn, member.refreshToken, SEEDED.acme)).status, 401, 'no orgs in the project: no org token')
  const plain = await refreshWith(standIn, member.refreshToken)
  t.same(claimsOf(plain.body.access_token.access_token).org_id_to_org_member_info, {})
})

test('access-token lifetime: an option, changeable while running, back to the option on reset', async (t) => {
  const { standIn } = await harness(t, { ssrAccessTokenSeconds: 5 })
  t.equal(standIn.ssrAccessTokenSeconds, 5)
  const { accessToken, refreshToken } = await appSignIn(standIn)
  const claims = claimsOf(accessToken)
  t.equal(claims.exp - claims.iat, 5)
  standIn.ssrAccessTokenSeconds = 90
  const refreshed = await refreshWith(standIn, refreshToken)
  const next = claimsOf(refreshed.body.access_token.access_token)
  t.equal(next.exp - next.iat, 90)
  t.equal(refreshed.body.access_token.expires_at_seconds, next.exp)
  t.throws(() => { standIn.ssrAccessTokenSeconds = 0 }, /ssrAccessTokenSeconds must be a whole number of seconds > 0/)
  standIn.reset()
  t.equal(standIn.ssrAccessTokenSeconds, 5)
  await t.rejects(harness(t, { ssrAccessTokenSeconds: 1.5 }), /ssrAccessTokenSeconds/)
})

test('userinfo: 401 without a token, with a foreign or expired one, or for a disabled user', async (t) => {
  const clock = createManualClock()
  const { standIn } = await harness(t, { now: clock.now, ssrAccessTokenSeconds: 60 })
  const { accessToken } = await appSignIn(standIn)
  t.equal((await userinfo(standIn, accessToken)).status, 200)
  const none = await fetch(`${standIn.authUrl}/propelauth/oauth/userinfo`)
  t.equal(none.status, 401)
  t.equal((await userinfo(standIn, 'not.a.token')).status, 401)
  const tampered = accessToken.slice(0, -4) + (accessToken.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  t.equal((await userinfo(standIn, tampered)).status, 401)
  const other = await harness(t)
  t.equal((await userinfo(standIn, await other.standIn.createAccessToken('member@acme.test'))).status, 401, 'another issuer and key')
  standIn.state.users.get(SEEDED.member)!.enabled = false
  t.equal((await userinfo(standIn, accessToken)).status, 401)
  standIn.state.users.get(SEEDED.member)!.enabled = true
  clock.advance(61_000)
  t.equal((await userinfo(standIn, accessToken)).status, 401, 'expired')
})

test('hosted sign-out: the browser goes to the app\'s logout path, and the app\'s refresh token is dead', async (t) => {
  const { standIn } = await harness(t)
  const { cookie, refreshToken } = await appSignIn(standIn)
  const out = await submit(standIn, '/hosted/logout', {}, { cookie })
  t.equal(out.status, 303)
  t.equal(out.headers.get('location'), 'http://localhost:3000/api/auth/logout')
  t.equal((await refreshWith(standIn, refreshToken)).status, 401, 'ending the browser session ended the app\'s')

  const plain = await signInCookie(standIn)
  t.equal((await submit(standIn, '/hosted/logout', {}, { cookie: plain })).headers.get('location'), '/login', 'a session that signed no app in: the login page, as before')

  const configured = await harness(t, { logoutRedirectUrl: 'https://app.example.test/bye' })
  const session = await signInCookie(configured.standIn)
  t.equal((await submit(configured.standIn, '/hosted/logout', {}, { cookie: session })).headers.get('location'), 'https://app.example.test/bye')
  await t.rejects(harness(t, { logoutRedirectUrl: '/relative' }), /logoutRedirectUrl must be an absolute http or https URL/)
})

test('secrets stay out of the call log: codes and refresh tokens travel in bodies, or are redacted', async (t) => {
  const { standIn } = await harness(t)
  const { cookie, refreshToken } = await appSignIn(standIn)
  const code = new URL((await authorize(standIn, authorizePath(CALLBACK), cookie)).headers.get('location')!).searchParams.get('code')!
  await fetch(`${standIn.authUrl}/propelauth/ssr/authorize?code=${code}&refresh_token=${refreshToken}&redirect_uri=x`)
  const log = JSON.stringify(standIn.calls)
  t.notMatch(log, code)
  t.notMatch(log, refreshToken)
  t.match(log, 'code=[REDACTED]')
})
