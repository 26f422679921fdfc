import { test, type Test } from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { startStandIn } from 'fastify-propelauth-standin'
import { createTestAuth, createTestKeyPair } from '../lib/testing/index.js'
import { hang, json, metadata, raw, startFakeBackend, type Answer } from './helpers/fake-backend.js'

// A recognisable key: no error message and no log line may ever contain it.
const API_KEY = 'pa_test_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d'
const AUTH_URL = 'https://auth.example.com'

const keyA = await createTestKeyPair()
const keyB = await createTestKeyPair()
const authA = await createTestAuth({ authUrl: AUTH_URL, keyPair: keyA })
const authB = await createTestAuth({ authUrl: AUTH_URL, keyPair: keyB })

/** Collects the app's log lines, so tests can wait for one and check that none leaks the key. */
function logCollector (): { stream: Writable, lines: string[], waitFor: (pattern: RegExp) => Promise<void> } {
  const lines: string[] = []
  const waiters: Array<{ pattern: RegExp, resolve: () => void }> = []
  const stream = new Writable({
    write (chunk, _encoding, callback) {
      const line = chunk.toString()
      lines.push(line)
      for (const waiter of waiters) if (waiter.pattern.test(line)) waiter.resolve()
      callback()
    }
  })
  const waitFor = async (pattern: RegExp): Promise<void> => {
    if (lines.some((line) => pattern.test(line))) return
    await new Promise<void>((resolve) => waiters.push({ pattern, resolve }))
  }
  return { stream, lines, waitFor }
}

type BootError = Error & { code?: string, cause?: unknown }

/**
 * Registers against a backend, lets `setup` declare routes, and returns what
 * registration rejects with, or undefined once the app is ready.
 */
async function boot (t: Test, options: Partial<FastifyPropelAuthOptions>, setup?: (app: FastifyInstance) => void): Promise<{ app: FastifyInstance, error: BootError | undefined }> {
  const app = Fastify()
  t.teardown(() => app.close().catch(() => {}))
  try {
    await app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, ...options })
    setup?.(app)
    await app.ready()
  } catch (error) {
    return { app, error: error as BootError }
  }
  return { app, error: undefined }
}

async function bootAgainst (t: Test, answers: Answer[], options: Partial<FastifyPropelAuthOptions> = {}): Promise<{ error: BootError | undefined, requests: number }> {
  const backend = await startFakeBackend(t, answers)
  const { error } = await boot(t, { apiBaseUrl: backend.url, ...options })
  if (error !== undefined) {
    t.notOk(error.message.includes(API_KEY), 'the API key is not in the message')
    t.notOk(String(error.stack).includes(API_KEY), 'the API key is not in the stack')
  }
  return { error, requests: backend.requests.length }
}

test('the key is fetched once, with the API key and X-Propelauth-url, as PropelAuth expects (PropelAuth test case 4)', async (t) => {
  const backend = await startFakeBackend(t, [metadata(keyA.publicKeyPem)])
  const { app, error } = await boot(t, { authUrl: 'https://auth.example.com:8443/', apiBaseUrl: `${backend.url}/` }, (app) => {
    app.get('/me', { onRequest: app.auth.requireUser }, async (req) => ({ userId: req.user!.userId }))
  })
  t.equal(error, undefined)
  t.equal(backend.requests.length, 1, 'one request')
  const [request] = backend.requests
  t.equal(request.method, 'GET')
  t.equal(request.url, '/api/v1/token_verification_metadata')
  t.equal(request.headers.authorization, `Bearer ${API_KEY}`)
  t.equal(request.headers['x-propelauth-url'], 'auth.example.com', 'the hostname, without the port, as the Node library sends it')

  // The fetched key verifies tokens whose issuer is the auth URL's origin.
  const portAuth = await createTestAuth({ authUrl: 'https://auth.example.com:8443', keyPair: keyA })
  const response = await app.inject({ url: '/me', headers: { authorization: await portAuth.authorizationHeader({ userId: 'u-1' }) } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { userId: 'u-1' })
})

test('the key is fetched from the stand-in through the real transport', async (t) => {
  const standIn = await startStandIn()
  t.teardown(() => standIn.close())
  const app = Fastify()
  await app.register(propelAuth, standIn.pluginOptions)
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ email: request.user!.email }))
  t.teardown(() => app.close())
  const token = await standIn.createAccessToken('member@acme.test')
  const response = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { email: 'member@acme.test' })

  const wrongKey = Fastify()
  wrongKey.register(propelAuth, { ...standIn.pluginOptions, apiKey: API_KEY })
  t.teardown(() => wrongKey.close().catch(() => {}))
  const error = await wrongKey.ready().then(() => undefined, (e: BootError) => e)
  t.equal(error?.code, 'FST_PROPELAUTH_METADATA_FETCH_FAILED', 'the stand-in refuses a wrong API key as PropelAuth does')
  t.match(error?.message, /answered 401: PropelAuth rejected the API key/)
})

