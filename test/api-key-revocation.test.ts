// Revocation that sticks: once deleteApiKey or updateApiKey has settled, no
// request is admitted with a validation made before, cached or still in
// flight; and a cached validation never outlives the expiry of a key this
// plugin created or imported. The backend is a node:http server on 127.0.0.1
// whose key can be revoked, and whose validations can be held back, so that an
// answer given before the revocation arrives after it.
import type { ServerResponse } from 'node:http'
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import propelAuth from '../index.js'
import { createApiKeyGuards } from '../lib/api/api-key-guards/api-key-guards.js'
import type { ApiKeyValidation } from '../lib/api/types.js'
import { DEFAULT_REQUEST_DECORATORS } from '../lib/options/declared-names.js'
import { requestSlots } from '../lib/guards/request-slots.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { json, startFaultServer, until, type FaultServer } from './helpers/fault-server.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const KEYS = '/api/backend/v1/end_user_api_keys'
const KEY_ID = '0123456789abcdef0123456789abcdef'
const TOKEN = 'tok_5c0ffee0123456789abcdef0123456789'
const USER = { user_id: '2c1f3e5a-6b7c-4d8e-9f00-112233445566', email: 'ada@example.com', metadata: {}, properties: {} }
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })

interface Backend {
  server: FaultServer
  validations: () => number
  /** Holds the answer of the next validation, decided when it arrives, until the function returned is called. */
  holdNext: () => void
  releaseHeld: () => void
  /** Makes the next DELETE or PATCH of the key fail with 500, after revoking it (the answer is lost on the way). */
  failNextChange: () => void
}

async function backend (t: Test): Promise<Backend> {
  let revoked = false
  let hold = false
  let failChange = false
  const held: Array<() => void> = []
  const server = await startFaultServer((request, response: ServerResponse) => {
    if (request.url === `${KEYS}/validate`) {
      // Decided on arrival: a held answer is what PropelAuth said before any later change.
      const valid = !revoked
      const answer = (): void => valid ? json(response, 200, { metadata: { scope: 'read' }, user: USER }) : json(response, 400, { api_key_token: ['Invalid API key'] })
      if (hold) {
        hold = false
        held.push(answer)
      } else {
        answer()
      }
      return
    }
    if (request.url === `${KEYS}/${KEY_ID}` && (request.method === 'DELETE' || request.method === 'PATCH')) {
      revoked = true
      if (failChange) {
        failChange = false
        json(response, 500, {})
      } else {
        json(response, 200, {})
      }
      return
    }
    json(response, 404, {})
  })
  t.teardown(() => server.close())
  return {
    server,
    validations: () => server.count(`${KEYS}/validate`),
    holdNext: () => { hold = true },
    releaseHeld: () => { for (const answer of held.splice(0)) answer() },
    failNextChange: () => { failChange = true }
  }
}

async function appAgainst (t: Test, url: string): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: 'integration-key', apiBaseUrl: url, retries: 0 })
  app.get('/key', { onRequest: app.auth.requireApiKey }, async (request) => ({ userId: request.user?.userId ?? null }))
  t.teardown(() => app.close())
  return app
}

const get = (app: FastifyInstance, key = TOKEN): Promise<LightMyRequestResponse> =>
  app.inject({ url: '/key', headers: { authorization: `Bearer ${key}` } })

const revocations: Array<[string, (app: FastifyInstance) => Promise<unknown>]> = [
  ['deleteApiKey', (app) => app.auth.deleteApiKey(KEY_ID)],
  ['updateApiKey', (app) => app.auth.updateApiKey(KEY_ID, { expiresAtSeconds: Math.floor(Date.now() / 1000) - 60 })],
  ['clearApiKeyCache (a key revoked elsewhere)', async (app) => {
    await fetch(`${(app as FastifyInstance & { backendUrl: string }).backendUrl}${KEYS}/${KEY_ID}`, { method: 'DELETE' })
    app.auth.clearApiKeyCache()
  }]
]

for (const [name, revoke] of revocations) {
  test(`${name}: a check in flight when the key is revoked admits no request made afterwards, nor the ones waiting on it`, async (t) => {
    const { server, validations, holdNext, releaseHeld } = await backend(t)
    const app = await appAgainst(t, server.url)
    app.decorate('backendUrl', server.url)

    holdNext()
    const before = get(app) // its check is answered "valid" by PropelAuth, and delivered late
    await until(() => validations() === 1, 'the first check reached PropelAuth')
    await revoke(app)

    const after = await get(app)
    t.equal(after.statusCode, 401, 'a request made after the revocation does not join the old check')
    t.equal(validations(), 2, 'it was checked anew')

    releaseHeld()
    t.equal((await before).statusCode, 401, 'the request that waited on the old check is not admitted by its stale answer')
    const later = await get(app)
    t.equal(later.statusCode, 401, 'nor is any later request: the stale answer was never cached')
  })
}

test('a revocation that fails on the way back still drops what the guards know', async (t) => {
  const { server, validations, failNextChange } = await backend(t)
  const app = await appAgainst(t, server.url)
  t.equal((await get(app)).statusCode, 200)
  t.equal((await get(app)).statusCode, 200)
  t.equal(validations(), 1, 'cached')
  failNextChange()
  await t.rejects(app.auth.deleteApiKey(KEY_ID), { code: 'FST_PROPELAUTH_BACKEND_ERROR' })
  t.equal((await get(app)).statusCode, 401, 'PropelAuth may have archived the key: it is asked again')
  t.equal(validations(), 2)
})

// --- expiry ----------------------------------------------------------------------------

