import { test } from 'tap'
import { createManualClock, FAILED_SIGN_IN_LIMIT } from '../index.js'
import { harness, readResponse, SEEDED } from './helpers/harness.js'
import { refresh, rt, sessionCookieSet, submit, visit } from './helpers/auth-url.js'

// The hosted pages PropelAuth's browser client links to, driven without a
// browser: what each page shows, what each form does, and how bad input is
// answered (a 4xx page with a message, never a 500, nothing changed).
const APP = 'http://localhost:5173/dashboard'

test('GET /login: a form with labelled email and password fields that keeps rt; uncacheable, unframeable', async (t) => {
  const { standIn } = await harness(t)
  const page = await visit(standIn, `/login?rt=${encodeURIComponent(rt(APP))}`)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /^text\/html; charset=utf-8/)
  t.equal(page.headers.get('cache-control'), 'no-store')
  t.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/)
  t.match(page.body, /<form method="post" action="\/hosted\/login">/)
  t.match(page.body, /<label for="email">Email<\/label>\s*<input id="email" name="email" type="email"/)
  t.match(page.body, /<label for="password">Password<\/label>\s*<input id="password" name="password" type="password"/)
  t.match(page.body, `<input type="hidden" name="rt" value="${rt(APP)}">`)
  t.match(page.body, `href="/signup?rt=${encodeURIComponent(rt(APP))}"`, 'the sign-up link keeps rt')
})

test('signing in: a 303 to rt with an HttpOnly, SameSite session cookie; with no rt, the account page', async (t) => {
  const { standIn } = await harness(t)
  const answer = await submit(standIn, '/hosted/login', { email: 'member@acme.test', password: 'password', rt: rt(APP) })
  t.equal(answer.status, 303)
  t.equal(answer.headers.get('location'), APP)
  t.equal(answer.headers.get('cache-control'), 'no-store')
  const setCookie = answer.headers.getSetCookie().find((line) => line.startsWith('standin_session'))!
  t.match(setCookie, /; HttpOnly/)
  t.match(setCookie, /; SameSite=Lax/)
  t.match(setCookie, /; Path=\//)
  t.match(setCookie, /; Max-Age=1209600/)
  t.notMatch(setCookie, /Secure/, 'not Secure on an http auth URL')
  t.equal((await refresh(standIn, { cookie: sessionCookieSet(answer) })).status, 200)

  const plain = await submit(standIn, '/hosted/login', { email: 'MEMBER@acme.test', password: 'password' })
  t.equal(plain.headers.get('location'), '/account', 'emails match in any case')

  const again = await visit(standIn, `/login?rt=${encodeURIComponent(rt(APP))}`, { cookie: sessionCookieSet(plain) })
  t.equal(again.status, 303, 'signed in already: the login page sends the browser straight on')
  t.equal(again.headers.get('location'), APP)
})

test('refused sign-ins: the form again with a message, and no session', async (t) => {
  const { standIn } = await harness(t)
  standIn.state.users.get(SEEDED.member)!.enabled = false
  standIn.state.users.get(SEEDED.outsider)!.locked = true
  const passwordless = standIn.state.newUser({ userId: '0e2c9c1a-0000-4000-8000-00000000a0ff', email: 'nopassword@acme.test' })
  standIn.state.users.set(passwordless.userId, passwordless)
  const cases: Array<[Record<string, string>, number, RegExp]> = [
    [{ email: 'admin@acme.test', password: 'wrong' }, 403, /Incorrect email or password/],
    [{ email: 'nobody@acme.test', password: 'password' }, 403, /Incorrect email or password/],
    [{ email: 'nopassword@acme.test', password: 'password' }, 403, /Incorrect email or password/],
    [{ email: 'member@acme.test', password: 'wrong' }, 403, /Incorrect email or password/],
    [{ email: 'member@acme.test', password: 'password' }, 403, /This account is disabled/],
    [{ email: 'outsider@example.test', password: 'password' }, 403, /This account is locked/],
    [{}, 400, /Enter your email and your password/],
    [{ email: 'admin@acme.test' }, 400, /Enter your email and your password/],
    [{ email: 'admin@acme.test', password: '' }, 400, /Enter your email and your password/],
    [{ email: '   ', password: 'password' }, 400, /Enter your email and your password/]
  ]
  const users = standIn.state.users.size
  for (const [fields, status, message] of cases) {
    const answer = await submit(standIn, '/hosted/login', fields)
    t.equal(answer.status, status, JSON.stringify(fields))
    t.match(answer.body, message)
    t.match(answer.body, /role="alert"/)
    t.match(answer.body, /<form method="post" action="\/hosted\/login">/, 'with the form to try again')
    t.equal(sessionCookieSet(answer), undefined, 'no session cookie')
  }
  t.equal(standIn.state.users.size, users)
  for (const userId of [SEEDED.admin, SEEDED.member, SEEDED.outsider]) t.equal(standIn.state.sessions.of(userId, standIn.state.nowSeconds()).length, 0)

  const json = await readResponse(await fetch(`${standIn.authUrl}/hosted/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' }))
  t.equal(json.status, 400, 'a body that is no form: the page with a message')
  const text = await readResponse(await fetch(`${standIn.authUrl}/hosted/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'email=x' }))
  t.match(text, { status: 400, body: /Enter your email/ }, 'nor is plain text')
})

