// PropelAuth's answers reach the caller exactly as sent, whatever the
// integration API key is: short keys that also occur in ordinary data ('test',
// 'user', 'e') and a realistic one. Only errors have a key cut out (their
// messages and fields: a key PropelAuth echoes back is ours, not data), and only
// a key long enough to be one.
import { test, type Test } from 'tap'
import Fastify from 'fastify'
import { startStandIn } from 'fastify-propelauth-standin'
import propelAuth, { CreateUserException, createPropelAuthClient, InvalidRequestFieldsException, type PropelAuthClient } from '../index.js'
import { startRecordingServer, type RecordingServer } from './helpers/recording-server.js'

const USER_ID = '2c1f3e5a-6b7c-4d8e-9f00-112233445566'
const REALISTIC_KEY = '3f2a9c1e7b6d4058a1c2e3f4b5d6a7e8c9f0b1a2d3e4f5a6b7c8d9e0f1a2b3c4'
const KEYS = ['test', 'user', 'e', REALISTIC_KEY]

async function clientWith (t: Test, apiKey: string): Promise<{ server: RecordingServer, api: PropelAuthClient }> {
  const server = await startRecordingServer()
  const api = createPropelAuthClient({ authUrl: 'https://auth.test.example.com', apiKey, apiBaseUrl: server.url, retries: 0 })
  t.teardown(async () => {
    api.close()
    await server.close()
  })
  return { server, api }
}

for (const apiKey of KEYS) {
  const name = apiKey === REALISTIC_KEY ? 'a realistic key' : `'${apiKey}'`
  test(`apiKey ${name}: registration against the stand-in works, and what it stores comes back as stored`, async (t) => {
    const standIn = await startStandIn({ apiKey })
    const app = Fastify()
    t.teardown(async () => {
      await app.close()
      await standIn.close()
    })
    // The verification key is fetched: its PEM is full of 'e's.
    await app.register(propelAuth, { ...standIn.pluginOptions, retries: 0 })
    await app.ready()

    const { userId } = await app.auth.createUser({ email: 'test@example.com', firstName: 'test', username: 'user_test' })
    t.type(userId, 'string', 'createUser gives the user id')
    const user = await app.auth.fetchUserMetadataByUserId(userId)
    t.equal(user?.email, 'test@example.com')
    t.equal(user?.firstName, 'test')
    t.equal(user?.username, 'user_test')
    t.equal(user?.userId, userId)

    const { orgId } = await app.auth.createOrg({ name: 'test org' })
    const org = await app.auth.fetchOrg(orgId)
    t.equal(org?.name, 'test org')
  })

  test(`apiKey ${name}: answers are handed over byte for byte, field names and values alike`, async (t) => {
    const { server, api } = await clientWith(t, apiKey)
    server.reply(
      { status: 200, body: { user_id: USER_ID } },
      { status: 200, body: { url: 'https://auth.test.example.com/magic/e?user=test' } },
      { status: 200, body: { user_id: USER_ID, email: 'test@example.com', first_name: 'e', metadata: { user: 'test', e: ['e'] } } }
    )
    t.same(await api.createUser({ email: 'test@example.com' }), { userId: USER_ID })
    t.same(await api.createMagicLink({ email: 'test@example.com' }), { url: 'https://auth.test.example.com/magic/e?user=test' })
    const user = await api.fetchUserMetadataByEmail('test@example.com')
    t.match(user, { userId: USER_ID, email: 'test@example.com', firstName: 'e', metadata: { user: 'test', e: ['e'] } })
  })

  test(`apiKey ${name}: an error quoting PropelAuth's answer keeps its text, and fieldToErrors keeps the answer`, async (t) => {
    const { server, api } = await clientWith(t, apiKey)
    const body = { email: ['test@example.com is taken by user e'] }
    server.reply({ status: 400, body })
    const error = await api.createUser({ email: 'test@example.com' }).then(() => undefined, (e: unknown) => e)
    t.type(error, CreateUserException)
    t.same((error as CreateUserException).fieldToErrors, body)
    if (apiKey.length < 16) t.equal((error as Error).message, JSON.stringify(body), 'a key this short is not looked for: the message is the body')
  })
}

test('a key with characters JSON escapes is cut out of an error however the answer spells it', async (t) => {
  const key = 'pa_live_"quoted"\\and\\slashed_0123456789'
  const { server, api } = await clientWith(t, key)
  server.reply({ status: 400, body: { email: [`refused for ${key}`] } })
  const error = await api.createUser({ email: 'test@example.com' }).then(() => undefined, (e: unknown) => e) as CreateUserException
  t.equal(error.message, JSON.stringify({ email: ['refused for [redacted]'] }), 'as written inside a JSON string')
  t.same(error.fieldToErrors, { email: ['refused for [redacted]'] })
})

test('a realistic key echoed by the backend: cut out of the message and of fieldToErrors', async (t) => {
  const { server, api } = await clientWith(t, REALISTIC_KEY)
  const body = { email: [`refused for Bearer ${REALISTIC_KEY}`] }
  server.reply({ status: 400, body }, { status: 429, body: `slow down, ${REALISTIC_KEY}` }, { status: 400, body: `Invalid query ${REALISTIC_KEY}` })
  const created = await api.createUser({ email: 'test@example.com' }).then(() => undefined, (e: unknown) => e) as CreateUserException
  t.equal(created.message, JSON.stringify({ email: ['refused for Bearer [redacted]'] }))
  t.notOk(String(created.stack).includes(REALISTIC_KEY))
  t.same(created.fieldToErrors, { email: ['refused for Bearer [redacted]'] }, 'the key is ours, not data: cut out')

  const limited = await api.fetchUserMetadataByUserId(USER_ID).then(() => undefined, (e: unknown) => e) as Error
  t.equal(limited.message, 'slow down, [redacted]')

  const refused = await api.fetchUsersByQuery({ pageSize: 1 }).then(() => undefined, (e: unknown) => e) as Error & { code?: string }
  t.equal(refused.code, 'FST_PROPELAUTH_BACKEND_ERROR')
  t.match(refused.message, 'Invalid query [redacted]')
  t.notOk(refused.message.includes(REALISTIC_KEY))

  server.reply({ status: 400, body: { error_code: 'invalid_request_fields', field_errors: { code: `not for ${REALISTIC_KEY.toUpperCase()}` } } })
  const stepUp = await api.verifyStepUpTotpChallenge({ actionType: 'a', userId: USER_ID, code: '1', grantType: 'ONE_TIME_USE', validForSeconds: 1 })
    .then(() => undefined, (e: unknown) => e) as InvalidRequestFieldsException
  t.type(stepUp, InvalidRequestFieldsException)
  t.same(stepUp.errorBody.field_errors, { code: 'not for [redacted]' }, 'errorBody: cut out, in any case')
})
