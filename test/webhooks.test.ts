// The webhook receiver (`fastify-propelauth/webhooks`) against deliveries signed
// by Svix's own library, and against everything a delivery can get wrong.
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import { Webhook } from 'svix'
import propelAuth from '../index.js'
import propelAuthWebhooks, { type PropelAuthWebhooksOptions, type WebhookDeliveryStore } from '../lib/webhooks/index.js'
import { createTestAuth, createWebhookSecret, signWebhook } from '../lib/testing/index.js'
import { captureLogs } from './helpers/log-capture.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const SECRET = createWebhookSecret()
const URL = '/webhooks/propelauth'
const USER_CREATED = { event_type: 'user.created', user_id: 'u-1', email: 'ada@example.com', email_confirmed: true, first_name: 'Ada' }

interface Seen { type: string, id: string, event: unknown }

async function receiver (t: Test, options: Partial<PropelAuthWebhooksOptions> = {}, logger?: { level: string, stream: NodeJS.WritableStream }): Promise<{ app: FastifyInstance, seen: Seen[] }> {
  const seen: Seen[] = []
  const app = Fastify(logger === undefined ? {} : { logger })
  await app.register(propelAuthWebhooks, {
    secret: SECRET,
    on: {
      'user.created': (event, delivery) => { seen.push({ type: event.event_type, id: delivery.id, event }) },
      'user.removed_from_org': (event, delivery) => { seen.push({ type: event.event_type, id: delivery.id, event: event.removed_user_id }) }
    },
    onOtherEvent: (event, delivery) => { seen.push({ type: `other:${event.event_type}`, id: delivery.id, event }) },
    ...options
  })
  t.teardown(() => app.close())
  return { app, seen }
}

/** A delivery signed by Svix's library, as PropelAuth sends it. */
function svixDelivery (event: unknown, secret = SECRET, id = `msg_${Math.random().toString(36).slice(2)}`, at = new Date()): { body: string, headers: Record<string, string> } {
  const body = JSON.stringify(event)
  return {
    body,
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': new Webhook(secret).sign(id, at, body) }
  }
}

const post = (app: FastifyInstance, delivery: { body: string | Buffer, headers: Record<string, string> }, url = URL) =>
  app.inject({ method: 'POST', url, payload: delivery.body, headers: delivery.headers })

test('a delivery signed by Svix reaches the handler of its type, typed and as sent; 200', async (t) => {
  const { app, seen } = await receiver(t)
  const delivery = svixDelivery({ ...USER_CREATED, future_field: { kept: true } }, SECRET, 'msg_first')
  const response = await post(app, delivery)
  t.equal(response.statusCode, 200)
  t.same(response.json(), { received: true })
  t.same(seen, [{ type: 'user.created', id: 'msg_first', event: { ...USER_CREATED, future_field: { kept: true } } }])
})

test('Standard Webhooks header names (webhook-*) are read as well', async (t) => {
  const { app, seen } = await receiver(t)
  const { body, headers } = svixDelivery(USER_CREATED)
  const renamed = { 'content-type': 'application/json', 'webhook-id': headers['svix-id'], 'webhook-timestamp': headers['svix-timestamp'], 'webhook-signature': headers['svix-signature'] }
  t.equal((await post(app, { body, headers: renamed })).statusCode, 200)
  t.equal(seen.length, 1)
})

test('an unknown event type, and a known one with no handler of its own, reach onOtherEvent; with no handler at all, 200', async (t) => {
  const { app, seen } = await receiver(t)
  t.equal((await post(app, svixDelivery({ event_type: 'org.brand_new', org_id: 'o-1' }))).statusCode, 200)
  t.equal((await post(app, svixDelivery({ event_type: 'org.deleted', org_id: 'o-2' }))).statusCode, 200)
  t.same(seen.map((entry) => entry.type), ['other:org.brand_new', 'other:org.deleted'])
  const bare = await receiver(t, { on: {}, onOtherEvent: undefined })
  t.equal((await post(bare.app, svixDelivery(USER_CREATED))).statusCode, 200, 'an event nobody handles is acknowledged, not retried forever')
})

