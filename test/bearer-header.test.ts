import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { startRecordingServer } from './helpers/recording-server.js'
import { USER } from './helpers/api-key-answers.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// Every guard reads `Authorization` with one parser, so one header means the same
// to all of them: no credentials, a malformed Bearer header, or one credential.

const KEY = 'a1b2c3d4'.repeat(8)

type Reading = 'no credentials' | 'malformed' | 'credential'

const HEADERS: Array<[header: string | undefined, reading: Reading, what: string]> = [
  [undefined, 'no credentials', 'no header'],
  ['', 'no credentials', 'an empty header'],
  [`Basic ${KEY}`, 'no credentials', 'another scheme'],
  [KEY, 'no credentials', 'a bare value'],
  ['Bearer', 'malformed', 'Bearer alone'],
  ['Bearer ', 'malformed', 'Bearer and one space'],
  [`Bearer\t${KEY}`, 'malformed', 'a tab after Bearer'],
  [`Bearer  ${KEY}`, 'malformed', 'two spaces after Bearer'],
  [`Bearer${KEY}`, 'malformed', 'the value glued to Bearer'],
  [`Bearer ${KEY} ${KEY}`, 'malformed', 'two values'],
  [`Bearer ${KEY} `, 'malformed', 'a trailing space'],
  [`Bearer ${KEY}`, 'credential', 'Bearer, one space, one value'],
  // Another key: the one above is now cached.
  [`bEaReR ${KEY.toUpperCase()}`, 'credential', 'the scheme in any case']
]

test('requireUser and requireApiKey read the same Authorization headers the same way', async (t) => {
  const backend = await startRecordingServer()
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: 'integration-key', apiBaseUrl: backend.url, retries: 0 })
  app.get('/user', { onRequest: app.auth.requireUser }, async () => 'ok')
  app.get('/key', { onRequest: app.auth.requireApiKey }, async () => 'ok')
  t.teardown(async () => {
    await app.close()
    await backend.close()
  })

  // What each guard answers for each reading of the header.
  const userAnswer: Record<Reading, string> = {
    'no credentials': 'FST_PROPELAUTH_MISSING_TOKEN',
    malformed: 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER',
    // The value is no access token: it is verified, and refused as invalid.
    credential: 'FST_PROPELAUTH_INVALID_TOKEN'
  }
  const keyAnswer: Record<Reading, string> = {
    'no credentials': 'FST_PROPELAUTH_MISSING_CREDENTIALS',
    malformed: 'FST_PROPELAUTH_INVALID_API_KEY',
    // The value is sent to PropelAuth as an end-user API key, which accepts it here.
    credential: 'admitted'
  }
  for (const [header, reading, what] of HEADERS) {
    const headers = header === undefined ? {} : { authorization: header }
    const asked = backend.requests.length
    if (reading === 'credential') backend.reply({ status: 200, body: { metadata: null, user: USER } })
    const user = await app.inject({ url: '/user', headers })
    const key = await app.inject({ url: '/key', headers })
    t.equal(user.json().code, userAnswer[reading], `${what}: requireUser reads ${reading}`)
    t.equal(key.statusCode === 200 ? 'admitted' : key.json().code, keyAnswer[reading], `${what}: requireApiKey reads ${reading}`)
    t.equal(backend.requests.length - asked, reading === 'credential' ? 1 : 0, `${what}: PropelAuth is asked only about a credential`)
  }
})