test('a form posted from another site is refused', async (t) => {
  const { standIn } = await harness(t)
  for (const path of ['/hosted/login', '/hosted/signup', '/hosted/login/mfa', '/hosted/account', '/hosted/create_org', '/hosted/logout']) {
    const answer = await submit(standIn, path, { email: 'member@acme.test', password: 'password', name: 'Evil Inc' }, { origin: 'https://evil.example' })
    t.equal(answer.status, 403, path)
    t.match(answer.body, /accepts posts from the stand-in&#39;s own pages only/)
    t.equal(sessionCookieSet(answer), undefined)
  }
  t.equal(standIn.state.sessions.of(SEEDED.member, standIn.state.nowSeconds()).length, 0)
  t.notOk(standIn.state.findOrgByName('Evil Inc'))
})

test('a bad rt: a 400 page saying why, with no form, on every page that takes one', async (t) => {
  const { standIn } = await harness(t)
  const session = standIn.createSession('member@acme.test')
  const bad: Array<[string, RegExp]> = [
    ['not base64 !', /not base64/],
    ['%%%', /not base64/],
    [rt('not a url'), /does not decode to an absolute URL/],
    [rt('javascript:alert(1)'), /must be an http or https URL/],
    [rt('https://evil.example/'), /goes to https:\/\/evil.example, which this project does not allow/],
    [rt('http://localhost:3000@evil.example/'), /goes to http:\/\/evil.example/],
    ['A'.repeat(5000), /too long/]
  ]
  for (const [value, message] of bad) {
    for (const path of ['/login', '/signup', '/account', '/org', '/create_org']) {
      const page = await visit(standIn, `${path}?rt=${encodeURIComponent(value)}`, { cookie: session.cookieHeader })
      t.equal(page.status, 400, `${path} rt=${value.slice(0, 30)}`)
      t.match(page.body, message)
      t.notMatch(page.body, /type="password"/)
      t.notMatch(page.body, /<script/i)
    }
    const posted = await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'password', rt: value })
    t.equal(posted.status, 400)
    t.equal(posted.headers.get('location'), null, 'not followed')
  }
  const twice = await visit(standIn, `/login?rt=${rt(APP)}&rt=${rt(APP)}`)
  t.equal(twice.status, 400)
  t.match(twice.body, /more than once/)
  t.equal(standIn.state.sessions.of(SEEDED.admin, standIn.state.nowSeconds()).length, 0, 'no session from any of them')
  const spaces = await visit(standIn, `/login?rt=${rt('http://localhost:3000/?a=b>').replaceAll('+', ' ')}`)
  t.equal(spaces.status, 200, 'a + that arrived as a space still decodes')
})

