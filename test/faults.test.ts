// Faults at the edges: the backend misbehaving at boot, key rotation under a flood
// of forged tokens, and the transport's timeouts and bounded retries. Every backend
// here is a small node:http server on 127.0.0.1 (test/helpers/fault-server.ts)
// that counts what it receives. test/metadata.test.ts covers each boot failure's
// wording in detail; here each is also checked to leave nothing running behind.
import { test, type Test } from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { Transport, type HttpMethod } from '../lib/api/transport.js'
// The minting modules directly: the kit's index also loads the stand-in, which these tests do not need.
import { createTestKeyPair } from '../lib/testing/mint.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { closedPortUrl, hang, json, serveKey, startFaultServer, until, type FaultServer, type Handler } from './helpers/fault-server.js'

const API_KEY = 'pa_faults_5f1e2d3c4b5a69788796a5b4c3d2e1f0'
const AUTH_URL = 'https://auth.faults.test'
const METADATA = '/api/v1/token_verification_metadata'

const keyA = await createTestKeyPair()
const keyB = await createTestKeyPair()
const authA = await createTestAuth({ authUrl: AUTH_URL, keyPair: keyA })
const authB = await createTestAuth({ authUrl: AUTH_URL, keyPair: keyB })
const attacker = await createTestAuth({ authUrl: AUTH_URL })

async function faultServer (t: Test, handler: Handler): Promise<FaultServer> {
  const server = await startFaultServer(handler)
  t.teardown(() => server.close())
  return server
}

/** Answers each request with the next handler; the last one repeats. */
const sequence = (...handlers: Handler[]): Handler => (request, response, index) =>
  handlers[Math.min(index, handlers.length - 1)](request, response, index)

const status = (code: number, headers: Record<string, string> = {}, body: unknown = {}): Handler => (_request, response) => json(response, code, body, headers)

/** Resources that keep the event loop alive, by type, ignoring tap's own. */
function activeResources (): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return counts
}

function sameCounts (a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0))
}

// --- boot ------------------------------------------------------------------------

test('boot faults: ready() rejects with the reason, nothing crashes, nothing is left running', async (t) => {
  const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const cases: Array<{ name: string, handler?: Handler, down?: true, options?: Partial<FastifyPropelAuthOptions>, code?: string, says?: RegExp, requests: number }> = [
    { name: 'slow (every attempt times out)', handler: hang, options: { timeout: 50, retries: 1 }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /timed out \(2 attempts\)/, requests: 2 },
    { name: 'down (connection refused)', down: true, options: { retries: 1 }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /ECONNREFUSED \(2 attempts\)/, requests: 0 },
    { name: '5xx then OK', handler: sequence(status(502), status(503), serveKey(keyA.publicKeyPem)), options: { retries: 2 }, requests: 3 },
    { name: '5xx past the retries', handler: status(503), options: { retries: 2 }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 503/, requests: 3 },
    { name: '429 with Retry-After: 0, then OK', handler: sequence(status(429, { 'retry-after': '0' }), serveKey(keyA.publicKeyPem)), requests: 2 },
    { name: '429 with Retry-After longer than a boot should wait', handler: status(429, { 'retry-after': '3600' }), code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /answered 429/, requests: 1 },
    { name: 'an HTML page', handler: (_q, response) => { response.writeHead(200, { 'content-type': 'text/html' }); response.end('<!doctype html><h1>Login</h1>') }, code: 'FST_PROPELAUTH_METADATA_FETCH_FAILED', says: /not JSON/, requests: 1 },
    { name: 'a malformed PEM', handler: serveKey('-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----'), code: 'FST_PROPELAUTH_INVALID_VERIFIER_KEY', says: /not a readable PEM public key/, requests: 1 },
    { name: 'a non-RSA PEM', handler: serveKey(ecPem), code: 'FST_PROPELAUTH_INVALID_VERIFIER_KEY', says: /ec key; PropelAuth signs with RSA/, requests: 1 }
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const before = activeResources()
      const server = c.down === true ? undefined : await faultServer(t, c.handler as Handler)
      const app = Fastify()
      app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: server?.url ?? await closedPortUrl(), timeout: 5000, ...c.options })
      app.get('/me', { onRequest: (request, reply, done) => { app.auth.requireUser(request, reply, done) } }, async () => 'ok')
      const error = await app.ready().then(() => undefined, (e: Error & { code?: string }) => e)
      if (c.code === undefined) {
        t.equal(error, undefined, 'ready() resolves')
        const response = await app.inject({ url: '/me', headers: { authorization: await authA.authorizationHeader() } })
        t.equal(response.statusCode, 200, 'and tokens are verified with the fetched key')
      } else {
        t.equal(error?.code, c.code, 'error code')
        t.match(error?.message, c.says, 'message says what failed')
        t.notOk(`${error?.message} ${error?.stack}`.includes(API_KEY), 'the API key is in neither message nor stack')
      }
      // An attempt that times out may be abandoned before it reaches a busy server: at most, then.
      if (c.handler === hang) t.ok((server?.count(METADATA) ?? 0) <= c.requests, `at most ${c.requests} request(s) to the backend`)
      else t.equal(server?.count(METADATA) ?? 0, c.requests, `${c.requests} request(s) to the backend`)
      await app.close()
      await server?.close()
      // Sockets finish closing a few ticks after close() resolves: wait for that, boundedly.
      await until(() => sameCounts(activeResources(), before), 'the resources in use are those from before').catch(() => {})
      t.same(activeResources(), before, 'no timer, socket or request left behind')
    })
  }
})

