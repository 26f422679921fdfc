// A backend that echoes the keys it was sent, in every way an answer can carry
// them: both keys in a 400's field errors (as values and as field names, in
// other cases, URL-encoded), in a 429's user-facing error, in 4xx and 5xx
// bodies, and in a redirect whose host name is made of the keys (which the URL
// parser lower-cases). Neither key, in any case or encoding, may reach what the
// plugin throws (serialised as pino's `err` serializer writes it, causes
// included), what a guard answers, or a log line of an app that logs the errors
// it gets. Data from a successful call is handed over as sent, key-like strings
// and all, and a call that succeeds does no redaction work. The backends are
// node:http servers on 127.0.0.1.
import { Writable } from 'node:stream'
import type { ServerResponse } from 'node:http'
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { stdSerializers } from 'pino'
import propelAuth, { ApiKeyValidateException, ApiKeyValidateRateLimitedException, createPropelAuthClient } from '../index.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { json, startFaultServer } from './helpers/fault-server.js'
import { USER, USER_ID } from './helpers/api-key-answers.js'
import { SecretRedactor } from '../lib/util/redact-secrets.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

interface Keys {
  /** The integration key: the plugin's `apiKey` option. */
  integration: string
  /** The end-user API key being validated. */
  endUser: string
}

// Mixed case, with characters that JSON and URLs escape: each form is looked for.
const QUOTED: Keys = {
  integration: 'Pa_Live_"Integ"\\Key/+Mixed_0123456789ABCdef',
  endUser: 'EndUser_"Key"\\/+Mixed_9876543210FEDcba'
}
// Mixed case and nothing a host name refuses, for the redirect whose host is made of the keys.
const HOSTLY: Keys = {
  integration: 'PaLiveIntegKeyMixedCASE0123456789',
  endUser: 'EndUserKeyMixedCASE9876543210abc'
}

const VALIDATE = '/api/backend/v1/end_user_api_keys/validate'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })

/** Every spelling of a key a text can hold, lower-cased: as is, JSON-escaped once and twice (a log line escapes again), URL-encoded. */
function spellings (key: string): string[] {
  const once = JSON.stringify(key).slice(1, -1)
  const twice = JSON.stringify(once).slice(1, -1)
  return [...new Set([key, once, twice, encodeURIComponent(key)].map((form) => form.toLowerCase()))]
}

/** Which key, in which spelling, `text` holds (described, not quoted), whatever its case. */
function leaksIn (text: string, keys: Keys): string[] {
  const lower = text.toLowerCase()
  const found: string[] = []
  for (const [name, key] of Object.entries(keys)) {
    for (const [index, form] of spellings(key).entries()) {
      const at = lower.indexOf(form)
      if (at !== -1) found.push(`the ${name} key (spelling ${index}) after: ${text.slice(Math.max(0, at - 80), at)}`)
    }
  }
  return found
}

/** An error as pino's `err` serializer writes it (messages and stacks of the causes folded in), and each cause's own properties. */
function serialised (error: unknown): string {
  const texts = [JSON.stringify(stdSerializers.err(error as Error))]
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    texts.push(JSON.stringify(stdSerializers.err(e)), JSON.stringify({ ...e }), e.message, String(e.stack))
  }
  return texts.join('\n')
}

type Echo = (keys: Keys, response: ServerResponse) => void

/** `text` in the spellings a careless backend may echo it in. */
const echoes = (text: string): string[] => [text, text.toUpperCase(), text.toLowerCase(), encodeURIComponent(text)]

interface Scenario {
  name: string
  keys: Keys
  echo: Echo
  /** What the guards answer. */
  status: number
  /** What a log line still says of the answer, the keys cut out. */
  said?: string
}