test('MFA: the code step after the password; wrong codes, expiry and attempts; then a session', async (t) => {
  const clock = createManualClock()
  const { standIn } = await harness(t, { now: clock.now, mfaCode: '424242' })
  const step = await submit(standIn, '/hosted/login', { email: 'owner@acme.test', password: 'password', rt: rt(APP) })
  t.equal(step.status, 200)
  t.equal(sessionCookieSet(step), undefined, 'no session before the code')
  t.match(step.body, /the code sent to your phone ending 0100/)
  t.match(step.body, /<label for="code">Verification code<\/label>/)
  const signIn = /name="sign_in" value="([0-9a-f]+)"/.exec(step.body)![1]

  t.match(await submit(standIn, '/hosted/login/mfa', { sign_in: signIn }), { status: 400, body: /Enter the verification code/ })
  t.match(await submit(standIn, '/hosted/login/mfa', { sign_in: 'f'.repeat(48), code: '424242' }), { status: 400, body: /expired or is not known/ })
  t.match(await submit(standIn, '/hosted/login/mfa', { code: '424242' }), { status: 400, body: /expired or is not known/ })
  const wrong = await submit(standIn, '/hosted/login/mfa', { sign_in: signIn, code: '123456' })
  t.match(wrong, { status: 403, body: /Incorrect verification code/ })
  t.equal(sessionCookieSet(wrong), undefined)

  const done = await submit(standIn, '/hosted/login/mfa', { sign_in: signIn, code: ' 424242 ' })
  t.equal(done.status, 303)
  t.equal(done.headers.get('location'), APP, 'the rt of the login form')
  t.equal((await refresh(standIn, { cookie: sessionCookieSet(done) })).body.user.user_id, SEEDED.owner)
  t.match(await submit(standIn, '/hosted/login/mfa', { sign_in: signIn, code: '424242' }), { status: 400 }, 'a sign-in is used once')

  const admin = /name="sign_in" value="([0-9a-f]+)"/.exec((await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'password' })).body)![1]
  for (let attempt = 1; attempt < 5; attempt++) t.equal((await submit(standIn, '/hosted/login/mfa', { sign_in: admin, code: '000000' })).status, 403)
  t.match(await submit(standIn, '/hosted/login/mfa', { sign_in: admin, code: '000000' }), { status: 403, body: /Too many incorrect codes/ })
  t.equal((await submit(standIn, '/hosted/login/mfa', { sign_in: admin, code: '424242' })).status, 400, 'the fifth wrong code ends the sign-in')

  const late = /name="sign_in" value="([0-9a-f]+)"/.exec((await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'password' })).body)![1]
  clock.advance(11 * 60_000)
  t.match(await submit(standIn, '/hosted/login/mfa', { sign_in: late, code: '424242' }), { status: 400, body: /expired/ })
  t.equal(standIn.state.sessions.of(SEEDED.admin, standIn.state.nowSeconds()).length, 0)
})

test('failed sign-ins: one limit per email for the login page, its MFA step and POST /login together', async (t) => {
  const clock = createManualClock()
  const { standIn } = await harness(t, { now: clock.now })
  const { max, windowSeconds } = FAILED_SIGN_IN_LIMIT
  const devLogin = async (username: string, password: string): Promise<number> =>
    (await fetch(`${standIn.apiBaseUrl}/login`, { method: 'POST', body: new URLSearchParams({ username, password }) })).status
  const signInId = (page: { body: string }): string => /name="sign_in" value="([0-9a-f]+)"/.exec(page.body)![1]

  for (let attempt = 0; attempt < max / 2; attempt++) {
    t.equal((await submit(standIn, '/hosted/login', { email: 'member@acme.test', password: 'wrong' })).status, 403)
    t.equal(await devLogin('member@acme.test', 'wrong'), 403)
  }
  const limited = await submit(standIn, '/hosted/login', { email: 'member@acme.test', password: 'password', rt: rt(APP) })
  t.equal(limited.status, 429, 'the right password waits once both doors together saw the limit')
  t.equal(limited.headers.get('retry-after'), String(windowSeconds))
  t.match(limited.body, `Too many failed sign-ins for this email: try again in ${windowSeconds} seconds.`)
  t.match(limited.body, /role="alert"/)
  t.match(limited.body, /<form method="post" action="\/hosted\/login">/, 'with the form, for later')
  t.equal(sessionCookieSet(limited), undefined, 'and no session')
  t.equal(await devLogin('member@acme.test', 'password'), 429)
  t.equal((await submit(standIn, '/hosted/login', { email: 'outsider@example.test', password: 'password' })).status, 303, 'another user signs in')

  // The MFA step: wrong codes count, and a sign-in already past its password waits too.
  const first = signInId(await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'password' }))
  for (let attempt = 0; attempt < 4; attempt++) t.equal((await submit(standIn, '/hosted/login/mfa', { sign_in: first, code: '000000' })).status, 403)
  for (let attempt = 4; attempt < max; attempt++) t.equal((await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'wrong' })).status, 403)
  const waiting = await submit(standIn, '/hosted/login/mfa', { sign_in: first, code: standIn.mfaCode })
  t.equal(waiting.status, 429, 'the right code waits too')
  t.ok(Number(waiting.headers.get('retry-after')) > 0)
  t.match(waiting.body, /Too many failed sign-ins for this email/)
  t.match(waiting.body, /<label for="code">Verification code<\/label>/, 'with the code form')
  t.equal(sessionCookieSet(waiting), undefined)
  t.equal((await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'password' })).status, 429)
  t.equal(standIn.state.sessions.of(SEEDED.admin, standIn.state.nowSeconds()).length, 0)

  clock.advance(windowSeconds * 1000)
  const again = signInId(await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'password' }))
  t.equal((await submit(standIn, '/hosted/login/mfa', { sign_in: again, code: standIn.mfaCode })).status, 303, 'after the window')
  t.equal((await submit(standIn, '/hosted/login', { email: 'member@acme.test', password: 'password' })).status, 303)
})