// --- run time: key rotation and floods ---------------------------------------------

async function appAgainst (t: Test, server: FaultServer, options: Partial<FastifyPropelAuthOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: server.url, ...options })
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ user_id: request.user!.userId }))
  t.teardown(() => app.close())
  return app
}

async function statuses (app: FastifyInstance, authorizations: string[]): Promise<Map<number, number>> {
  const responses = await Promise.all(authorizations.map(async (authorization) => await app.inject({ url: '/me', headers: { authorization } })))
  const counts = new Map<number, number>()
  for (const response of responses) counts.set(response.statusCode, (counts.get(response.statusCode) ?? 0) + 1)
  return counts
}

/** Forged tokens: right shape, wrong signer, a different user each, so the verified-token cache cannot help. */
async function forgedFlood (size: number): Promise<string[]> {
  return await Promise.all(Array.from({ length: size }, async (_, i) => await attacker.authorizationHeader({ userId: `forged-${i}` })))
}

test('rotation: new key served, one refetch, new tokens accepted, old ones refused', async (t) => {
  let pem = keyA.publicKeyPem
  const server = await faultServer(t, (request, response) => serveKey(pem)(request, response, 0))
  const app = await appAgainst(t, server)
  const oldToken = await authA.authorizationHeader({ userId: 'old' })
  const newToken = await authB.authorizationHeader({ userId: 'new' })
  t.same(await statuses(app, [oldToken]), new Map([[200, 1]]))

  pem = keyB.publicKeyPem
  // A burst of new-key tokens arrives at once: all fail fast, and ask for one refetch together.
  t.same(await statuses(app, Array(50).fill(newToken)), new Map([[401, 50]]), 'requests do not wait on the refetch')
  await until(async () => (await statuses(app, [newToken])).has(200), 'new-key tokens are accepted')
  t.equal(server.count(METADATA), 2, 'boot fetch plus exactly one refetch')
  t.same(await statuses(app, [oldToken, oldToken]), new Map([[401, 2]]), 'old-key tokens are refused, cached verdict included')
  t.same(await statuses(app, [newToken]), new Map([[200, 1]]))
  t.equal(server.count(METADATA), 2, 'old tokens within the cooldown fetch nothing more')
})