/** The guards alone, on a clock the test moves, with a validateApiKey that counts its calls. */
async function guardsOnClock (t: Test): Promise<{ app: FastifyInstance, clock: { now: number }, calls: () => number, note: (token: string, expiresAtSeconds: number | undefined) => void }> {
  const clock = { now: 1_700_000_000_000 }
  let calls = 0
  const guards = createApiKeyGuards({
    validateApiKey: async (): Promise<ApiKeyValidation> => {
      calls++
      return { metadata: {}, user: { userId: USER.user_id, email: USER.email } as ApiKeyValidation['user'] }
    },
    requireUser: (_request, _reply, done) => done(),
    cache: { max: 100, ttl: 30, invalidTtl: 5 },
    validation: { concurrency: 2, maxQueued: 10 },
    maxWaitMs: 1000,
    slots: requestSlots(DEFAULT_REQUEST_DECORATORS),
    logRefusal: () => {},
    now: () => clock.now
  })
  const app = Fastify()
  app.decorateRequest('user', null)
  app.decorateRequest('org', null)
  app.get('/key', { onRequest: guards.requireApiKey }, async (request) => ({ userId: request.user?.userId ?? null }))
  t.teardown(() => app.close())
  return { app, clock, calls: () => calls, note: guards.noteApiKeyCreated }
}

test('keys that keep changing while a request waits end in 503 for it, never in an admission by a stale answer', async (t) => {
  let calls = 0
  let clear = (): void => {}
  const guards = createApiKeyGuards({
    validateApiKey: async (): Promise<ApiKeyValidation> => {
      calls++
      // The key changes while every check is in flight: no answer is ever current.
      clear()
      return { user: { userId: USER.user_id, email: USER.email } as ApiKeyValidation['user'] }
    },
    requireUser: (_request, _reply, done) => done(),
    cache: { max: 100, ttl: 30, invalidTtl: 5 },
    validation: { concurrency: 2, maxQueued: 10 },
    maxWaitMs: 1000,
    slots: requestSlots(DEFAULT_REQUEST_DECORATORS),
    logRefusal: () => {}
  })
  clear = guards.clearApiKeyCache
  const app = Fastify()
  app.decorateRequest('user', null)
  app.decorateRequest('org', null)
  app.get('/key', { onRequest: guards.requireApiKey }, async () => 'admitted')
  t.teardown(() => app.close())
  const response = await get(app)
  t.equal(response.statusCode, 503)
  t.equal(response.json().code, 'FST_PROPELAUTH_API_KEY_VALIDATION_BUSY')
  t.equal(calls, 4, 'checked again three times, then given up')
})

test('a cached validation ends at the expiry of a key created here, before its ttl', async (t) => {
  const { app, clock, calls, note } = await guardsOnClock(t)
  note(TOKEN, clock.now / 1000 + 10)
  t.equal((await get(app)).statusCode, 200)
  clock.now += 9_999
  t.equal((await get(app)).statusCode, 200)
  t.equal(calls(), 1, 'cached until the key expires')
  clock.now += 1
  t.equal((await get(app)).statusCode, 200, 'PropelAuth is asked again once the key has expired (here it still says yes)')
  t.equal(calls(), 2)

  const other = 'tok_without_a_known_expiry_0123456789'
  t.equal((await get(app, other)).statusCode, 200)
  clock.now += 29_999
  t.equal((await get(app, other)).statusCode, 200)
  t.equal(calls(), 3, 'a key whose expiry is unknown is cached for the ttl')
  clock.now += 1
  await get(app, other)
  t.equal(calls(), 4, 'and no longer')
})

test('a key that has already expired by this server\'s clock is never cached, even if PropelAuth (its clock behind) still says yes', async (t) => {
  const { app, clock, calls, note } = await guardsOnClock(t)
  note(TOKEN, clock.now / 1000 - 1)
  await get(app)
  await get(app)
  t.equal(calls(), 2)
})

test('app.auth.createApiKey and importApiKey tell the guards what they know about a key', async (t) => {
  const { server, validations } = await backend(t)
  const app = await appAgainst(t, server.url)
  const nowSeconds = Math.floor(Date.now() / 1000)
  const expired = 'tok_expired_by_our_clock_0123456789ab'
  const imported = 'tok_imported_after_a_refusal_01234567'
  server.handler = (request, response) => {
    if (request.url === KEYS) return json(response, 200, { api_key_id: KEY_ID, api_key_token: expired })
    if (request.url === `${KEYS}/import`) return json(response, 200, { api_key_id: KEY_ID })
    const { api_key_token: token } = JSON.parse(server.received[server.received.length - 1].body) as { api_key_token: string }
    if (token === imported && server.count(`${KEYS}/import`) === 0) return json(response, 400, { api_key_token: ['Invalid API key'] })
    json(response, 200, { metadata: {}, user: USER })
  }

  await app.auth.createApiKey({ userId: USER.user_id, expiresAtSeconds: nowSeconds - 1 })
  t.equal((await get(app, expired)).statusCode, 200)
  t.equal((await get(app, expired)).statusCode, 200)
  t.equal(validations(), 2, 'created with an expiry already past: never cached')

  t.equal((await get(app, imported)).statusCode, 401)
  t.equal((await get(app, imported)).statusCode, 401)
  t.equal(validations(), 3, 'a refused key is remembered')
  await app.auth.importApiKey({ importedApiKey: imported, userId: USER.user_id })
  t.equal((await get(app, imported)).statusCode, 200, 'imported since: asked again at once')
  t.equal(validations(), 4)
})