test('sign-up creates a user in the state, signs them in and keeps the signup parameters', async (t) => {
  const { standIn, api } = await harness(t)
  const page = await visit(standIn, `/signup?rt=${encodeURIComponent(rt(APP))}&utm_source=ad`)
  t.equal(page.status, 200)
  t.match(page.body, /<label for="email">Email<\/label>/)
  t.match(page.body, /name="signup_parameters" value="utm_source=ad"/)
  const answer = await submit(standIn, '/hosted/signup', { email: 'new@acme.test', password: 'long enough', first_name: 'Nova', last_name: '', rt: rt(APP), signup_parameters: 'utm_source=ad' })
  t.equal(answer.status, 303)
  t.equal(answer.headers.get('location'), APP)
  const user = standIn.state.findUserByEmail('new@acme.test')!
  t.match(user, { firstName: 'Nova', lastName: undefined, password: 'long enough', emailConfirmed: false, signupQueryParameters: { utm_source: 'ad' } })
  t.match(standIn.state.outbox.at(-1), { to: 'new@acme.test', kind: 'email_confirmation' })
  t.match((await refresh(standIn, { cookie: sessionCookieSet(answer) })).body.user, { user_id: user.userId, email: 'new@acme.test', first_name: 'Nova', email_confirmed: false })
  t.same((await api('GET', `/api/backend/v1/user/${user.userId}/signup_query_parameters`)).body, { user_signup_query_parameters: { utm_source: 'ad' } })

  const users = standIn.state.users.size
  const refused: Array<[Record<string, string>, RegExp]> = [
    [{ email: 'member@acme.test', password: 'long enough' }, /email: A user with this email already exists/],
    [{ email: 'short@acme.test', password: 'short' }, /password: Password must be at least 8 characters/],
    [{ email: 'not an email', password: 'long enough' }, /email: Invalid email address/],
    [{}, /email: This field is required. password: This field is required/]
  ]
  for (const [fields, message] of refused) {
    const again = await submit(standIn, '/hosted/signup', fields)
    t.equal(again.status, 400, JSON.stringify(fields))
    t.match(again.body, message)
    t.match(again.body, /action="\/hosted\/signup"/)
    t.equal(sessionCookieSet(again), undefined)
  }
  t.equal(standIn.state.users.size, users, 'no user made by a refused sign-up')
})

test('the account page: who is signed in, their orgs, a working name form and sign-out', async (t) => {
  const { standIn } = await harness(t)
  const away = await visit(standIn, '/account')
  t.equal(away.status, 303, 'signed out: to the login page first')
  t.equal(away.headers.get('location'), `/login?rt=${encodeURIComponent(rt(`${standIn.authUrl}/account`))}`)

  const { cookieHeader: cookie } = standIn.createSession('member@acme.test')
  standIn.state.users.get(SEEDED.member)!.lastName = '<b>Member</b>'
  const page = await visit(standIn, `/account?rt=${encodeURIComponent(rt(APP))}`, { cookie })
  t.equal(page.status, 200)
  t.match(page.body, '<strong id="signed-in-email">member@acme.test</strong>')
  t.match(page.body, '&lt;b&gt;Member&lt;/b&gt;', 'user data is escaped')
  t.notMatch(page.body, '<b>Member</b>')
  t.match(page.body, `<a href="/org?id=${SEEDED.acme}">Acme Inc</a>: Member`)
  t.match(page.body, `<a href="${APP}">Back to the app</a>`)

  const saved = await submit(standIn, '/hosted/account', { first_name: ' Lin ', last_name: '', rt: rt(APP) }, { cookie })
  t.equal(saved.status, 303)
  t.equal(saved.headers.get('location'), `/account?rt=${encodeURIComponent(rt(APP))}`)
  t.match((await refresh(standIn, { cookie })).body.user, { first_name: 'Lin', last_name: undefined })
  t.match(await submit(standIn, '/hosted/account', { first_name: 'X' }), { status: 401, body: /not signed in/ })

  const out = await submit(standIn, '/hosted/logout', {}, { cookie })
  t.equal(out.status, 303)
  t.equal(out.headers.get('location'), '/login')
  t.equal((await refresh(standIn, { cookie })).status, 401)
})