test('no refetch storm: a flood of forged signatures costs at most one fetch per cooldown', async (t) => {
  const server = await faultServer(t, serveKey(keyA.publicKeyPem))
  const app = await appAgainst(t, server, { keyRefreshCooldown: 60 })
  const flood = await forgedFlood(200)
  const valid = await authA.authorizationHeader()

  t.same(await statuses(app, [...flood, valid]), new Map([[401, 200], [200, 1]]), 'every forgery refused, the valid token accepted, no 5xx')
  await until(() => server.count(METADATA) === 2, 'the one refetch arrives')
  t.same(await statuses(app, flood), new Map([[401, 200]]), 'a second flood, after the refetch')
  t.same(await statuses(app, [valid]), new Map([[200, 1]]))
  t.equal(server.count(METADATA), 2, 'still one refetch: the cooldown holds')
})

test('no refetch storm when the backend fails: one refetch attempt series per cooldown, key kept', async (t) => {
  let handler: Handler = serveKey(keyA.publicKeyPem)
  const server = await faultServer(t, (request, response, index) => handler(request, response, index))
  const app = await appAgainst(t, server, { retries: 2, cache: false })
  const valid = await authA.authorizationHeader()
  handler = status(503)

  t.same(await statuses(app, [...await forgedFlood(200), valid]), new Map([[401, 200], [200, 1]]))
  await until(() => server.count(METADATA) === 4, 'the refetch and its two retries')
  t.same(await statuses(app, [...await forgedFlood(200), valid]), new Map([[401, 200], [200, 1]]), 'the current key still verifies; no 5xx')
  t.equal(server.count(METADATA), 4, 'no new refetch within the cooldown')
})

test('the cooldown is what bounds refetches: at its floor (1 s), a failure once it has passed fetches again', async (t) => {
  let pem = keyA.publicKeyPem
  const server = await faultServer(t, (request, response) => serveKey(pem)(request, response, 0))
  const app = await appAgainst(t, server, { keyRefreshCooldown: 1 })
  const tokenB = await authB.authorizationHeader()
  const tokenA = await authA.authorizationHeader()

  pem = keyB.publicKeyPem
  await until(async () => (await statuses(app, [tokenB])).has(200), 'the key rotated to B')
  const afterRotation = server.count(METADATA)
  pem = keyA.publicKeyPem
  // The second refetch can only come once the second of cooldown has passed.
  await until(async () => (await statuses(app, [tokenA])).has(200), 'the key rotated back to A', 1000)
  t.ok(server.count(METADATA) > afterRotation, 'a second refetch happened once the cooldown had passed')
})

// --- transport ---------------------------------------------------------------------

function transport (server: FaultServer | string, options: { timeout?: number, retries?: number } = {}): Transport {
  return new Transport({
    apiBaseUrl: typeof server === 'string' ? server : server.url,
    apiKey: API_KEY,
    authHostname: 'auth.faults.test',
    timeout: options.timeout ?? 5000,
    retries: options.retries ?? 2
  })
}

const resetSocket: Handler = (request) => { request.socket.destroy() }

test('transport: GETs are retried a bounded number of times on timeouts, resets, 5xx and 429', async (t) => {
  const cases: Array<{ name: string, handler: Handler, timeout?: number, status?: number, throws?: RegExp, requests: number }> = [
    { name: 'timeout every time', handler: hang, timeout: 50, throws: /timed out \(3 attempts\)/, requests: 3 },
    { name: 'socket reset every time', handler: resetSocket, throws: /failed: .*\(3 attempts\)/, requests: 3 },
    { name: '503 every time: the last answer is returned', handler: status(503), status: 503, requests: 3 },
    { name: '500, 502, then 200', handler: sequence(status(500), status(502), status(200)), status: 200, requests: 3 },
    { name: 'a timeout, then 200', handler: sequence(hang, status(200)), timeout: 250, status: 200, requests: 2 },
    { name: '429 Retry-After 0, then 200', handler: sequence(status(429, { 'retry-after': '0' }), status(200)), status: 200, requests: 2 },
    { name: '429 with wait_seconds 0 in the body, then 200', handler: sequence(status(429, {}, { wait_seconds: 0 }), status(200)), status: 200, requests: 2 },
    { name: '429 asking for an hour: returned at once', handler: status(429, { 'retry-after': '3600' }), status: 429, requests: 1 },
    { name: '404 is final', handler: status(404), status: 404, requests: 1 },
    { name: '400 is final', handler: status(400), status: 400, requests: 1 }
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const server = await faultServer(t, c.handler)
      const client = transport(server, { timeout: c.timeout })
      const result = await client.request({ method: 'GET', path: '/api/backend/v1/user/u1' }).then(
        (response) => response.status,
        (error: Error & { code?: string }) => error
      )
      if (c.throws !== undefined) {
        t.type(result, Error)
        t.equal((result as { code?: string }).code, 'FST_PROPELAUTH_BACKEND_UNREACHABLE')
        t.match((result as Error).message, c.throws)
        t.notOk((result as Error).message.includes(API_KEY))
      } else {
        t.equal(result, c.status)
      }
      // An attempt that times out may be abandoned before it reaches a busy server: at most, then.
      if (c.handler === hang) t.ok(server.count() <= c.requests, `at most ${c.requests} request(s) on the server`)
      else t.equal(server.count(), c.requests, `${c.requests} request(s) on the server`)
      client.close()
    })
  }
})

