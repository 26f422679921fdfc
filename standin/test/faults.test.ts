import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth from 'fastify-propelauth'
import { harness, SEEDED } from './helpers/harness.js'

const ME = `/api/backend/v1/user/${SEEDED.owner}`

test('an injected status answers instead of the real endpoint, on matching calls only, for `times` calls', async (t) => {
  const { standIn, api } = await harness(t)
  standIn.faults.add({ path: '/api/backend/v1/user/*', status: 503, times: 2 })
  t.match(await api('GET', ME), { status: 503, body: { user_facing_error: /503/ } })
  t.equal((await api('GET', `/api/backend/v1/org/${SEEDED.acme}`)).status, 200, 'other paths are untouched')
  t.equal((await api('GET', ME)).status, 503)
  t.equal((await api('GET', ME)).status, 200, 'expired after two calls')
  t.same(standIn.faults.active, [])
})

test('an injected 429 carries Retry-After and wait_seconds; a custom body is sent as given', async (t) => {
  const { standIn, api } = await harness(t)
  const stop = standIn.faults.add({ method: 'POST', status: 429, retryAfter: 3 })
  const limited = await api('POST', '/api/backend/v1/user/emails', { emails: [] })
  t.equal(limited.status, 429)
  t.equal(limited.headers.get('retry-after'), '3')
  t.match(limited.body, { wait_seconds: 3, error_code: 'rate_limited' })
  t.equal((await api('GET', ME)).status, 200, 'GETs are not matched')
  stop()
  t.equal((await api('POST', '/api/backend/v1/user/emails', { emails: [] })).status, 200, 'removed')

  standIn.faults.add({ path: /token_verification/, status: 500, body: { oops: true } })
  t.same(await api('GET', '/api/v1/token_verification_metadata').then((response) => response.body), { oops: true })
})

test('latency delays the answer: a client with a short timeout gives up, a patient one gets it', async (t) => {
  const { standIn, api } = await harness(t)
  standIn.faults.add({ path: ME, latency: 5_000, times: 1 })
  const call = fetch(standIn.apiBaseUrl + ME, { headers: { authorization: `Bearer ${standIn.apiKey}` }, signal: AbortSignal.timeout(100) })
  await t.rejects(call, { name: 'TimeoutError' })

  standIn.faults.add({ path: ME, latency: 50, times: 1 })
  t.equal((await api('GET', ME)).status, 200, 'answered once the delay is over')
})

test('close() does not wait out an injected delay', async (t) => {
  const { standIn } = await harness(t)
  standIn.faults.add({ latency: 600_000, times: 1 })
  const pending = fetch(standIn.apiBaseUrl + ME, { headers: { authorization: `Bearer ${standIn.apiKey}` } })
  // The fault is used up once the call is inside its delay.
  while (standIn.faults.active.length > 0) await new Promise((resolve) => setTimeout(resolve, 5))
  await standIn.close()
  await t.rejects(pending, { message: 'fetch failed' })
})

test('a dropped connection makes the client fail on the network, as an unreachable backend would', async (t) => {
  const { standIn, api } = await harness(t)
  standIn.faults.add({ drop: true, times: 1 })
  await t.rejects(fetch(standIn.apiBaseUrl + ME, { headers: { authorization: `Bearer ${standIn.apiKey}` } }), { message: 'fetch failed' })
  t.equal((await api('GET', ME)).status, 200, 'the next call goes through')
})

test('faults come before the API key check, as network failures would', async (t) => {
  const { standIn } = await harness(t, { faults: [{ status: 502 }] })
  t.equal((await fetch(standIn.apiBaseUrl + ME)).status, 502)
  standIn.faults.clear()
  t.equal((await fetch(standIn.apiBaseUrl + ME)).status, 401)
})

test('faults are checked when added', async (t) => {
  const { standIn } = await harness(t)
  t.throws(() => standIn.faults.add({ path: ME }), /give latency, status or drop/)
  t.throws(() => standIn.faults.add({ status: 42 }), /status must be an HTTP status/)
  t.throws(() => standIn.faults.add({ status: 500, times: 0 }), /times must be a whole number/)
  t.throws(() => standIn.rateLimits.set([{ max: -1 }]), /max must be a whole number/)
})

test('the plugin rides out a transient 503 on the key fetch and fails boot clearly when it persists', async (t) => {
  const { standIn } = await harness(t)
  standIn.faults.add({ path: '/api/v1/token_verification_metadata', status: 503, times: 1 })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, standIn.pluginOptions)
  await app.ready()
  t.pass('booted after one retry')

  standIn.faults.add({ path: '/api/v1/token_verification_metadata', status: 503 })
  const failing = Fastify()
  t.teardown(() => failing.close())
  await t.rejects(async () => { await failing.register(propelAuth, { ...standIn.pluginOptions, retries: 1 }).ready() }, { code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED' })
})