test('registration fails with a message that says what to fix (PropelAuth test case 3)', async (t) => {
  const cases: Array<{ name: string, answers: Answer[], options?: Partial<FastifyPropelAuthOptions>, code: string, says: RegExp, requests: number }> = [
    { name: '401', answers: [json(401, { error: 'unauthorized' })], code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /token_verification_metadata \(auth URL host auth\.example\.com\) answered 401: PropelAuth rejected the API key\. Check the `apiKey` option/, requests: 1 },
    { name: '404', answers: [json(404, {})], code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 404: PropelAuth does not know this auth URL\. Check the `authUrl` option/, requests: 1 },
    { name: '400', answers: [json(400, {})], code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 400\. Check the `authUrl` and `apiBaseUrl` options/, requests: 1 },
    { name: '429, retries exhausted', answers: [json(429, {}, { 'retry-after': '0' })], options: { retries: 1 }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 429: PropelAuth is rate limiting this API key/, requests: 2 },
    { name: '429 asking to wait longer than a boot should', answers: [json(429, { wait_seconds: 3600 })], code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 429/, requests: 1 },
    { name: '500, retries exhausted', answers: [json(500, {})], options: { retries: 2 }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 500: PropelAuth's backend is failing/, requests: 3 },
    { name: '503 with retries: 0', answers: [json(503, {})], options: { retries: 0 }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 503/, requests: 1 },
    { name: 'HTML instead of JSON', answers: [raw(200, '<!doctype html><title>Welcome</title>')], code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 200 with a body that is not JSON\. Check the `apiBaseUrl` option/, requests: 1 },
    { name: 'JSON without verifier_key_pem', answers: [json(200, { public_key_pem: keyA.publicKeyPem })], code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 200 without a verifier_key_pem string/, requests: 1 },
    { name: 'a PEM that is not a key', answers: [metadata('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')], code: 'FST_PROPELAUTH_INVALID_VERIFIER_KEY', says: /the verifier key from http:\/\/127\.0\.0\.1:\d+ is not a readable PEM public key/, requests: 1 },
    { name: 'not a PEM at all', answers: [metadata('hello')], code: 'FST_PROPELAUTH_INVALID_VERIFIER_KEY', says: /is not an SPKI PEM public key/, requests: 1 },
    {
      name: 'a PKCS#1 RSA key',
      answers: [metadata(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString())],
      code: 'FST_PROPELAUTH_INVALID_VERIFIER_KEY',
      says: /is not an SPKI PEM public key.*PKCS#1 "RSA PUBLIC KEY"; convert it with `openssl rsa -RSAPublicKey_in -pubout`/,
      requests: 1
    },
    {
      name: 'a 1024-bit RSA key',
      answers: [metadata(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString())],
      code: 'FST_PROPELAUTH_INVALID_VERIFIER_KEY',
      says: /is a 1024-bit RSA key; RS256 needs at least 2048 bits/,
      requests: 1
    },
    {
      name: 'an EC key',
      answers: [metadata(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString())],
      code: 'FST_PROPELAUTH_INVALID_VERIFIER_KEY',
      says: /is a ec key; PropelAuth signs with RSA \(RS256\)/,
      requests: 1
    },
    { name: 'a backend that never answers', answers: [hang], options: { timeout: 50, retries: 1 }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/token_verification_metadata failed: timed out \(2 attempts\)\. Check that .* is reachable \(options `apiBaseUrl`, `timeout`, `retries`\)/, requests: 2 }
  ]
  for (const { name, answers, options, code, says, requests } of cases) {
    const result = await bootAgainst(t, answers, options)
    t.equal(result.error?.code, code, `${name}: code`)
    t.match(result.error?.message, /^fastify-propelauth: /, `${name}: one prefix`)
    t.notMatch(result.error?.message, /fastify-propelauth: .*fastify-propelauth: /, `${name}: not twice`)
    t.match(result.error?.message, says, `${name}: says what failed and what to fix`)
    t.equal(result.requests, requests, `${name}: ${requests} request(s)`)
  }
})

test('a refused connection is retried with backoff, then reported with its address', async (t) => {
  // A port that was free a moment ago: connecting to it is refused at once.
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))

  const app = Fastify()
  app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: `http://127.0.0.1:${port}`, retries: 1 })
  t.teardown(() => app.close().catch(() => {}))
  const error = await app.ready().then(() => undefined, (e: BootError) => e)
  t.equal(error?.code, 'FST_PROPELAUTH_METADATA_FETCH_FAILED')
  t.match(error?.message, `GET http://127.0.0.1:${port}/api/v1/token_verification_metadata failed: ECONNREFUSED (2 attempts). Check that http://127.0.0.1:${port} is reachable`)
  t.ok(error?.cause, 'the transport error is kept as the cause')
  t.notOk(error?.message.includes(API_KEY))
})

