import { test, type Test } from 'tap'
import Fastify from 'fastify'
import propelAuth from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// Settings from the environment: PROPELAUTH_AUTH_URL, PROPELAUTH_API_KEY and
// PROPELAUTH_VERIFIER_KEY stand in for the options not given, each on its own.

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair(), authUrl: 'https://auth.example.test' })
const VARIABLES = ['PROPELAUTH_AUTH_URL', 'PROPELAUTH_API_KEY', 'PROPELAUTH_VERIFIER_KEY'] as const

/** Sets the variables for one test, and puts back what was there. */
function environment (t: Test, values: Partial<Record<typeof VARIABLES[number], string>>): void {
  const before = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]))
  for (const name of VARIABLES) {
    if (values[name] === undefined) delete process.env[name]
    else process.env[name] = values[name]
  }
  t.teardown(() => {
    for (const name of VARIABLES) {
      if (before[name] === undefined) delete process.env[name]
      else process.env[name] = before[name]
    }
  })
}

test('register(propelAuth) with no options works from the environment; a verifier key on one line with \\n escapes too', async (t) => {
  environment(t, {
    PROPELAUTH_AUTH_URL: 'https://auth.example.test',
    PROPELAUTH_API_KEY: 'key-from-the-environment',
    PROPELAUTH_VERIFIER_KEY: testAuth.tokenVerificationMetadata.verifierKey.replace(/\n/g, '\\n')
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth)
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ userId: request.user?.userId }))
  const answer = await app.inject({ url: '/me', headers: { authorization: await testAuth.authorizationHeader({ userId: 'u-env' }) } })
  t.same(answer.json(), { userId: 'u-env' }, 'the issuer is the auth URL\'s origin, the key the variable\'s')
})

test('a given option wins; the others still come from the environment', async (t) => {
  const other = await createTestAuth({ authUrl: 'https://other.example.test' })
  environment(t, { PROPELAUTH_AUTH_URL: 'https://auth.example.test', PROPELAUTH_VERIFIER_KEY: testAuth.tokenVerificationMetadata.verifierKey })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, { authUrl: 'https://other.example.test', tokenVerificationMetadata: other.tokenVerificationMetadata })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  t.equal((await app.inject({ url: '/me', headers: { authorization: await other.authorizationHeader() } })).statusCode, 200)
  t.equal((await app.inject({ url: '/me', headers: { authorization: await testAuth.authorizationHeader() } })).statusCode, 401, 'the variables were not used')

  const elsewhere = Fastify()
  t.teardown(() => elsewhere.close())
  process.env.PROPELAUTH_API_KEY = 'the-projects-key'
  await elsewhere.register(propelAuth, { authUrl: 'https://other.example.test', tokenVerificationMetadata: other.tokenVerificationMetadata })
  await elsewhere.ready()
  await t.rejects(elsewhere.auth.fetchUserMetadataByUserId('4fb0d7e6-7c1a-4a5e-9f8e-2d1c3b4a5f60'), { code: 'FST_PROPELAUTH_MISSING_API_KEY' }, 'the key of another auth URL\'s project is not sent')

  const mixed = Fastify()
  t.teardown(() => mixed.close())
  await mixed.register(propelAuth, { clockTolerance: 5 })
  mixed.get('/me', { onRequest: mixed.auth.requireUser }, async () => 'ok')
  t.equal((await mixed.inject({ url: '/me', headers: { authorization: await testAuth.authorizationHeader() } })).statusCode, 200, 'authUrl and the key from the environment, beside another option')
})

test('a missing or wrong setting names the option and the variable', async (t) => {
  const cases: Array<[Partial<Record<typeof VARIABLES[number], string>>, Record<string, unknown>, RegExp]> = [
    [{}, {}, /option `authUrl` is required, or the environment variable PROPELAUTH_AUTH_URL/],
    [{ PROPELAUTH_AUTH_URL: '   ' }, {}, /PROPELAUTH_AUTH_URL/],
    [{ PROPELAUTH_AUTH_URL: 'https://auth.example.test' }, {}, /option `apiKey` \(or the environment variable PROPELAUTH_API_KEY\).*PROPELAUTH_VERIFIER_KEY/],
    [{ PROPELAUTH_AUTH_URL: 'auth.example.test' }, {}, /must be an absolute URL.*\(read from the environment variable PROPELAUTH_AUTH_URL\)/],
    [{ PROPELAUTH_AUTH_URL: 'https://auth.example.test', PROPELAUTH_API_KEY: 'a key with spaces' }, {}, /option `apiKey` must be printable.*PROPELAUTH_API_KEY/],
    [{ PROPELAUTH_AUTH_URL: 'https://auth.example.test', PROPELAUTH_VERIFIER_KEY: 'not a key' }, {}, /verifierKey.*PROPELAUTH_VERIFIER_KEY/]
  ]
  for (const [values, options, message] of cases) {
    environment(t, values)
    const app = Fastify()
    const error = await app.register(propelAuth, options).ready().then(() => undefined, (error: Error) => error)
    t.match(error, { code: 'FST_PROPELAUTH_INVALID_OPTION', message }, JSON.stringify(values))
    t.notMatch(error?.message, 'a key with spaces', 'the API key is never shown')
    await app.close()
  }
})
