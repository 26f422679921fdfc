// The rate-limit example of docs/api-keys.md (example/rate-limited-api-keys.ts):
// the page shows exactly that file, and run against a backend on 127.0.0.1 it
// answers a client past its limit with 429 without asking PropelAuth. Also the
// order the page warns about: a limiter added by @fastify/rate-limit itself runs
// after the route's own onRequest hooks, so after the key check.
import { readFile } from 'node:fs/promises'
import rateLimit from '@fastify/rate-limit'
import { test, type Test } from 'tap'
import Fastify from 'fastify'
import propelAuth from '../index.js'
import { buildReportsApi } from '../example/rate-limited-api-keys.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { json, startFaultServer, type FaultServer } from './helpers/fault-server.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const VALIDATE = '/api/backend/v1/end_user_api_keys/validate'
const GOOD = 'good_0123456789abcdef0123456789abcdef'
const ORG = { org_id: '9a7b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3', org_name: 'Acme Inc', is_saml_configured: false, metadata: {} }
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })

/** Valid for GOOD (an org key with scopes), 400 for any other key. */
async function backend (t: Test): Promise<FaultServer> {
  const server = await startFaultServer((_request, response, index) => {
    const { api_key_token: token } = JSON.parse(server.received[index].body) as { api_key_token: string }
    if (token === GOOD) json(response, 200, { metadata: { scopes: ['reports:read'] }, org: ORG })
    else json(response, 400, { api_key_token: ['Invalid API key'] })
  })
  t.teardown(() => server.close())
  return server
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

test('docs/api-keys.md shows example/rate-limited-api-keys.ts as it is, with the package name', async (t) => {
  const page = await readFile(new URL('../docs/api-keys.md', import.meta.url), 'utf8')
  const file = await readFile(new URL('../example/rate-limited-api-keys.ts', import.meta.url), 'utf8')
  const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1])
  t.ok(blocks.includes(`// src/reports-api.ts\n${file.replace("from '../index.js'", "from 'fastify-propelauth'")}`), 'the page has the example, byte for byte')
})

test('the example: a client past its limit gets 429 from the limiter, and PropelAuth is not asked', async (t) => {
  const server = await backend(t)
  const app = await buildReportsApi({ ...testAuth.pluginOptions, apiKey: 'integration-key', apiBaseUrl: server.url, retries: 0 })
  t.teardown(() => app.close())

  const ok = await app.inject({ url: '/api/v1/reports', headers: bearer(GOOD) })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { orgId: ORG.org_id, userId: null, scopes: ['reports:read'] })

  const statuses: number[] = []
  for (let i = 0; i < 80; i++) {
    statuses.push((await app.inject({ url: '/api/v1/reports', headers: bearer(`bogus_${i}_0123456789abcdef`) })).statusCode)
  }
  t.same(statuses.slice(0, 59), Array(59).fill(401), 'within the limit (60 a minute, one used above): each bogus key refused by the guard')
  t.same(statuses.slice(59), Array(21).fill(429), 'past it: 429 from the limiter')
  t.equal(server.count(VALIDATE), 1 + 59, 'PropelAuth was asked only about the requests within the limit')

  const limited = await app.inject({ url: '/api/v1/reports', headers: bearer(GOOD) })
  t.equal(limited.statusCode, 429, 'a good key too, from that client')
  t.notMatch(limited.body, /FST_PROPELAUTH_/, 'the limiter\'s 429, not the guard\'s')
  t.ok(limited.headers['retry-after'], 'with Retry-After')
  const otherClient = await app.inject({ url: '/api/v1/reports', headers: bearer(GOOD), remoteAddress: '127.0.0.2' })
  t.equal(otherClient.statusCode, 200, 'another client is not limited')
})

test('the order the page warns about: a limiter @fastify/rate-limit adds itself runs after the key check', async (t) => {
  const server = await backend(t)
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: 'integration-key', apiBaseUrl: server.url, retries: 0 })
  await app.register(rateLimit, { max: 5, timeWindow: '1 minute' })
  app.get('/keyed', { onRequest: app.auth.requireApiKey }, async () => 'ok')
  t.teardown(() => app.close())
  for (let i = 0; i < 10; i++) await app.inject({ url: '/keyed', headers: bearer(`bogus_${i}_0123456789abcdef`) })
  t.equal(server.count(VALIDATE), 10, 'every request reached PropelAuth: the limiter came too late to spare it')
})
