import { test } from 'tap'
import { createManualClock } from '../index.js'
import { ADMIN_IN_ACME, claimsOf, harness, SEEDED } from './helpers/harness.js'

const USER = '/api/backend/v1/user'
const USER_METADATA_KEYS = ['can_create_orgs', 'created_at', 'email', 'email_confirmed', 'enabled', 'first_name', 'has_password', 'last_active_at', 'last_name', 'locked', 'mfa_enabled', 'properties', 'user_id']

test('fetch a user by id, email and username; 404 when unknown', async (t) => {
  const { api } = await harness(t)
  const byId = await api('GET', `${USER}/${SEEDED.owner}`)
  t.equal(byId.status, 200)
  t.same(Object.keys(byId.body).sort(), USER_METADATA_KEYS)
  t.match(byId.body, { user_id: SEEDED.owner, email: 'owner@acme.test', email_confirmed: true, has_password: true, mfa_enabled: true, enabled: true, locked: false })
  t.equal((await api('GET', `${USER}/email?email=OWNER%40acme.test`)).body.user_id, SEEDED.owner, 'emails match case-insensitively')
  t.equal((await api('GET', `${USER}/${crypto.randomUUID()}`)).status, 404)
  t.equal((await api('GET', `${USER}/email?email=nobody%40acme.test`)).status, 404)
  t.equal((await api('GET', `${USER}/username?username=nobody`)).status, 404)
  t.same((await api('GET', `${USER}/email`)).body, { email: ['This field is required'] })

  await api('PUT', `${USER}/${SEEDED.member}`, { username: 'linus' })
  t.equal((await api('GET', `${USER}/username?username=linus`)).body.user_id, SEEDED.member)
})

test('include_orgs=true adds org_id_to_org_info with the seven OrgMemberInfo keys', async (t) => {
  const { api } = await harness(t)
  const response = await api('GET', `${USER}/${SEEDED.admin}?include_orgs=true`)
  t.same(response.body.org_id_to_org_info, { [SEEDED.acme]: ADMIN_IN_ACME })
  t.notOk('org_id_to_org_info' in (await api('GET', `${USER}/${SEEDED.admin}?include_orgs=false`)).body)
  t.same((await api('GET', `${USER}/${SEEDED.admin}?include_orgs=maybe`)).body, { include_orgs: ['Expected true or false'] })
})

test('batch fetches answer an array of the users found, unknown ones left out', async (t) => {
  const { api } = await harness(t)
  const byIds = await api('POST', `${USER}/user_ids?`, { user_ids: [SEEDED.owner, crypto.randomUUID(), SEEDED.member] })
  t.equal(byIds.status, 200)
  t.same(byIds.body.map((user: any) => user.user_id).sort(), [SEEDED.owner, SEEDED.member].sort())
  const byEmails = await api('POST', `${USER}/emails?include_orgs=true`, { emails: ['admin@acme.test', 'nobody@acme.test'] })
  t.same(byEmails.body.map((user: any) => user.email), ['admin@acme.test'])
  t.ok(byEmails.body[0].org_id_to_org_info[SEEDED.acme])
  t.same((await api('POST', `${USER}/usernames`, { usernames: ['nobody'] })).body, [])
  t.same((await api('POST', `${USER}/user_ids`, { user_ids: 'x' })).body, { user_ids: ['Expected a list of strings'] })
  t.equal((await api('POST', `${USER}/user_ids`, { user_ids: Array.from({ length: 101 }, () => crypto.randomUUID()) })).status, 400)
})

test('fetchUsersByQuery pages (0-based), searches, orders and validates order_by', async (t) => {
  const { api } = await harness(t)
  const first = await api('GET', `${USER}/query?page_size=3&page_number=0&order_by=EMAIL`)
  t.same(first.body.users.map((user: any) => user.email), ['admin@acme.test', 'member@acme.test', 'outsider@example.test'])
  t.match(first.body, { total_users: 4, current_page: 0, page_size: 3, has_more_results: true })
  const second = await api('GET', `${USER}/query?page_size=3&page_number=1&order_by=EMAIL`)
  t.same(second.body.users.map((user: any) => user.email), ['owner@acme.test'])
  t.equal(second.body.has_more_results, false)
  const search = await api('GET', `${USER}/query?email_or_username=ACME`)
  t.equal(search.body.total_users, 3)
  t.same(Object.keys((await api('GET', `${USER}/query?order_by=SIZE`)).body), ['order_by'])
  t.equal((await api('GET', `${USER}/query?page_size=0`)).status, 400)
})