test('transient failures are retried: 503, 429, then the key', async (t) => {
  const result = await bootAgainst(t, [json(503, {}), json(429, {}, { 'retry-after': '0' }), metadata(keyA.publicKeyPem)], { retries: 2 })
  t.equal(result.error, undefined, 'ready() resolves')
  t.equal(result.requests, 3)
})

test('401 and 404 are not retried: they will not get better', async (t) => {
  t.equal((await bootAgainst(t, [json(401, {}), metadata(keyA.publicKeyPem)], { retries: 2 })).requests, 1)
  t.equal((await bootAgainst(t, [json(404, {}), metadata(keyA.publicKeyPem)], { retries: 2 })).requests, 1)
})

/** Asks until `ok` holds: the key refetch runs in the background, so its effect shows a few ticks later. */
async function eventually (check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return true
    await sleep(5)
  }
  return false
}

test('key rotation: a signature failure refetches the key in the background, once per cooldown, and drops cached verdicts', async (t) => {
  let served = keyA.publicKeyPem
  const backend = await startFakeBackend(t, () => metadata(served))
  const logs = logCollector()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: backend.url, keyRefreshCooldown: 60 })
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ userId: request.user!.userId }))
  t.teardown(() => app.close())
  const get = async (authorization: string): Promise<number> => (await app.inject({ url: '/me', headers: { authorization } })).statusCode

  const tokenA = await authA.authorizationHeader({ userId: 'signed-by-a' })
  const tokenB = await authB.authorizationHeader({ userId: 'signed-by-b' })
  t.equal(await get(tokenA), 200, 'a token of the current key passes, and is cached')
  t.equal(backend.requests.length, 1)

  served = keyB.publicKeyPem // PropelAuth rotates its key
  t.equal(await get(tokenB), 401, 'the request that finds a new key is not held up: it fails at once')
  await backend.received(2)
  t.ok(await eventually(async () => await get(tokenB) === 200), 'tokens of the new key pass once it has arrived')
  await logs.waitFor(/token verification key rotated/)

  t.equal(await get(tokenA), 401, 'the cached verdict for the old key was dropped with it')
  t.equal(await get(await authA.authorizationHeader()), 401)
  t.equal(backend.requests.length, 2, 'more signature failures within the cooldown fetch nothing')

  t.notOk(logs.lines.some((line) => line.includes(API_KEY)), 'no log line contains the API key')
})