test('transport: the timeout fires even when garbage collections run while the request waits', async (t) => {
  // A timeout signal that only a combined signal refers to can be collected
  // before it fires, and the request would then wait forever: collect often.
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const server = await faultServer(t, hang)
  const client = transport(server, { timeout: 300, retries: 0 })
  t.teardown(() => client.close())
  const collecting = setInterval(gc, 20)
  t.teardown(() => clearInterval(collecting))
  const outcome = await Promise.race([
    client.request({ method: 'GET', path: '/api/backend/v1/user/u1' }).then(() => 'answered', (error: Error) => error.message),
    sleep(10_000).then(() => 'still waiting after 10 s')
  ])
  t.match(outcome, /timed out \(1 attempt\)/)
})

test('transport: retries 0 means one attempt', async (t) => {
  const server = await faultServer(t, status(503))
  const client = transport(server, { retries: 0 })
  t.equal((await client.request({ method: 'GET', path: '/x' })).status, 503)
  t.equal(server.count(), 1)
})

test('transport: a POST (or PUT, PATCH, DELETE) is never retried, whatever goes wrong', async (t) => {
  const methods: HttpMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE']
  const faults: Array<{ name: string, handler: Handler, status?: number }> = [
    { name: '503', handler: status(503), status: 503 },
    { name: '500', handler: status(500), status: 500 },
    { name: '429 Retry-After 0', handler: status(429, { 'retry-after': '0' }), status: 429 },
    { name: 'a timeout', handler: hang },
    { name: 'a socket reset after the body was read', handler: resetSocket }
  ]
  for (const method of methods) {
    for (const fault of faults) {
      const server = await faultServer(t, fault.handler)
      // A short timeout only where the backend hangs: a slow 503 on a busy machine must not time out instead.
      const client = transport(server, { timeout: fault.handler === hang ? 100 : 5000, retries: 5 })
      const result = await client.request({ method, path: '/api/backend/v1/user/', body: { email: 'a@b.test' } }).then(
        (response) => response.status,
        (error: Error & { code?: string }) => error.code
      )
      t.equal(result, fault.status ?? 'FST_PROPELAUTH_BACKEND_UNREACHABLE', `${method} on ${fault.name}: ${String(result)}`)
      if (fault.handler === hang) {
        t.ok(server.count() <= 1, `${method} on ${fault.name}: the server saw at most one request`)
      } else {
        t.equal(server.count(), 1, `${method} on ${fault.name}: the server saw one request`)
        t.equal(server.received[0].body, '{"email":"a@b.test"}', 'with its body')
      }
      client.close()
    }
  }
})

test('transport: an answer comes back exactly as sent, even one that echoes the API key; messages quoting it do not show the key', async (t) => {
  const server = await faultServer(t, (request, response) => json(response, 400, { error: `bad request from ${String(request.headers.authorization)}` }))
  const response = await transport(server).request({ method: 'POST', path: '/x' })
  t.equal(response.status, 400)
  t.same(JSON.parse(response.text), { error: `bad request from Bearer ${API_KEY}` }, 'data is never rewritten')
  t.same(JSON.parse(response.redact.text(response.text)), { error: 'bad request from Bearer [redacted]' }, 'what a message may quote has the key cut out')
})