test('the org page: the org and its members, for members only', async (t) => {
  const { standIn } = await harness(t)
  const { cookieHeader: cookie } = standIn.createSession('admin@acme.test')
  for (const path of [`/org?id=${SEEDED.acme}`, '/org']) {
    const page = await visit(standIn, path, { cookie })
    t.equal(page.status, 200, path)
    t.match(page.body, '<h1>Acme Inc</h1>')
    t.match(page.body, '<strong id="your-role">Admin</strong>')
    for (const email of ['owner@acme.test', 'admin@acme.test', 'member@acme.test']) t.match(page.body, `<td>${email}</td>`)
  }
  t.match(await visit(standIn, '/org?id=7d3f6b2e-0000-4000-8000-0000000000ff', { cookie }), { status: 404, body: /not a member of this organization/ })
  t.match(await visit(standIn, '/org', { cookie: standIn.createSession('outsider@example.test').cookieHeader }), { status: 200, body: /not in any organization/ })
  t.equal((await visit(standIn, '/org')).status, 303, 'signed out: to the login page')
})

test('creating an org: the user holds its highest role and the next token says so', async (t) => {
  const { standIn } = await harness(t)
  const { cookieHeader: cookie } = standIn.createSession('outsider@example.test')
  t.match(await visit(standIn, '/create_org', { cookie }), { status: 200, body: /<label for="name">Organization name<\/label>/ })
  t.match(await submit(standIn, '/hosted/create_org', { name: '  ' }, { cookie }), { status: 400, body: /Give the organization a name/ })
  t.equal(standIn.state.orgs.size, 1, 'no org from a nameless form')

  const made = await submit(standIn, '/hosted/create_org', { name: 'Margaret Co' }, { cookie })
  t.equal(made.status, 303)
  const org = standIn.state.findOrgByName('Margaret Co')!
  t.equal(made.headers.get('location'), `/org?id=${org.orgId}`)
  t.match((await refresh(standIn, { cookie })).body.org_id_to_org_member_info[org.orgId], { org_name: 'Margaret Co', user_role: 'Owner', inherited_user_roles_plus_current_role: ['Owner', 'Admin', 'Member'] })
  t.equal((await submit(standIn, '/hosted/create_org', { name: 'Back Co', rt: rt(APP) }, { cookie })).headers.get('location'), APP)

  standIn.state.users.get(SEEDED.outsider)!.canCreateOrgs = false
  t.match(await visit(standIn, '/create_org', { cookie }), { status: 403, body: /may not create organizations/ })
  t.match(await submit(standIn, '/hosted/create_org', { name: 'Nope' }, { cookie }), { status: 403 })
  standIn.features.orgs = false
  t.match(await visit(standIn, '/create_org', { cookie }), { status: 403, body: /not enabled/ })
  t.notOk(standIn.state.findOrgByName('Nope'))
  t.match(await submit(standIn, '/hosted/create_org', { name: 'Nope' }), { status: 401 }, 'signed out')
})

test('POST /login, the OAuth2 password endpoint, works as before: JSON, no session; and uncacheable', async (t) => {
  const { standIn } = await harness(t)
  const answer = await readResponse(await fetch(`${standIn.apiBaseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' },
    body: new URLSearchParams({ username: 'member@acme.test', password: 'password' }).toString()
  }))
  t.equal(answer.status, 200)
  t.equal(answer.body.token_type, 'bearer')
  t.equal(answer.headers.get('access-control-allow-origin'), 'http://localhost:3000')
  t.equal(answer.headers.get('cache-control'), 'no-store')
  t.equal(answer.headers.getSetCookie().length, 0, 'no session cookie')
  t.equal(standIn.state.sessions.of(SEEDED.member, standIn.state.nowSeconds()).length, 0)
})