test('refused, and the handler never runs: tampered bytes, a re-serialised body, a wrong secret, missing or unreadable headers', async (t) => {
  const { app, seen } = await receiver(t)
  const good = svixDelivery(USER_CREATED)
  const cases: Array<{ name: string, delivery: { body: string, headers: Record<string, string> }, code: string }> = [
    { name: 'a changed byte', delivery: { ...good, body: good.body.replace('Ada', 'Eve') }, code: 'FST_PROPELAUTH_WEBHOOK_BAD_SIGNATURE' },
    { name: 'the same JSON, re-serialised', delivery: { ...good, body: JSON.stringify(JSON.parse(good.body), null, 2) }, code: 'FST_PROPELAUTH_WEBHOOK_BAD_SIGNATURE' },
    { name: 'signed with another secret', delivery: svixDelivery(USER_CREATED, createWebhookSecret()), code: 'FST_PROPELAUTH_WEBHOOK_BAD_SIGNATURE' },
    { name: 'another delivery id than signed', delivery: { ...good, headers: { ...good.headers, 'svix-id': 'msg_other' } }, code: 'FST_PROPELAUTH_WEBHOOK_BAD_SIGNATURE' },
    { name: 'a signature of another scheme version', delivery: { ...good, headers: { ...good.headers, 'svix-signature': good.headers['svix-signature'].replace('v1,', 'v2,') } }, code: 'FST_PROPELAUTH_WEBHOOK_BAD_SIGNATURE' },
    { name: 'no signature header', delivery: { ...good, headers: { 'content-type': 'application/json', 'svix-id': good.headers['svix-id'], 'svix-timestamp': good.headers['svix-timestamp'] } }, code: 'FST_PROPELAUTH_WEBHOOK_UNSIGNED' },
    { name: 'no headers at all', delivery: { ...good, headers: { 'content-type': 'application/json' } }, code: 'FST_PROPELAUTH_WEBHOOK_UNSIGNED' },
    { name: 'a timestamp that is not seconds', delivery: { ...good, headers: { ...good.headers, 'svix-timestamp': new Date().toISOString() } }, code: 'FST_PROPELAUTH_WEBHOOK_UNSIGNED' }
  ]
  for (const c of cases) {
    const response = await post(app, c.delivery)
    t.equal(response.statusCode, 401, `${c.name}: 401`)
    t.match(response.json(), { statusCode: 401, code: c.code, message: String }, `${c.name}: ${c.code}`)
  }
  t.same(seen, [], 'no handler ran')
})

test('a timestamp more than 5 minutes off, old or ahead, is refused even with a good signature', async (t) => {
  const { app, seen } = await receiver(t)
  for (const minutes of [-6, 6]) {
    const response = await post(app, svixDelivery(USER_CREATED, SECRET, undefined, new Date(Date.now() + minutes * 60_000)))
    t.match(response.json(), { statusCode: 401, code: 'FST_PROPELAUTH_WEBHOOK_STALE' }, `${minutes} minutes`)
  }
  t.equal((await post(app, svixDelivery(USER_CREATED, SECRET, undefined, new Date(Date.now() - 4 * 60_000)))).statusCode, 200, '4 minutes old: within the window')
  t.equal(seen.length, 1)
})

test('secret rotation: with both secrets given, a delivery signed with either passes, and so does a header carrying both signatures', async (t) => {
  const oldSecret = createWebhookSecret()
  const newSecret = createWebhookSecret()
  const { app, seen } = await receiver(t, { secret: [oldSecret, newSecret] })
  t.equal((await post(app, svixDelivery(USER_CREATED, oldSecret))).statusCode, 200, 'the old secret')
  t.equal((await post(app, svixDelivery(USER_CREATED, newSecret))).statusCode, 200, 'the new secret')
  const signedNew = svixDelivery(USER_CREATED, newSecret, 'msg_both')
  const byOld = svixDelivery(USER_CREATED, oldSecret, 'msg_both', new Date(Number(signedNew.headers['svix-timestamp']) * 1000))
  const both = { ...signedNew, headers: { ...signedNew.headers, 'svix-signature': `${byOld.headers['svix-signature']} ${signedNew.headers['svix-signature']}` } }
  t.equal((await post(app, both)).statusCode, 200, 'both signatures in one header')
  t.equal(seen.length, 3)
  const onlyNew = await receiver(t, { secret: newSecret })
  t.equal((await post(onlyNew.app, svixDelivery(USER_CREATED, oldSecret))).statusCode, 401, 'once the old secret is dropped, it no longer passes')
})