const scenarios: Scenario[] = [
  {
    name: '400 with both keys in fieldToErrors, as values and as field names',
    keys: QUOTED,
    status: 401,
    said: 'invalid key [redacted]',
    echo: ({ integration, endUser }, response) => json(response, 400, {
      api_key_token: echoes(`invalid key ${endUser}`),
      authorization: echoes(`Bearer ${integration}`),
      [endUser]: ['is the key'],
      [integration.toLowerCase()]: ['is the integration key']
    })
  },
  {
    name: '429 with both keys in the user-facing error',
    keys: QUOTED,
    status: 429,
    said: 'too many attempts with [redacted] by [redacted]',
    echo: ({ integration, endUser }, response) => json(response, 429, { wait_seconds: 1, user_facing_error: `too many attempts with ${endUser} by ${integration.toUpperCase()}`, error_code: 'rate_limited' })
  },
  {
    name: '404 echoing both keys',
    keys: QUOTED,
    status: 401,
    echo: ({ integration, endUser }, response) => json(response, 404, { error: echoes(`${integration} has no key ${endUser}`) })
  },
  {
    name: '401 echoing both keys',
    keys: QUOTED,
    status: 502,
    echo: ({ integration, endUser }, response) => json(response, 401, { error: echoes(`${integration} may not validate ${endUser}`) })
  },
  {
    name: '500 echoing both keys',
    keys: QUOTED,
    status: 502,
    echo: ({ integration, endUser }, response) => json(response, 500, { error: echoes(`failed ${endUser} for ${integration}`) })
  },
  {
    name: '503 echoing both keys as text',
    keys: QUOTED,
    status: 502,
    echo: ({ integration, endUser }, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' })
      response.end(echoes(`unavailable for ${integration}: ${endUser}`).join('\n'))
    }
  },
  {
    name: 'a redirect whose host is made of both keys, in mixed case',
    keys: HOSTLY,
    status: 502,
    said: 'a redirect to http://[redacted].[redacted].example.test;',
    echo: ({ integration, endUser }, response) => {
      response.writeHead(307, { location: `http://${integration}.${endUser}.Example.test/v?key=${endUser}&by=${integration}` })
      response.end()
    }
  }
]

interface Setup {
  app: FastifyInstance
  logs: string[]
  server: Awaited<ReturnType<typeof startFaultServer>>
}

/** An app using the guards, and routes that log the error of a direct call as an app would, against a backend answering with `echo`. */
async function setup (t: Test, keys: Keys, echo: Echo): Promise<Setup> {
  const server = await startFaultServer((_request, response) => echo(keys, response))
  const logs: string[] = []
  const stream = new Writable({ write (chunk, _encoding, callback) { logs.push(String(chunk)); callback() } })
  const app = Fastify({ logger: { level: 'trace', stream } })
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: keys.integration, apiBaseUrl: server.url, retries: 0 })
  app.get('/key', { onRequest: app.auth.requireApiKey }, async () => 'admitted')
  app.get('/either', { onRequest: app.auth.requireUserOrApiKey }, async () => 'admitted')
  // The error logged by the app through the `err` serializer, in both of pino's forms, then left to Fastify.
  app.get('/direct', async (request) => {
    try {
      return await app.auth.validateApiKey(String(request.headers['x-key']))
    } catch (err) {
      request.log.error({ err }, 'validation failed')
      request.log.error(err)
      throw err
    }
  })
  t.teardown(async () => {
    await app.close()
    await server.close()
  })
  return { app, logs, server }
}

for (const scenario of scenarios) {
  test(`${scenario.name}: neither key in what is thrown, answered or logged`, async (t) => {
    const { keys } = scenario
    const { app, logs, server } = await setup(t, keys, scenario.echo)
    const bearer = { authorization: `Bearer ${keys.endUser}` }

    const error = await app.auth.validateApiKey(keys.endUser).then(() => undefined, (e: unknown) => e)
    t.type(error, Error, 'validateApiKey rejects')
    t.same(leaksIn(serialised(error), keys), [], 'the thrown error, serialised by pino with its causes')

    const standalone = createPropelAuthClient({ authUrl: testAuth.authUrl, apiKey: keys.integration, apiBaseUrl: server.url, retries: 0 })
    t.teardown(() => standalone.close())
    const standaloneError = await standalone.validateApiKey(keys.endUser).then(() => undefined, (e: unknown) => e)
    t.same(leaksIn(serialised(standaloneError), keys), [], 'the standalone client\'s error likewise')

    for (const url of ['/key', '/either']) {
      // A key of its own per route: a refusal is remembered for its key, and the second route must ask too.
      const response = await app.inject({ url, headers: bearer })
      t.equal(response.statusCode, scenario.status, `${url}: ${scenario.status}`)
      t.same(leaksIn(`${response.body}\n${JSON.stringify(response.headers)}`, keys), [], `${url}: the answer and its headers`)
      app.auth.clearApiKeyCache()
    }
    const direct = await app.inject({ url: '/direct', headers: { 'x-key': keys.endUser } })
    t.ok(direct.statusCode >= 400, 'the direct call failed')
    t.same(leaksIn(`${direct.body}\n${JSON.stringify(direct.headers)}`, keys), [], '/direct: the answer and its headers')

    t.ok(logs.some((line) => line.includes('validation failed')), 'the app logged the error')
    const { said } = scenario
    if (said !== undefined) t.ok(logs.some((line) => line.includes(said)), `the log still says "${said}"`)
    t.ok(server.count(VALIDATE) >= 4, 'each call reached the backend')
    for (const line of logs) t.same(leaksIn(line, keys), [], `log line: ${line.slice(0, 120)}`)
  })
}