test('key rotation: at the cooldown floor (1 s), a signature failure after it has passed fetches again', async (t) => {
  const backend = await startFakeBackend(t, [metadata(keyA.publicKeyPem)])
  const app = Fastify()
  await app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: backend.url, keyRefreshCooldown: 1 })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  t.teardown(() => app.close())
  const stranger = await authB.authorizationHeader()
  await app.inject({ url: '/me', headers: { authorization: stranger } })
  await backend.received(2)
  // Within the second nothing more is fetched (the 60 s test above shows it); past it:
  await sleep(1000)
  t.ok(await eventually(async () => {
    await app.inject({ url: '/me', headers: { authorization: stranger } })
    return backend.requests.length >= 3
  }), 'a failure after the second has passed fetches again')
})

test('key rotation: a failed refetch keeps the current key and logs why, without the API key', async (t) => {
  let answer: Answer = metadata(keyA.publicKeyPem)
  const backend = await startFakeBackend(t, () => answer)
  const logs = logCollector()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: backend.url, retries: 0, cache: false })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  t.teardown(() => app.close())

  answer = json(401, {})
  t.equal((await app.inject({ url: '/me', headers: { authorization: await authB.authorizationHeader() } })).statusCode, 401)
  await logs.waitFor(/key refetch failed, keeping the current key/)
  t.ok(logs.lines.some((line) => /"level":40/.test(line) && /answered 401: PropelAuth rejected the API key/.test(line)), 'logged as a warning, with the reason')
  t.equal((await app.inject({ url: '/me', headers: { authorization: await authA.authorizationHeader() } })).statusCode, 200, 'the current key still verifies (cache off)')
  t.notOk(logs.lines.some((line) => line.includes(API_KEY)), 'no log line contains the API key')
})

test('key rotation: requests never wait on a refetch that hangs, and close() cancels it', async (t) => {
  let answer: Answer = metadata(keyA.publicKeyPem)
  const backend = await startFakeBackend(t, () => answer)
  const app = Fastify()
  // A long timeout: a request that waited on the refetch would stall this test.
  await app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: backend.url, timeout: 120_000 })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')

  answer = hang
  t.equal((await app.inject({ url: '/me', headers: { authorization: await authB.authorizationHeader() } })).statusCode, 401)
  await backend.received(2)
  t.equal((await app.inject({ url: '/me', headers: { authorization: await authA.authorizationHeader() } })).statusCode, 200, 'answered while the refetch is still out')
  await app.close()
  t.pass('close() did not wait for the hanging refetch')
})

test('tokenVerificationMetadata skips the fetch (PropelAuth test case 5)', async (t) => {
  const backend = await startFakeBackend(t, [metadata(keyB.publicKeyPem)])
  const { app, error } = await boot(t, { apiBaseUrl: backend.url, tokenVerificationMetadata: authA.tokenVerificationMetadata }, (app) => {
    app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  })
  t.equal(error, undefined)
  t.equal((await app.inject({ url: '/me', headers: { authorization: await authA.authorizationHeader() } })).statusCode, 200)
  t.equal((await app.inject({ url: '/me', headers: { authorization: await authB.authorizationHeader() } })).statusCode, 401, 'a static key is never swapped for a fetched one')
  t.equal(backend.requests.length, 0, 'not at boot, and not after a signature failure')
})
