import { test, type Test } from 'tap'
import type { PropelAuthWebhookEvent } from 'fastify-propelauth/webhooks'
import { createWebhookSecret, WEBHOOK_EVENT_TYPES, type StandIn, type StandInOptions } from '../index.js'
import { harness, SEEDED, type StandInHarness } from './helpers/harness.js'
import { sessionCookieSet, submit } from './helpers/auth-url.js'
import { startReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js'

// The webhooks the stand-in sends for each change PropelAuth reports, as a
// receiver sees them: POSTs of flat JSON signed as Svix signs, checked here
// with Svix's own library.

const USER = '/api/backend/v1/user'
const ORG = '/api/backend/v1/org'
const MESSAGE_ID = /^msg_[0-9A-Za-z]{27}$/

interface Setup extends StandInHarness { receiver: WebhookReceiver }

async function withReceiver (t: Test, options: StandInOptions = {}): Promise<Setup> {
  const receiver = await startReceiver(t)
  const setup = await harness(t, { webhooks: [{ url: receiver.url, secret: receiver.secret }], ...options })
  return { ...setup, receiver }
}

/** The events sent so far, in the order they were reported; waits for every attempt first. */
async function sent (standIn: StandIn): Promise<PropelAuthWebhookEvent[]> {
  await standIn.webhooks.settled()
  return standIn.webhooks.deliveries.map((delivery) => delivery.event)
}

/** Deliveries may arrive in any order (as PropelAuth's): compare them as sets. */
function sorted (events: PropelAuthWebhookEvent[]): PropelAuthWebhookEvent[] {
  return [...events].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

test('changes through the backend API: one event each, signed as Svix signs, verified by Svix\'s library', async (t) => {
  const { standIn, api, receiver } = await withReceiver(t)
  const created = await api('POST', `${USER}/`, { email: 'new@acme.test', first_name: 'New', username: 'newbie', email_confirmed: true })
  const userId = created.body.user_id as string
  const org = await api('POST', `${ORG}/`, { name: 'Globex' })
  const orgId = org.body.org_id as string
  t.equal((await api('PUT', `${USER}/${userId}`, { last_name: 'Comer' })).status, 200)
  await api('PUT', `${USER}/${userId}/email`, { new_email: 'renamed@acme.test', require_email_confirmation: false })
  await api('POST', `${USER}/${userId}/disable`)
  await api('POST', `${USER}/${userId}/enable`)
  await api('POST', `${USER}/${userId}/logout_all_sessions`)
  await api('POST', `${ORG}/add_user`, { user_id: userId, org_id: orgId, role: 'Member' })
  await api('POST', `${ORG}/change_role`, { user_id: userId, org_id: orgId, role: 'Admin' })
  await api('POST', `${ORG}/remove_user`, { user_id: userId, org_id: orgId })
  await api('PUT', `${ORG}/${orgId}`, { name: 'Globex Corp' })
  await api('POST', '/api/backend/v1/invite_user', { email: 'outsider@example.test', org_id: orgId, role: 'Member' })
  await api('POST', '/api/backend/v1/invite_user', { email: 'nobody-yet@example.test', org_id: orgId, role: 'Member' })
  await api('DELETE', `/api/backend/v1/end_user_api_keys/${SEEDED.acmeApiKeyId}`)
  const personal = await api('POST', '/api/backend/v1/end_user_api_keys', { user_id: userId })
  await api('DELETE', `/api/backend/v1/end_user_api_keys/${personal.body.api_key_id as string}`)
  await api('DELETE', `${ORG}/${orgId}`)
  await api('DELETE', `${USER}/${userId}`)

  const expected: PropelAuthWebhookEvent[] = [
    { event_type: 'user.created', user_id: userId, email: 'new@acme.test', email_confirmed: true, first_name: 'New', username: 'newbie' },
    { event_type: 'org.created', org_id: orgId, name: 'Globex' },
    { event_type: 'user.updated', user_id: userId },
    { event_type: 'user.updated', user_id: userId },
    { event_type: 'user.disabled', user_id: userId },
    { event_type: 'user.enabled', user_id: userId },
    { event_type: 'user.logged_out', user_id: userId },
    { event_type: 'user.added_to_org', user_id: userId, org_id: orgId, role: 'Member' },
    { event_type: 'user.role_changed_within_org', user_id: userId, org_id: orgId, new_role: 'Admin', old_role: 'Member' },
    { event_type: 'user.removed_from_org', removed_user_id: userId, org_id: orgId },
    { event_type: 'org.updated', org_id: orgId },
    { event_type: 'user.invited_to_org', user_id: SEEDED.outsider, org_id: orgId, role: 'Member' },
    { event_type: 'org.api_key_deleted', org_id: SEEDED.acme, api_key_id: SEEDED.acmeApiKeyId },
    { event_type: 'user.deleted_personal_api_key', user_id: userId, api_key_id: personal.body.api_key_id },
    { event_type: 'org.deleted', org_id: orgId },
    { event_type: 'user.deleted', user_id: userId }
  ]
  t.same(await sent(standIn), expected, 'one event per change, in order; an invitation to an email with no account sends none')
  t.equal(receiver.received.length, expected.length)
  t.same(receiver.received.filter((delivery) => delivery.refused !== undefined), [], 'Svix\'s library verifies every delivery')
  t.same(sorted(receiver.events()), sorted(expected), 'the receiver got each event (order is not guaranteed)')

  const first = receiver.received.find((delivery) => delivery.event?.event_type === 'user.created')!
  t.match(first.headers, { 'content-type': 'application/json', 'svix-id': MESSAGE_ID, 'svix-signature': /^v1,[A-Za-z0-9+/]+=*$/ })
  t.ok(Math.abs(Number(first.headers['svix-timestamp']) - Date.now() / 1000) < 60, 'svix-timestamp is the Unix time in seconds')
  t.same(JSON.parse(first.body), expected[0], 'the body is the flat event, exactly what was signed')
  t.equal(new Set(receiver.received.map((delivery) => delivery.headers['svix-id'])).size, expected.length, 'a message id per event')
  t.ok(standIn.webhooks.deliveries.every((delivery) => delivery.status === 'succeeded' && delivery.attempts.length === 1))
})

test('SSO, SAML permission, MFA texts, migration and magic links through the API', async (t) => {
  const { standIn, api } = await withReceiver(t)
  await api('POST', `${ORG}/${SEEDED.acme}/allow_saml`)
  await api('POST', '/api/backend/v1/saml_idp_metadata', {
    org_id: SEEDED.acme,
    idp_entity_id: 'https://idp.test/entity',
    idp_sso_url: 'https://idp.test/sso',
    idp_certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    provider: 'Okta'
  })
  await api('POST', `/api/backend/v1/saml_idp_metadata/go_live/${SEEDED.acme}`)
  await api('DELETE', `/api/backend/v1/saml_idp_metadata/${SEEDED.acme}`)
  const phoneId = (await api('GET', `${USER}/${SEEDED.owner}/mfa`)).body.mfa_setup.phone_numbers[0].mfa_phone_id as string
  await api('POST', '/api/backend/v1/mfa/step-up/phone/send', { action_type: 'wire', user_id: SEEDED.owner, mfa_phone_id: phoneId, grant_type: 'ONE_TIME_USE', valid_for_seconds: 120 })
  const migrated = await api('POST', '/api/backend/v1/migrate_user/', { email: 'legacy@acme.test', email_confirmed: true, existing_password_hash: 'bcrypt$…' })
  const link = await api('POST', '/api/backend/v1/magic_link', { email: 'magic@acme.test' })
  const magicUser = standIn.state.findUserByEmail('magic@acme.test')!.userId
  t.equal((await fetch(link.body.url as string)).status, 200)

  t.same(await sent(standIn), [
    { event_type: 'org.updated', org_id: SEEDED.acme },
    { event_type: 'org.saml_setup', org_id: SEEDED.acme },
    { event_type: 'org.saml_went_live', org_id: SEEDED.acme },
    { event_type: 'org.saml_removed', org_id: SEEDED.acme },
    { event_type: 'user.send_mfa_phone_code', user_id: SEEDED.owner, phone_number: '+15555550100' },
    { event_type: 'user.created', user_id: migrated.body.user_id, email: 'legacy@acme.test', email_confirmed: true },
    { event_type: 'user.created', user_id: magicUser, email: 'magic@acme.test', email_confirmed: false },
    { event_type: 'user.updated', user_id: magicUser },
    { event_type: 'user.login', user_id: magicUser }
  ], 'following a magic link confirms the email (user.updated) and signs in (user.login)')
})

test('the hosted pages: sign-in, MFA text, sign-up, account, create-org and sign-out send their events', async (t) => {
  const { standIn, receiver } = await withReceiver(t)
  const signedIn = await submit(standIn, '/hosted/login', { email: 'member@acme.test', password: 'password' })
  t.equal(signedIn.status, 303)
  t.same(await sent(standIn), [{ event_type: 'user.login', user_id: SEEDED.member }], 'a sign-in on the hosted login page: user.login')
  t.same(receiver.events(), [{ event_type: 'user.login', user_id: SEEDED.member }])

  const cookie = sessionCookieSet(signedIn)!
  await submit(standIn, '/hosted/account', { first_name: 'Linus', last_name: 'Torvalds' }, { cookie })
  await submit(standIn, '/hosted/create_org', { name: 'Initech' }, { cookie })
  const initech = standIn.state.findOrgByName('Initech')!.orgId
  await submit(standIn, '/hosted/logout', {}, { cookie })
  await submit(standIn, '/hosted/logout', {}, { cookie })
  const signedUp = await submit(standIn, '/hosted/signup', { email: 'fresh@acme.test', password: 'long enough', first_name: 'Fresh' })
  t.equal(signedUp.status, 303)
  const fresh = standIn.state.findUserByEmail('fresh@acme.test')!.userId
  const owner = await submit(standIn, '/hosted/login', { email: 'owner@acme.test', password: 'password' })
  t.equal(owner.status, 200, 'the owner is asked for the code texted to their phone')
  await submit(standIn, '/hosted/login', { email: 'admin@acme.test', password: 'wrong' })

  t.same((await sent(standIn)).slice(1), [
    { event_type: 'user.updated', user_id: SEEDED.member },
    { event_type: 'org.created', org_id: initech, name: 'Initech' },
    { event_type: 'user.added_to_org', user_id: SEEDED.member, org_id: initech, role: 'Owner' },
    { event_type: 'user.logged_out', user_id: SEEDED.member },
    { event_type: 'user.created', user_id: fresh, email: 'fresh@acme.test', email_confirmed: false, first_name: 'Fresh' },
    { event_type: 'user.login', user_id: fresh },
    { event_type: 'user.send_mfa_phone_code', user_id: SEEDED.owner, phone_number: '+15555550100' }
  ], 'signing out twice sends one user.logged_out; a wrong password sends nothing')
})

test('the development login, createSession and the session API sign in and out with events', async (t) => {
  const { standIn } = await withReceiver(t)
  const login = await fetch(`${standIn.apiBaseUrl}/login`, { method: 'POST', body: new URLSearchParams({ username: 'member@acme.test', password: 'password' }) })
  t.equal(login.status, 200)
  const session = standIn.createSession('outsider@example.test')
  const logout = await fetch(`${standIn.authUrl}/api/v1/logout`, { method: 'POST', headers: { cookie: session.cookieHeader, 'content-type': 'application/json' } })
  t.equal(logout.status, 200)
  const other = standIn.createSession('admin@acme.test')
  other.end()
  t.same(await sent(standIn), [
    { event_type: 'user.login', user_id: SEEDED.member },
    { event_type: 'user.login', user_id: SEEDED.outsider },
    { event_type: 'user.logged_out', user_id: SEEDED.outsider },
    { event_type: 'user.login', user_id: SEEDED.admin },
    { event_type: 'user.logged_out', user_id: SEEDED.admin }
  ])
})

test('no event for refused calls, the seed, reset(), or changes made to state directly', async (t) => {
  const { standIn, api, receiver } = await withReceiver(t)
  t.equal((await api('POST', `${USER}/`, { email: 'owner@acme.test' })).status, 400)
  t.equal((await api('POST', `${USER}/${crypto.randomUUID()}/disable`)).status, 404)
  t.equal((await api('POST', `${ORG}/remove_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme })).status, 404)
  t.equal((await api('DELETE', `/api/backend/v1/end_user_api_keys/${'0'.repeat(32)}`)).status, 404)
  standIn.state.users.get(SEEDED.member)!.locked = true
  standIn.reset()
  t.same(await sent(standIn), [])
  t.equal(receiver.received.length, 0)
})

test('two endpoints get every event under one message id, each signed with its own secret; eventTypes filters', async (t) => {
  const first = await startReceiver(t)
  const second = await startReceiver(t)
  const loginsOnly = await startReceiver(t)
  const { standIn, api } = await harness(t, {
    webhooks: [
      { url: first.url, secret: first.secret },
      { url: second.url, secret: second.secret },
      { url: loginsOnly.url, secret: loginsOnly.secret, eventTypes: ['user.login'] }
    ]
  })
  t.same(standIn.webhooks.endpoints, [
    { url: first.url, eventTypes: undefined },
    { url: second.url, eventTypes: undefined },
    { url: loginsOnly.url, eventTypes: ['user.login'] }
  ], 'endpoints are listed without their secrets')
  await api('POST', `${USER}/${SEEDED.member}/disable`)
  standIn.createSession('admin@acme.test')
  await standIn.webhooks.settled()

  const expected = [{ event_type: 'user.disabled', user_id: SEEDED.member }, { event_type: 'user.login', user_id: SEEDED.admin }]
  t.same(sorted(first.events()), sorted(expected as PropelAuthWebhookEvent[]))
  t.same(sorted(second.events()), sorted(expected as PropelAuthWebhookEvent[]))
  t.same(loginsOnly.events(), [expected[1]])
  t.same([...first.received, ...second.received, ...loginsOnly.received].filter((delivery) => delivery.refused !== undefined), [])
  const idOf = (receiver: WebhookReceiver, type: string): unknown => receiver.received.find((delivery) => delivery.event?.event_type === type)!.headers['svix-id']
  t.equal(idOf(first, 'user.login'), idOf(second, 'user.login'), 'svix-id names the message, the same at every endpoint')
  t.equal(idOf(first, 'user.login'), idOf(loginsOnly, 'user.login'))
  t.not(first.received[0].headers['svix-signature'], second.received.find((delivery) => delivery.headers['svix-id'] === first.received[0].headers['svix-id'])!.headers['svix-signature'], 'signed with each endpoint\'s own secret')
  t.equal(standIn.webhooks.deliveries.length, 5)
})

test('an endpoint added while the stand-in runs hears the events from then on; removing it cancels its retries', async (t) => {
  const { standIn, api } = await harness(t)
  const receiver = await startReceiver(t)
  await api('POST', `${USER}/${SEEDED.member}/disable`)
  const remove = standIn.webhooks.addEndpoint({ url: receiver.url, secret: receiver.secret })
  t.same(standIn.webhooks.endpoints, [{ url: receiver.url, eventTypes: undefined }])
  await api('POST', `${USER}/${SEEDED.member}/enable`)
  await standIn.webhooks.settled()
  t.same(receiver.events(), [{ event_type: 'user.enabled', user_id: SEEDED.member }])

  receiver.answer = 503
  await api('POST', `${USER}/${SEEDED.member}/disable`)
  await standIn.webhooks.settled()
  const failing = standIn.webhooks.deliveries[1]
  t.equal(failing.status, 'retrying')
  remove()
  t.same(standIn.webhooks.endpoints, [])
  t.equal(failing.status, 'cancelled')
  t.equal(failing.nextAttemptAt, undefined)
  await t.rejects(standIn.webhooks.replay(failing), /the endpoint http:\/\/127\.0\.0\.1:\d+\/webhooks was removed/)
  t.throws(() => standIn.webhooks.addEndpoint({ url: receiver.url, secret: 'whsec_short' }), /webhooks\.addEndpoint\(\{ secret \}\) must be whsec_ followed by base64/)

  standIn.webhooks.addEndpoint({ url: receiver.url, secret: receiver.secret })
  standIn.reset()
  t.same(standIn.webhooks.endpoints, [], 'reset() goes back to the endpoints of the start')
  t.same(standIn.webhooks.deliveries, [], 'and forgets the deliveries')
})

test('sending never holds up or fails the call that caused it', async (t) => {
  // The endpoint never answers: the call is answered while its event is still being sent.
  const { standIn, api, receiver } = await withReceiver(t, { webhookTimeoutSeconds: 2 })
  receiver.answer = () => 'hang'
  const answer = await api('POST', `${USER}/${SEEDED.member}/disable`)
  t.equal(answer.status, 200)
  t.equal(standIn.webhooks.deliveries[0].status, 'sending', 'answered before the endpoint did: the attempt is still in flight')
  await standIn.webhooks.settled()
  t.match(standIn.webhooks.deliveries[0], { status: 'retrying', attempts: [{ ok: false, error: 'no answer within 2 s' }] })
})

test('options are checked at start, with messages that name the option and never show a secret', async (t) => {
  const { startStandIn } = await import('../index.js')
  const secret = createWebhookSecret()
  t.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/, 'createWebhookSecret: whsec_ and base64 of 24 bytes')
  t.equal(WEBHOOK_EVENT_TYPES.length, 29, 'every event type PropelAuth sends is known, the stand-in\'s or not')
  const url = 'http://127.0.0.1:9/webhooks'
  const cases: Array<[unknown, RegExp]> = [
    [{ webhooks: { url, secret } }, /^stand-in option webhooks must be a list of endpoints, e\.g\. \[\{ url: /],
    [{ webhooks: ['http://x'] }, /^stand-in option webhooks\[0\] must be an object \{ url, secret, eventTypes\? \}/],
    [{ webhooks: [{ url: 'localhost:3000/webhooks', secret }] }, /^stand-in option webhooks\[0\]\.url must be an absolute http or https URL such as 'http:\/\/localhost:3000\/webhooks', not "localhost:3000\/webhooks"/],
    [{ webhooks: [{ url: 'ftp://127.0.0.1/x', secret }] }, /webhooks\[0\]\.url must be an absolute http or https URL/],
    [{ webhooks: [{ url }] }, /^stand-in option webhooks\[0\]\.secret must be a string, not undefined \(createWebhookSecret\(\) makes one\)/],
    [{ webhooks: [{ url, secret: secret.slice(6) }] }, /^stand-in option webhooks\[0\]\.secret must start with whsec_/],
    [{ webhooks: [{ url, secret: 'whsec_not base64!' }] }, /secret must be whsec_ followed by base64/],
    [{ webhooks: [{ url, secret: 'whsec_c2hvcnQ=' }] }, /^stand-in option webhooks\[0\]\.secret holds a key of 5 bytes; a key needs at least 24/],
    [{ webhooks: [{ url, secret, filter: ['user.login'] }] }, /^stand-in option webhooks\[0\] has an unknown field filter; its fields are url, secret, eventTypes/],
    [{ webhooks: [{ url, secret, eventTypes: [] }] }, /webhooks\[0\]\.eventTypes must be a non-empty list of event types/],
    [{ webhooks: [{ url, secret, eventTypes: ['user.signed_in'] }] }, /^stand-in option webhooks\[0\]\.eventTypes\[0\] is not an event type PropelAuth sends: "user\.signed_in"; the types are user\.created, /],
    [{ webhookTimeoutSeconds: 0 }, /^stand-in option webhookTimeoutSeconds must be a number of seconds > 0 \(default 15\), not 0/]
  ]
  for (const [options, message] of cases) {
    const error = await startStandIn(options as Parameters<typeof startStandIn>[0]).then(async (standIn) => { await standIn.close(); return undefined }, (error: Error) => error)
    t.match(error?.message, message)
    t.notMatch(error?.message ?? '', secret.slice(6, 20), 'the secret is not in the message')
  }
})