test('the redacted fields keep what PropelAuth said about the key', async (t) => {
  const { app } = await setup(t, QUOTED, scenarios[0].echo)
  const error = await app.auth.validateApiKey(QUOTED.endUser).then(() => undefined, (e: unknown) => e)
  t.type(error, ApiKeyValidateException)
  const { fieldToErrors, message } = error as ApiKeyValidateException
  t.same(fieldToErrors.api_key_token, ['invalid key [redacted]', 'INVALID KEY [redacted]', 'invalid key [redacted]', 'invalid%20key%20[redacted]'], 'each spelling of the key, cut out')
  t.same(fieldToErrors.authorization, ['Bearer [redacted]', 'BEARER [redacted]', 'bearer [redacted]', 'Bearer%20[redacted]'])
  // Both keys were field names; cut out, they are one name, and the later field is kept under it.
  t.same(Object.keys(fieldToErrors), ['api_key_token', 'authorization', '[redacted]'], 'a key as a field name is cut out too')
  t.match(message, 'invalid key [redacted]', 'the message still says what came back')

  const { app: limitedApp } = await setup(t, QUOTED, scenarios[1].echo)
  const limited = await limitedApp.auth.validateApiKey(QUOTED.endUser).then(() => undefined, (e: unknown) => e)
  t.type(limited, ApiKeyValidateRateLimitedException)
  t.equal((limited as ApiKeyValidateRateLimitedException).userFacingError, 'too many attempts with [redacted] by [redacted]')
  t.equal((limited as ApiKeyValidateRateLimitedException).waitSeconds, 1)
})

test('a successful validation is handed over as sent, key-like strings included', async (t) => {
  const { integration, endUser } = QUOTED
  const metadata = { note: `issued as ${endUser}`, upper: endUser.toUpperCase(), integration, [endUser]: integration }
  const validation = { metadata, user: { ...USER, metadata: { echoed: integration } } }
  const { app } = await setup(t, QUOTED, (_keys, response) => json(response, 200, validation))
  app.get('/metadata', { onRequest: app.auth.requireApiKey }, async (request) => app.auth.getApiKeyValidation(request)?.metadata)

  const result = await app.auth.validateApiKey(endUser)
  t.same(result.metadata, metadata, 'validateApiKey: metadata as sent')
  t.same(result.user?.metadata, { echoed: integration }, 'the user as sent')
  t.equal(result.user?.userId, USER_ID)
  const response = await app.inject({ url: '/metadata', headers: { authorization: `Bearer ${endUser}` } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), metadata, 'through the guard: as sent')

  const user = await app.auth.fetchUserMetadataByUserId(USER_ID)
  t.same(user?.metadata, metadata, 'another API call: as sent')
})

test('a request that succeeds does no redaction work; one that fails does', async (t) => {
  const calls: string[] = []
  const prototype = SecretRedactor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>
  for (const name of ['text', 'json', 'data', 'error']) {
    const original = prototype[name]
    prototype[name] = function (this: unknown, ...args: unknown[]) {
      calls.push(name)
      return original.apply(this, args)
    }
    t.teardown(() => { prototype[name] = original })
  }
  let answer: [number, unknown] = [200, { metadata: { note: QUOTED.endUser }, user: USER }]
  const { app } = await setup(t, QUOTED, (_keys, response) => json(response, ...answer))
  app.get('/metadata', { onRequest: app.auth.requireApiKey }, async (request) => app.auth.getApiKeyValidation(request)?.metadata)

  await app.auth.validateApiKey(QUOTED.endUser)
  t.equal((await app.inject({ url: '/metadata', headers: { authorization: `Bearer ${QUOTED.endUser}` } })).statusCode, 200)
  await app.auth.fetchUserMetadataByUserId(USER_ID)
  t.same(calls, [], 'nothing redacted, nothing compiled')

  answer = [400, { api_key_token: [QUOTED.endUser] }]
  await t.rejects(app.auth.validateApiKey(QUOTED.endUser), ApiKeyValidateException)
  t.ok(calls.length > 0, 'the failure was redacted')
})
