import { test } from 'tap'
import { createManualClock, SSR_CODE_LIFETIME_SECONDS } from '../index.js'
import { harness, SEEDED } from './helpers/harness.js'
import { appPost, appSignIn, authorize, authorizePath, CALLBACK, codeFor, exchange, refreshWith, signInCookie } from './helpers/ssr.js'

// What server-side sign-in refuses, and how: codes that are spent, expired or
// for another redirect URI, wrong API keys, redirect URIs nobody registered,
// and refresh tokens of users signed out by an administrator.

test('codes: single-use, short-lived, bound to their redirect_uri; refused with 400', async (t) => {
  const clock = createManualClock()
  const { standIn } = await harness(t, { now: clock.now })
  const cookie = await signInCookie(standIn)

  const code = await codeFor(standIn, cookie)
  t.equal((await exchange(standIn, code)).status, 200)
  const replay = await exchange(standIn, code)
  t.equal(replay.status, 400, 'a spent code')
  t.match(replay.body, { error: 'invalid_grant', user_facing_error: String })

  const other = await codeFor(standIn, cookie)
  t.match(await exchange(standIn, other, 'http://localhost:3000/api/auth/callback/'), { status: 400, body: { error: 'invalid_grant' } }, 'another redirect_uri')
  t.equal((await exchange(standIn, other)).status, 400, 'and the wrong try spent it')

  const late = await codeFor(standIn, cookie)
  clock.advance(SSR_CODE_LIFETIME_SECONDS * 1000)
  t.equal((await exchange(standIn, late)).status, 400, 'expired')

  const ontime = await codeFor(standIn, cookie)
  clock.advance((SSR_CODE_LIFETIME_SECONDS - 1) * 1000)
  t.equal((await exchange(standIn, ontime)).status, 200, 'just in time')

  t.equal((await exchange(standIn, 'f'.repeat(64))).status, 400, 'made up')
  t.match(await appPost(standIn, '/propelauth/ssr/token', { code: 'x' }), { status: 400, body: { redirect_uri: [String] } })
  t.match(await appPost(standIn, '/propelauth/ssr/token', { redirect_uri: CALLBACK }), { status: 400, body: { code: [String] } })

  const signedOut = await codeFor(standIn, cookie)
  await fetch(`${standIn.authUrl}/hosted/logout`, { method: 'POST', headers: { cookie, origin: standIn.authUrl }, redirect: 'manual' })
  t.equal((await exchange(standIn, signedOut)).status, 400, 'the browser signed out before the app exchanged it')
})