test('a body that is not a JSON object with a string event_type: 400, even when signed', async (t) => {
  const { app, seen } = await receiver(t)
  for (const body of ['not json', '[1,2]', '{"user_id":"u-1"}', '{"event_type":42}', 'null']) {
    const signed = signWebhook(body, { secret: SECRET })
    const response = await post(app, signed)
    t.match(response.json(), { statusCode: 400, code: 'FST_PROPELAUTH_WEBHOOK_MALFORMED' }, JSON.stringify(body))
  }
  t.same(seen, [])
})

test('a body over bodyLimit: 413 before anything is checked', async (t) => {
  const { app, seen } = await receiver(t, { bodyLimit: 2048 })
  const response = await post(app, svixDelivery({ ...USER_CREATED, padding: 'x'.repeat(4096) }))
  t.equal(response.statusCode, 413)
  t.equal(response.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE')
  t.same(seen, [])
})

test('a redelivery of a handled event: 200, and the handler does not run again', async (t) => {
  const { app, seen } = await receiver(t)
  const first = svixDelivery(USER_CREATED, SECRET, 'msg_again')
  t.same((await post(app, first)).json(), { received: true })
  const again = svixDelivery(USER_CREATED, SECRET, 'msg_again', new Date(Date.now() + 5000))
  const response = await post(app, again)
  t.equal(response.statusCode, 200)
  t.same(response.json(), { received: true, duplicate: true })
  t.equal(seen.length, 1)
})

test('a shared store of handled deliveries: what one process handled, another answers as a duplicate', async (t) => {
  const handled = new Set<string>()
  const shared: WebhookDeliveryStore = { has: async (id) => handled.has(id), add: async (id) => { handled.add(id) } }
  const one = await receiver(t, { deliveries: shared })
  const two = await receiver(t, { deliveries: shared })
  const delivery = svixDelivery(USER_CREATED, SECRET, 'msg_fleet')
  t.equal((await post(one.app, delivery)).statusCode, 200)
  t.same((await post(two.app, delivery)).json(), { received: true, duplicate: true })
  t.equal(one.seen.length + two.seen.length, 1)
})

test('a handler that throws: 500 so that Svix retries, the retry runs it again, and the log holds neither the event\'s fields nor the secret', async (t) => {
  const logs = captureLogs('info')
  let calls = 0
  const { app } = await receiver(t, {
    on: {
      'user.created': () => {
        calls++
        if (calls === 1) throw new Error('database down')
      }
    }
  }, logs.logger)
  const delivery = svixDelivery(USER_CREATED, SECRET, 'msg_fails')
  const failed = await post(app, delivery)
  t.equal(failed.statusCode, 500)
  t.match(failed.json(), { statusCode: 500, code: 'FST_PROPELAUTH_WEBHOOK_HANDLER_FAILED', message: /user\.created \(delivery msg_fails\)/ })
  t.notOk(failed.body.includes('database down'), 'the handler\'s error stays on the server')
  t.equal((await post(app, delivery)).statusCode, 200, 'the redelivery is handled')
  t.equal(calls, 2)
  const log = logs.raw.join('\n')
  t.match(log, /database down/, 'the handler\'s error is logged')
  for (const secret of [USER_CREATED.email, 'Ada', SECRET, SECRET.slice(6), delivery.headers['svix-signature']]) {
    t.notOk(log.includes(secret), 'the log holds no field of the event, no secret, no signature')
  }
})

test('only the receiver gets the raw body: the app\'s JSON parser is untouched elsewhere', async (t) => {
  const app = Fastify()
  app.post('/echo', async (request) => ({ got: request.body }))
  await app.register(propelAuthWebhooks, { secret: SECRET })
  app.post('/after', async (request) => ({ got: request.body }))
  t.teardown(() => app.close())
  for (const url of ['/echo', '/after']) {
    const response = await app.inject({ method: 'POST', url, payload: { a: 1 } })
    t.same(response.json(), { got: { a: 1 } }, `${url} still parses JSON`)
  }
  t.equal((await post(app, svixDelivery(USER_CREATED))).statusCode, 200)
})

test('a prefix moves the route; deny by default leaves it public; the OpenAPI document leaves it out', async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const app = Fastify()
  await app.register(swagger, { openapi: { info: { title: 't', version: '1' } } })
  await app.register(propelAuth, { ...testAuth.pluginOptions, denyByDefault: true })
  await app.register(propelAuthWebhooks, { secret: SECRET, prefix: '/hooks', path: '/propelauth' })
  app.get('/private', async () => 'no')
  t.teardown(() => app.close())
  await app.ready()
  t.equal((await post(app, svixDelivery(USER_CREATED), '/hooks/propelauth')).statusCode, 200, 'signed, and no token needed')
  t.equal((await post(app, { body: '{}', headers: { 'content-type': 'application/json' } }, '/hooks/propelauth')).json().code, 'FST_PROPELAUTH_WEBHOOK_UNSIGNED')
  t.equal((await app.inject({ url: '/private' })).statusCode, 401, 'the other routes are still guarded')
  const document = app.swagger() as { paths: Record<string, unknown> }
  t.same(Object.keys(document.paths), ['/private'])
})