test('createUser: {user_id}, 400 field errors for a bad or taken email, short password, taken username', async (t) => {
  const { standIn, api } = await harness(t)
  const created = await api('POST', `${USER}/`, { email: 'new@acme.test', password: 'longenough', first_name: 'New', username: 'newbie', properties: { plan: 'pro' } })
  t.equal(created.status, 200)
  t.same(Object.keys(created.body), ['user_id'])
  const fetched = await api('GET', `${USER}/${created.body.user_id as string}`)
  t.match(fetched.body, { email: 'new@acme.test', first_name: 'New', username: 'newbie', email_confirmed: false, has_password: true, properties: { plan: 'pro' } })
  t.match(standIn.state.outbox, [{ to: 'new@acme.test', kind: 'email_confirmation' }], 'a confirmation email is "sent" by default')

  const bad = await api('POST', `${USER}/`, { email: 'owner@acme.test', password: 'short', username: 'newbie' })
  t.equal(bad.status, 400)
  t.same(bad.body, {
    email: ['A user with this email already exists'],
    password: ['Password must be at least 8 characters'],
    username: ['This username is taken']
  })
  t.same((await api('POST', `${USER}/`, { email: 'not-an-email' })).body, { email: ['Invalid email address'] })
  t.same((await api('POST', `${USER}/`, {})).body, { email: ['This field is required'] })
  const confirmed = await api('POST', `${USER}/`, { email: 'quiet@acme.test', email_confirmed: true })
  t.equal((await api('GET', `${USER}/${confirmed.body.user_id as string}`)).body.has_password, false)
  t.equal(standIn.state.outbox.length, 1, 'no email for a confirmed address')
})

test('updateUserMetadata changes only the fields sent; 404 for an unknown user; the next token carries the change', async (t) => {
  const { standIn, api } = await harness(t)
  const updated = await api('PUT', `${USER}/${SEEDED.member}`, { first_name: 'Linux', metadata: { tier: 2 }, properties: { team: 'kernel' }, legacy_user_id: 'old-7' })
  t.equal(updated.status, 200)
  t.same(updated.body, {})
  t.match((await api('GET', `${USER}/${SEEDED.member}`)).body, { first_name: 'Linux', last_name: 'Member', metadata: { tier: 2 }, properties: { team: 'kernel' }, legacy_user_id: 'old-7' })
  t.match(claimsOf(await standIn.createAccessToken(SEEDED.member)), { first_name: 'Linux', properties: { team: 'kernel' }, legacy_user_id: 'old-7' })
  t.equal((await api('PUT', `${USER}/${crypto.randomUUID()}`, { first_name: 'X' })).status, 404)
  t.same((await api('PUT', `${USER}/${SEEDED.member}`, { metadata: 'x' })).body, { metadata: ['Expected an object'] })
})

test('updateUserEmail and updateUserPassword validate and apply; clearUserPassword removes the password', async (t) => {
  const { standIn, api } = await harness(t)
  t.same((await api('PUT', `${USER}/${SEEDED.member}/email`, { new_email: 'owner@acme.test', require_email_confirmation: false })).body, { new_email: ['A user with this email already exists'] })
  t.equal((await api('PUT', `${USER}/${SEEDED.member}/email`, { new_email: 'linus@acme.test', require_email_confirmation: true })).status, 200)
  t.match((await api('GET', `${USER}/${SEEDED.member}`)).body, { email: 'linus@acme.test', email_confirmed: false })
  t.match(standIn.state.outbox, [{ to: 'linus@acme.test', kind: 'email_confirmation' }])

  t.same((await api('PUT', `${USER}/${SEEDED.member}/password`, { password: 'short' })).body, { password: ['Password must be at least 8 characters'] })
  t.equal((await api('PUT', `${USER}/${SEEDED.member}/password`, { password: 'a-new-password', ask_user_to_update_password_on_login: true })).status, 200)
  t.equal(standIn.state.users.get(SEEDED.member)!.password, 'a-new-password')
  t.equal((await api('PUT', `${USER}/${SEEDED.member}/clear_password`)).status, 200)
  t.equal((await api('GET', `${USER}/${SEEDED.member}`)).body.has_password, false)
  t.equal((await api('PUT', `${USER}/${crypto.randomUUID()}/password`, { password: 'a-new-password' })).status, 404)
})