test('API key: 401 without it or with another, on the token, refresh and logout endpoints; the code survives', async (t) => {
  const { standIn } = await harness(t)
  const code = await codeFor(standIn, await signInCookie(standIn))
  t.match(await exchange(standIn, code, CALLBACK, 'wrong'), { status: 401, body: { user_facing_error: /API key/ } })
  const bare = await fetch(`${standIn.authUrl}/propelauth/ssr/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uri: CALLBACK, code }) })
  t.equal(bare.status, 401)
  const tokens = await exchange(standIn, code)
  t.equal(tokens.status, 200, 'a refused call spends no code')
  const refresh = tokens.body.refresh_token as string
  t.equal((await appPost(standIn, '/api/backend/v1/refresh_token', { refresh_token: refresh }, 'wrong')).status, 401)
  t.equal((await appPost(standIn, '/api/backend/v1/logout', { refresh_token: refresh }, 'wrong')).status, 401)
  t.equal((await refreshWith(standIn, refresh)).status, 200, 'nor a refresh token')
  t.match(await appPost(standIn, '/api/backend/v1/refresh_token', {}), { status: 400, body: { refresh_token: [String] } })
  t.match(await appPost(standIn, '/api/backend/v1/logout', {}), { status: 400, body: { refresh_token: [String] } })
  t.equal((await refreshWith(standIn, 'made-up')).status, 401)
})

test('redirect URIs: loopback by default; registered ones exactly; anything else a 400 page, never a redirect', async (t) => {
  const registered = 'https://app.example.test/api/auth/callback'
  const { standIn } = await harness(t, { redirectUris: [registered] })
  const cookie = await signInCookie(standIn)
  for (const uri of [registered, CALLBACK, 'http://127.0.0.1:8080/cb', 'http://[::1]:9/api/auth/callback', 'https://localhost/cb']) {
    const answer = await authorize(standIn, authorizePath(uri), cookie)
    t.equal(answer.status, 302, uri)
    t.equal(new URL(answer.headers.get('location')!).pathname, new URL(uri).pathname)
  }
  const refused = [
    'https://app.example.test/api/auth/callback/more',
    'https://app.example.test/api/auth',
    'https://app.example.test/api/auth/callbackx',
    'https://app.example.test:8443/api/auth/callback',
    'http://app.example.test/api/auth/callback',
    'https://evil.example.test/api/auth/callback',
    'https://app.example.test.evil.test/api/auth/callback',
    'https://app.example.test/api/auth/callback#frag',
    'javascript:alert(1)',
    '/api/auth/callback',
    ''
  ]
  for (const uri of refused) {
    for (const browserCookie of [cookie, undefined]) {
      const page = await authorize(standIn, authorizePath(uri), browserCookie)
      t.equal(page.status, 400, `${uri} ${browserCookie === undefined ? 'signed out' : 'signed in'}`)
      t.equal(page.headers.get('location'), null)
      t.match(page.headers.get('content-type'), /^text\/html/)
      t.match(page.body, /role="alert"/)
    }
  }
  const json = await authorize(standIn, authorizePath('https://evil.example.test/cb'), cookie, 'application/json')
  t.match(json, { status: 400, body: { error: 'invalid_request', error_description: /not registered/ } })
  t.equal((await authorize(standIn, '/propelauth/ssr/authorize?state=x', cookie)).status, 400, 'no redirect_uri')
  t.equal((await authorize(standIn, `${authorizePath(CALLBACK)}&redirect_uri=${encodeURIComponent(CALLBACK)}`, cookie)).status, 400, 'two')

  await t.rejects(harness(t, { redirectUris: ['app.example.test/cb'] }), /redirectUris\[0\] must be an absolute http or https URL/)
  await t.rejects(harness(t, { redirectUris: ['https://app.example.test/cb#x'] }), /redirectUris\[0\]/)
})

test('revocation: disabling, locking, deleting a user and logoutAllUserSessions end their refresh tokens', async (t) => {
  const { standIn, api } = await harness(t)
  const member = SEEDED.member

  let session = await appSignIn(standIn)
  t.equal((await api('POST', `/api/backend/v1/user/${member}/disable`)).status, 200)
  t.equal((await refreshWith(standIn, session.refreshToken)).status, 401, 'disabled')
  await api('POST', `/api/backend/v1/user/${member}/enable`)
  t.equal((await refreshWith(standIn, session.refreshToken)).status, 401, 'and enabling again does not bring it back')

  session = await appSignIn(standIn)
  standIn.state.users.get(member)!.locked = true
  t.equal((await refreshWith(standIn, session.refreshToken)).status, 401, 'locked')
  standIn.state.users.get(member)!.locked = false
  t.equal((await refreshWith(standIn, session.refreshToken)).status, 401, 'and unlocking does not bring it back')

  session = await appSignIn(standIn)
  const code = await codeFor(standIn, await signInCookie(standIn))
  t.equal((await api('POST', `/api/backend/v1/user/${member}/logout_all_sessions`)).status, 200)
  t.equal((await refreshWith(standIn, session.refreshToken)).status, 401, 'logged out everywhere')
  t.equal((await exchange(standIn, code)).status, 400, 'codes not yet exchanged go too')

  session = await appSignIn(standIn)
  t.equal((await api('DELETE', `/api/backend/v1/user/${member}`)).status, 200)
  t.equal((await refreshWith(standIn, session.refreshToken)).status, 401, 'deleted')
})