test('options are checked at registration, with what to fix', async (t) => {
  const cases: Array<{ options: unknown, says: RegExp }> = [
    { options: {}, says: /`secret` is required/ },
    { options: { secret: 'not-a-secret' }, says: /`secret` must be the endpoint's signing secret .*"whsec_"/ },
    { options: { secret: [] }, says: /`secret` is an empty list/ },
    { options: { secret: [SECRET, 'whsec_'] }, says: /`secret\[1\]`/ },
    { options: { secret: SECRET, on: { 'user.create': () => {} } }, says: /"user\.create", which is not a PropelAuth event type/ },
    { options: { secret: SECRET, on: { 'user.created': 'handler' } }, says: /`on\['user\.created'\]` must be a function/ },
    { options: { secret: SECRET, onOtherEvent: true }, says: /`onOtherEvent` must be a function/ },
    { options: { secret: SECRET, path: 'hooks' }, says: /`path` must be a path that starts with "\/"/ },
    { options: { secret: SECRET, bodyLimit: 10 }, says: /`bodyLimit` must be a whole number of bytes from 1024/ },
    { options: { secret: SECRET, deliveries: { has: () => false } }, says: /`deliveries` must have the methods has\(id\) and add\(id\)/ },
    { options: { secret: SECRET, secrets: [SECRET] }, says: /unknown option `secrets`; fastify-propelauth\/webhooks takes secret, path, on, onOtherEvent, bodyLimit, deliveries, revokeTokens, prefix/ }
  ]
  for (const c of cases) {
    const app = Fastify()
    app.register(propelAuthWebhooks, c.options as PropelAuthWebhooksOptions)
    const error = await app.ready().then(() => undefined, (e: Error & { code?: string }) => e)
    t.equal(error?.code, 'FST_PROPELAUTH_INVALID_OPTION', JSON.stringify(c.options))
    t.match(error?.message, c.says)
    t.notOk(error?.message.includes(SECRET.slice(6)), 'the message never shows a secret')
    await app.close()
  }
})

test('signWebhook (fastify-propelauth/testing) signs as Svix does: Svix\'s library accepts its deliveries', async (t) => {
  const signed = signWebhook(USER_CREATED, { secret: SECRET, id: 'msg_kit', timestamp: new Date() })
  t.same(new Webhook(SECRET).verify(signed.body, signed.headers), USER_CREATED)
  t.equal(signed.headers['svix-id'], 'msg_kit')
  t.match(createWebhookSecret(), /^whsec_[A-Za-z0-9+/]{32}$/)
  const { app, seen } = await receiver(t)
  t.equal((await post(app, signWebhook(USER_CREATED, { secret: SECRET }))).statusCode, 200)
  t.equal(seen.length, 1)
})

test('revokeTokens: a user signed out, disabled, locked or deleted loses the tokens issued before the event, at once; later tokens work', async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const logs = captureLogs('debug')
  const app = Fastify({ logger: logs.logger })
  await app.register(propelAuth, { ...testAuth.pluginOptions, logLevels: { refusals: 'info' } })
  const seen: string[] = []
  await app.register(propelAuthWebhooks, { secret: SECRET, revokeTokens: true, on: { 'user.disabled': (event) => { seen.push(event.user_id) } } })
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ userId: request.user?.userId }))
  app.get('/maybe', { onRequest: app.auth.optionalUser }, async (request) => ({ userId: request.user?.userId ?? null }))
  t.teardown(() => app.close())
  const now = Math.floor(Date.now() / 1000)
  const users = ['u-out', 'u-disabled', 'u-locked', 'u-deleted']
  const events = ['user.logged_out', 'user.disabled', 'user.locked', 'user.deleted']
  const before = await Promise.all(users.map(async (userId) => `Bearer ${await testAuth.mintAccessToken({ userId, issuedAt: now - 60 })}`))
  const bystander = `Bearer ${await testAuth.mintAccessToken({ userId: 'u-other', issuedAt: now - 60 })}`
  for (const authorization of [...before, bystander]) t.equal((await app.inject({ url: '/me', headers: { authorization } })).statusCode, 200, 'valid before the events (and cached)')

  for (const [index, type] of events.entries()) {
    t.equal((await post(app, svixDelivery({ event_type: type, user_id: users[index] }))).statusCode, 200, `${type} received`)
  }
  t.same(seen, ['u-disabled'], 'the handler still runs')
  for (const [index, authorization] of before.entries()) {
    const response = await app.inject({ url: '/me', headers: { authorization } })
    t.equal(response.statusCode, 401, `${events[index]}: the earlier token is refused`)
    t.equal(response.json().code, 'FST_PROPELAUTH_TOKEN_REVOKED')
    t.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token", error_description="The access token was revoked"')
  }
  t.same((await app.inject({ url: '/maybe', headers: { authorization: before[0] } })).json(), { userId: null }, 'optionalUser: no user')
  t.equal((await app.inject({ url: '/me', headers: { authorization: bystander } })).statusCode, 200, 'another user keeps access')
  const later = `Bearer ${await testAuth.mintAccessToken({ userId: 'u-out', issuedAt: now + 2 })}`
  t.equal((await app.inject({ url: '/me', headers: { authorization: later } })).statusCode, 200, 'a token issued after the event (signed in again) works')
  t.ok(logs.refusals().some((line) => { const refusal = line.refusal as Record<string, unknown>; return refusal.code === 'FST_PROPELAUTH_TOKEN_REVOKED' && refusal.cause === 'revoked' && refusal.userId === 'u-out' }), 'the refusal log says why')
  await t.rejects(app.auth.validateAccessTokenAndGetUser(before[1]), { code: 'FST_PROPELAUTH_TOKEN_REVOKED' }, 'the checks outside routes refuse it too')
})