test('enable, disable, 2FA, can_create_orgs, logout: `{}` for a known user, 404 otherwise', async (t) => {
  const { api } = await harness(t)
  const switches: Array<[string, string, Record<string, unknown>]> = [
    ['POST', 'disable', { enabled: false }],
    ['POST', 'enable', { enabled: true }],
    ['POST', 'disable_2fa', { mfa_enabled: false }],
    ['PUT', 'can_create_orgs/disable', { can_create_orgs: false }],
    ['PUT', 'can_create_orgs/enable', { can_create_orgs: true }],
    ['POST', 'logout_all_sessions', {}]
  ]
  for (const [method, action, expected] of switches) {
    const response = await api(method, `${USER}/${SEEDED.owner}/${action}`)
    t.equal(response.status, 200, action)
    t.same(response.body, {})
    t.match((await api('GET', `${USER}/${SEEDED.owner}`)).body, expected, action)
    t.equal((await api(method, `${USER}/${crypto.randomUUID()}/${action}`)).status, 404, `${action} of an unknown user`)
  }
})

test('deleteUser removes the user and their memberships; a second delete is 404', async (t) => {
  const { standIn, api } = await harness(t)
  t.equal((await api('DELETE', `${USER}/${SEEDED.member}`)).status, 200)
  t.equal((await api('GET', `${USER}/${SEEDED.member}`)).status, 404)
  t.notOk(standIn.state.orgs.get(SEEDED.acme)!.members.has(SEEDED.member))
  t.equal((await api('DELETE', `${USER}/${SEEDED.member}`)).status, 404)
})

test('resendEmailConfirmation: 200 and an email for an unconfirmed user, 400 when confirmed, 404 when unknown', async (t) => {
  const { standIn, api } = await harness(t)
  const created = await api('POST', `${USER}/`, { email: 'pending@acme.test', send_email_to_confirm_email_address: false })
  t.equal((await api('POST', '/api/backend/v1/resend_email_confirmation', { user_id: created.body.user_id })).status, 200)
  t.match(standIn.state.outbox, [{ to: 'pending@acme.test', kind: 'email_confirmation' }])
  const confirmed = await api('POST', '/api/backend/v1/resend_email_confirmation', { user_id: SEEDED.owner })
  t.equal(confirmed.status, 400)
  t.match(confirmed.body, { user_facing_error: String })
  t.equal((await api('POST', '/api/backend/v1/resend_email_confirmation', { user_id: crypto.randomUUID() })).status, 404)
})

test('MFA methods, OAuth tokens and signup parameters of a user', async (t) => {
  const { api } = await harness(t, {
    seed: { users: [{ email: 'sso@x.test', oauthProviders: ['google'], signupQueryParameters: { utm_source: 'ad' } }] }
  })
  const { api: defaultApi } = await harness(t)
  t.same((await defaultApi('GET', `${USER}/${SEEDED.admin}/mfa`)).body, { mfa_setup: { type: 'Totp' } })
  t.match((await defaultApi('GET', `${USER}/${SEEDED.owner}/mfa`)).body, { mfa_setup: { type: 'Phone', phone_numbers: [{ mfa_phone_number_suffix: '0100', mfa_phone_id: String }] } })
  t.same((await defaultApi('GET', `${USER}/${SEEDED.member}/mfa`)).body, { mfa_setup: null })
  t.equal((await defaultApi('GET', `${USER}/${crypto.randomUUID()}/mfa`)).status, 404)

  const lookup = await api('GET', `${USER}/email?email=sso%40x.test`)
  const userId = lookup.body.user_id as string
  const tokens = await api('GET', `${USER}/${userId}/oauth_token`)
  t.match(tokens.body, { google: { access_token: String, token_provider: 'google', refresh_token: String } })
  const fresh = await api('GET', `${USER}/${userId}/google/fresh_token`)
  t.equal(fresh.status, 200)
  t.not(fresh.body.access_token, tokens.body.google.access_token)
  t.equal((await api('GET', `${USER}/${userId}/github/fresh_token`)).status, 404)
  t.equal((await api('GET', `${USER}/${userId}/myspace/fresh_token`)).status, 400)
  t.same((await api('GET', `${USER}/${userId}/signup_query_parameters`)).body, { user_signup_query_parameters: { utm_source: 'ad' } })
})