test('transport: redirects are not followed; the error names the URL, never the key, and the target sees nothing', async (t) => {
  const target = await faultServer(t, serveKey(keyB.publicKeyPem))
  for (const code of [301, 302, 303, 307, 308]) {
    const server = await faultServer(t, status(code, { location: `${target.url}/elsewhere?key=${API_KEY}` }))
    for (const method of ['GET', 'POST'] as const) {
      const error = await transport(server, { retries: 2 }).request({ method, path: '/api/backend/v1/end_user_api_keys/validate', body: method === 'POST' ? { api_key_token: 'end-user-key-0123456789abcdef' } : undefined })
        .then(() => undefined, (e: Error & { code?: string, statusCode?: number }) => e)
      t.equal(error?.code, 'FST_PROPELAUTH_BACKEND_REDIRECT', `${code} ${method}: refused`)
      t.equal(error?.statusCode, 502)
      t.match(error?.message, `${method} ${server.url}/api/backend/v1/end_user_api_keys/validate answered ${code}, a redirect to ${target.url}`, `${code} ${method}: names the URL and where it pointed`)
      t.notOk(String(error?.message).includes(API_KEY), `${code} ${method}: no key in the message`)
    }
    t.equal(server.count(), 2, `${code}: one request per call, a redirect is not retried`)
  }
  t.equal(target.count(), 0, 'the redirect target never received a request, so neither key nor body went there')

  for (const [headers, said] of [[{}, 'no Location'], [{ location: 'http://[' }, 'an unreadable Location']] as const) {
    const server = await faultServer(t, status(302, headers))
    await t.rejects(transport(server).request({ method: 'GET', path: '/x' }), { code: 'FST_PROPELAUTH_BACKEND_REDIRECT', message: new RegExp(`answered 302, a redirect to ${said}`) })
  }
})

test('boot: a redirect from apiBaseUrl fails ready(), and the key the target would serve is never adopted', async (t) => {
  const target = await faultServer(t, serveKey(attacker.tokenVerificationMetadata.verifierKey))
  const server = await faultServer(t, status(302, { location: `${target.url}${METADATA}` }))
  const app = Fastify()
  app.register(propelAuth, { authUrl: AUTH_URL, apiKey: API_KEY, apiBaseUrl: server.url, retries: 0 })
  const error = await app.ready().then(() => undefined, (e: Error & { code?: string }) => e)
  await app.close()
  t.equal(error?.code, 'FST_PROPELAUTH_METADATA_FETCH_FAILED')
  t.match(error?.message, /answered 302, a redirect to http:\/\/127\.0\.0\.1:\d+; redirects are not followed/)
  t.notOk(String(error?.message).includes(API_KEY))
  t.equal(target.count(), 0)
})

test('transport: the API key goes in the Authorization header only', async (t) => {
  const server = await faultServer(t, status(500))
  const client = transport(server, { retries: 1 })
  const response = await client.request({ method: 'GET', path: '/x', query: { a: '1' } })
  t.equal(response.status, 500)
  for (const request of server.received) {
    t.equal(request.headers.authorization, `Bearer ${API_KEY}`)
    t.equal(request.headers['x-propelauth-url'], 'auth.faults.test')
  }
})

test('through app.auth: a write (createUser) is sent once on 503, a read (fetchUserMetadataByUserId) is retried', async (t) => {
  const server = await faultServer(t, (request, response, index) =>
    request.url === METADATA ? serveKey(keyA.publicKeyPem)(request, response, index) : status(503)(request, response, index))
  const app = await appAgainst(t, server, { retries: 2 })
  const user = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'

  await t.rejects(app.auth.createUser({ email: 'ada@example.test' }))
  t.equal(server.count('/api/backend/v1/user/'), 1, 'createUser: one POST, never repeated')
  await t.rejects(app.auth.fetchUserMetadataByUserId(user))
  t.equal(server.count(`/api/backend/v1/user/${user}`), 3, 'fetchUserMetadataByUserId: 1 + 2 retries')
})
