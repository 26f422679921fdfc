// Validation load on PropelAuth stays bounded whatever clients send: a flood of
// distinct bogus API keys, checks that hang. The backend is a node:http server
// on 127.0.0.1 that holds or answers validations as each test says, and counts
// how many it has open at once.
import type { ServerResponse } from 'node:http'
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { json, startFaultServer, until } from './helpers/fault-server.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const USER = { user_id: '2c1f3e5a-6b7c-4d8e-9f00-112233445566', email: 'ada@example.com', metadata: {}, properties: {} }
const GOOD = 'good_0123456789abcdef0123456789abcdef'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })

interface Backend {
  url: string
  /** Validations received, by key. */
  asked: Map<string, number>
  /** Validations received and not yet answered, now and at most. */
  open: () => number
  maxOpen: () => number
  /** Holds every answer from now on, until release(). */
  hold: () => void
  /** Answers the held validations, and every later one at once. */
  release: () => void
}

/** Valid for `valid` keys, 400 for the others; hangs (never answers) when `hang`. */
async function backend (t: Test, valid: ReadonlySet<string>, hang = false): Promise<Backend> {
  const asked = new Map<string, number>()
  const held: Array<() => void> = []
  let holding = false
  let open = 0
  let maxOpen = 0
  const server = await startFaultServer((_request, response: ServerResponse, index) => {
    const token = (JSON.parse(server.received[index].body) as { api_key_token: string }).api_key_token
    asked.set(token, (asked.get(token) ?? 0) + 1)
    open++
    maxOpen = Math.max(maxOpen, open)
    response.on('close', () => { open-- })
    if (hang) return
    const answer = (): void => {
      if (valid.has(token)) json(response, 200, { metadata: {}, user: USER })
      else json(response, 400, { api_key_token: ['Invalid API key'] })
    }
    if (holding) held.push(answer)
    else answer()
  })
  t.teardown(() => server.close())
  return {
    url: server.url,
    asked,
    open: () => open,
    maxOpen: () => maxOpen,
    hold: () => { holding = true },
    release: () => {
      holding = false
      for (const answer of held.splice(0)) answer()
    }
  }
}

async function appAgainst (t: Test, url: string, options: Partial<FastifyPropelAuthOptions>): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: 'integration-key', apiBaseUrl: url, retries: 0, ...options })
  app.get('/key', { onRequest: app.auth.requireApiKey }, async (request) => ({ userId: request.user?.userId ?? null }))
  t.teardown(() => app.close())
  return app
}

const get = (app: FastifyInstance, key: string): Promise<LightMyRequestResponse> =>
  app.inject({ url: '/key', headers: { authorization: `Bearer ${key}` } })

function tally (responses: LightMyRequestResponse[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const response of responses) counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1
  return counts
}

test('a flood of 2,000 concurrent distinct bogus keys: PropelAuth sees at most `concurrency` at once, a known key keeps working', async (t) => {
  const concurrency = 4
  const maxQueued = 100
  const fresh = 'fresh_0123456789abcdef0123456789abcd'
  const server = await backend(t, new Set([GOOD, fresh]))
  // The answers are held for as long as the flood takes to arrive, which on a
  // busy machine can pass the default 10 s: a timeout as long as Node allows
  // keeps a held check from ending in a 502, and a queued one in a 503.
  const app = await appAgainst(t, server.url, { apiKeyValidation: { concurrency, maxQueued }, timeout: 2_147_483_647 })
  t.equal((await get(app, GOOD)).statusCode, 200, 'a key validated before the flood')

  // Every answer is held while the flood arrives, so it is all in flight at once.
  server.hold()
  const keys = Array.from({ length: 2000 }, (_, i) => `bogus_${i}_${Math.random().toString(36).slice(2)}`)
  let settled = 0
  const flood = Promise.all(keys.map(async (key) => {
    const response = await get(app, key)
    settled++
    return response
  }))
  const turnedAway = keys.length - concurrency - maxQueued
  await until(() => settled >= turnedAway && server.open() === concurrency, 'the flood fills the slots and the queue', 4000)

  for (let i = 0; i < 50; i++) {
    const response = await get(app, GOOD)
    t.equal(response.statusCode, 200, `the known key, during the flood (${i})`)
  }
  t.equal(server.asked.get(GOOD), 1, 'the known key is admitted from the cache: no call')
  const full = await get(app, fresh)
  t.equal(full.statusCode, 503, 'a new key while the queue is full: 503 at once, not left waiting')
  t.equal(full.json().code, 'FST_PROPELAUTH_API_KEY_VALIDATION_BUSY')
  t.equal(full.headers['retry-after'], '1')
  t.equal(server.asked.get(fresh), undefined, 'and PropelAuth was not asked')

  server.release()
  const responses = await flood
  t.same(tally(responses), { 401: concurrency + maxQueued, 503: turnedAway }, 'each flood request is refused (401) or turned away (503), never admitted, never a 500')
  for (const response of responses.filter((r) => r.statusCode === 503)) {
    if (response.headers['retry-after'] !== '1' || response.json().code !== 'FST_PROPELAUTH_API_KEY_VALIDATION_BUSY') {
      t.fail(`a 503 without its code or Retry-After: ${response.body}`)
      break
    }
  }
  const bogusAsked = keys.filter((key) => server.asked.has(key)).length
  t.equal(bogusAsked, concurrency + maxQueued, 'PropelAuth was asked about the keys that got a slot or a place in the queue, no others')
  t.ok(server.maxOpen() <= concurrency, `PropelAuth never had more than ${concurrency} validations open (saw ${server.maxOpen()})`)

  t.equal((await get(app, fresh)).statusCode, 200, 'once the queue has room, a new valid key is admitted')
})

test('no request is left hanging: a check that hangs ends at the timeout (502), requests queued behind it after waiting as long (503)', async (t) => {
  const server = await backend(t, new Set(), true)
  const app = await appAgainst(t, server.url, { timeout: 300, apiKeyValidation: { concurrency: 1, maxQueued: 2 } })
  const responses = await Promise.all(['k1', 'k2', 'k3', 'k4'].map((key) => get(app, `${key}_0123456789abcdef`)))
  // Which queued request got the slot freed by the timeout and which ran out of
  // waiting first depends on timer order; every one of them is answered either way.
  const codes = responses.map((response) => `${response.statusCode} ${String(response.json().code)}`)
  t.ok(codes.every((code) => code === '502 FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE' || code === '503 FST_PROPELAUTH_API_KEY_VALIDATION_BUSY'), `every request answered 502 or 503: ${codes.join(', ')}`)
  t.ok(codes.includes('502 FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE'), 'the check that hung ended at the timeout')
  t.ok(codes.includes('503 FST_PROPELAUTH_API_KEY_VALIDATION_BUSY'), 'the request beyond the queue was turned away')
  t.equal(server.maxOpen(), 1)
})

test('maxQueued: 0 turns a key away whenever every slot is busy', async (t) => {
  const server = await backend(t, new Set([GOOD]))
  const app = await appAgainst(t, server.url, { apiKeyValidation: { concurrency: 1, maxQueued: 0 } })
  server.hold()
  const first = get(app, GOOD)
  await until(() => server.open() === 1, 'the first check is in flight')
  t.equal((await get(app, 'other_0123456789abcdef')).statusCode, 503)
  t.equal((await Promise.race([first.then(() => 'answered'), Promise.resolve('waiting')])), 'waiting', 'the first check still waits on PropelAuth')
  server.release()
  t.equal((await first).statusCode, 200)
})