test('magic links: {url} for a known user, a new user by default, 400 when told not to create one; the link signs in once', async (t) => {
  const clock = createManualClock()
  const { standIn, api } = await harness(t, { now: clock.now })
  const link = await api('POST', '/api/backend/v1/magic_link', { email: 'member@acme.test', expire_after_first_use: true, redirect_to_url: 'https://app.test/home' })
  t.equal(link.status, 200)
  t.match(link.body.url, new RegExp(`^${standIn.authUrl}/magic_link\\?t=[0-9a-f]+$`))
  const signIn: any = await (await fetch(link.body.url.replace(standIn.authUrl, standIn.apiBaseUrl))).json()
  t.match(signIn, { token_type: 'bearer', redirect_to_url: 'https://app.test/home' })
  t.match(claimsOf(signIn.access_token), { user_id: SEEDED.member, login_method: { login_method: 'magic_link' } })
  t.equal((await fetch(link.body.url.replace(standIn.authUrl, standIn.apiBaseUrl))).status, 404, 'used up')

  t.equal((await api('POST', '/api/backend/v1/magic_link', { email: 'brand-new@acme.test' })).status, 200)
  t.ok(standIn.state.findUserByEmail('brand-new@acme.test'))
  t.same((await api('POST', '/api/backend/v1/magic_link', { email: 'ghost@acme.test', create_new_user_if_one_doesnt_exist: false })).body, { email: ['No user has this email'] })

  const expiring = await api('POST', '/api/backend/v1/magic_link', { email: 'member@acme.test', expires_in_hours: 1 })
  clock.advance(2 * 3600_000)
  t.equal((await fetch(expiring.body.url.replace(standIn.authUrl, standIn.apiBaseUrl))).status, 404, 'expired')
})

test('migrating users: {user_id} with the legacy id and MFA carried over; migrateUserPassword stores a hash', async (t) => {
  const { api } = await harness(t)
  const migrated = await api('POST', '/api/backend/v1/migrate_user/', {
    email: 'legacy@old.test',
    email_confirmed: true,
    existing_user_id: 'old-42',
    existing_password_hash: '$2b$10$abcdefghijklmnopqrstuv',
    existing_mfa_base32_encoded_secret: 'JBSWY3DPEHPK3PXP',
    update_password_required: true,
    first_name: 'Leg'
  })
  t.equal(migrated.status, 200)
  const user = (await api('GET', `${USER}/${migrated.body.user_id as string}`)).body
  t.match(user, { email: 'legacy@old.test', legacy_user_id: 'old-42', has_password: true, mfa_enabled: true, first_name: 'Leg' })
  t.same((await api('POST', '/api/backend/v1/migrate_user/', { email: 'legacy@old.test' })).body, { email: ['A user with this email already exists'] })

  t.same((await api('POST', '/api/backend/v1/migrate_user/password', { user_id: SEEDED.outsider, password_hash: '$argon2id$v=19$...' })).body, {})
  t.equal((await api('POST', '/api/backend/v1/migrate_user/password', { user_id: crypto.randomUUID(), password_hash: 'x' })).status, 404)
  t.same((await api('POST', '/api/backend/v1/migrate_user/password', { user_id: SEEDED.outsider })).body, { password_hash: ['This field is required'] })
})

test('access tokens: claims for the stored user; 403 unknown user; 400 bad duration; 404 when switched off', async (t) => {
  const { standIn, api } = await harness(t)
  const created = await api('POST', '/api/backend/v1/access_token', { user_id: SEEDED.member, duration_in_minutes: 10 })
  t.equal(created.status, 200)
  t.same(Object.keys(created.body), ['access_token'])
  const claims = claimsOf(created.body.access_token)
  t.match(claims, { user_id: SEEDED.member, email: 'member@acme.test', iss: standIn.authUrl, login_method: { login_method: 'generated_from_backend_api' } })
  t.equal(claims.exp - claims.iat, 600)

  const active = claimsOf((await api('POST', '/api/backend/v1/access_token', { user_id: SEEDED.member, duration_in_minutes: 10, active_org_id: SEEDED.acme })).body.access_token)
  t.match(active.org_member_info, { org_id: SEEDED.acme, user_role: 'Member' })
  t.notOk('org_id_to_org_member_info' in active)

  t.equal((await api('POST', '/api/backend/v1/access_token', { user_id: crypto.randomUUID(), duration_in_minutes: 10 })).status, 403)
  t.match((await api('POST', '/api/backend/v1/access_token', { user_id: SEEDED.member, duration_in_minutes: -1 })).body, { duration_in_minutes: [String] })
  t.match((await api('POST', '/api/backend/v1/access_token', { user_id: SEEDED.outsider, duration_in_minutes: 5, active_org_id: SEEDED.acme })).body, { active_org_id: [String] })
  standIn.features.accessTokenCreation = false
  t.equal((await api('POST', '/api/backend/v1/access_token', { user_id: SEEDED.member, duration_in_minutes: 10 })).status, 404)
})