test('revokeUserTokens on app.auth: a date in the past, repeated calls keep the latest; bad arguments throw', async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  t.teardown(() => app.close())
  const now = Math.floor(Date.now() / 1000)
  const at = async (issuedAt: number): Promise<number> => (await app.inject({ url: '/me', headers: { authorization: await testAuth.authorizationHeader({ userId: 'u-1', issuedAt }) } })).statusCode
  app.auth.revokeUserTokens('u-1', new Date((now - 100) * 1000))
  t.same([await at(now - 200), await at(now - 100), await at(now - 99)], [401, 401, 200], 'issued at or before the date: refused')
  app.auth.revokeUserTokens('u-1', new Date((now - 300) * 1000))
  t.equal(await at(now - 150), 401, 'an earlier date does not undo a later one')
  t.throws(() => { app.auth.revokeUserTokens('') }, TypeError)
  t.throws(() => { app.auth.revokeUserTokens('u-1', new Date('nope')) }, TypeError)
})

test('revokeTokens is checked at registration', async (t) => {
  const app = Fastify()
  app.register(propelAuthWebhooks, { secret: SECRET, revokeTokens: true })
  const error = await app.ready().then(() => undefined, (e: Error & { code?: string }) => e)
  t.equal(error?.code, 'FST_PROPELAUTH_INVALID_OPTION')
  t.match(error?.message, /`revokeTokens: true` needs fastify-propelauth registered before the receiver/)
  await app.close()
  const bad = Fastify()
  bad.register(propelAuthWebhooks, { secret: SECRET, revokeTokens: 'yes' as unknown as boolean })
  t.match(await bad.ready().then(() => undefined, (e: Error) => e.message), /option `revokeTokens` must be true/)
  await bad.close()
  const seen: string[] = []
  const custom = await receiver(t, { revokeTokens: { revokeUserTokens: (userId) => { seen.push(userId) } } })
  await post(custom.app, svixDelivery({ event_type: 'user.locked', user_id: 'u-9' }))
  await post(custom.app, svixDelivery({ event_type: 'user.enabled', user_id: 'u-9' }))
  t.same(seen, ['u-9'], 'an object of your own receives the revocations, and only those')
})
