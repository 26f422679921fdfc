// What the API-key guards make of PropelAuth's answers: an answer that is not a
// validation is refused (502), never admitted; what a request is admitted with
// is frozen all the way down, so no handler changes what another request sees;
// and a backend that echoes the keys it was sent gets neither key into an
// error (message or fields), a response or a log line. Backends are node:http
// servers on 127.0.0.1.
import { Writable } from 'node:stream'
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { ApiKeyValidateException, type FastifyPropelAuthOptions } from '../index.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { json, startFaultServer, type Handler } from './helpers/fault-server.js'
import { MEMBER, ORG, ORG_ID, USER, USER_ID } from './helpers/api-key-answers.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// Realistic lengths: both are far above the 16 characters from which a key is looked for in text.
const INTEGRATION_KEY = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f'
const API_KEY = '9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })

interface Setup {
  app: FastifyInstance
  logs: string[]
  validations: () => number
}

/** `handler` also gets the body of the request it answers. */
type BodyHandler = (request: Parameters<Handler>[0], response: Parameters<Handler>[1], body: string) => void

async function setup (t: Test, handler: BodyHandler, options: Partial<FastifyPropelAuthOptions> = {}): Promise<Setup> {
  const server = await startFaultServer((request, response, index) => handler(request, response, server.received[index].body))
  const logs: string[] = []
  const stream = new Writable({ write (chunk, _encoding, callback) { logs.push(String(chunk)); callback() } })
  const app = Fastify({ logger: { level: 'trace', stream } })
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: INTEGRATION_KEY, apiBaseUrl: server.url, retries: 0, ...options })
  t.teardown(async () => {
    await app.close()
    await server.close()
  })
  return { app, logs, validations: () => server.count('/api/backend/v1/end_user_api_keys/validate') }
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

test('fail closed: a 200 that is not a validation is refused with the 502, and not remembered', async (t) => {
  const answers: Array<[string, unknown]> = [
    ['an empty object', {}],
    ['true', true],
    ['an array', []],
    ['null', null],
    ['a string', 'yes'],
    ['a number', 42],
    ['a status', { status: 'ok' }],
    ['metadata alone', { metadata: { scope: 'read' } }],
    ['a user without user_id', { user: { email: 'ada@example.com' } }],
    ['a user_id that is not a string', { user: { user_id: 5 } }],
    ['a user that is a string', { user: USER_ID }],
    ['an org without org_id', { org: { org_name: 'Acme Inc' } }],
    ['user_in_org without an org', { user: USER, user_in_org: MEMBER }],
    ['user_in_org of another org', { user: USER, org: ORG, user_in_org: { ...MEMBER, org_id: '00000000-0000-4000-8000-000000000000' } }],
    ['user_in_org that is not a membership', { user: USER, org: ORG, user_in_org: { org_id: ORG_ID, user_role: 'Admin' } }],
    ['a membership whose permissions are a string', { user: USER, org: ORG, user_in_org: { ...MEMBER, user_permissions: 'read' } }],
    ['a membership whose role is not a string', { user: USER, org: ORG, user_in_org: { ...MEMBER, user_role: ['Owner'] } }],
    ['org_id_to_org_info that is a string', { user: { ...USER, org_id_to_org_info: 'Admin' } }],
    ['org_id_to_org_info holding a string', { user: { ...USER, org_id_to_org_info: { [ORG_ID]: 'Admin' } } }],
    ['org_id_to_org_info under another org\'s id', { user: { ...USER, org_id_to_org_info: { other: MEMBER } } }],
    ['metadata that is a string', { user: USER, metadata: 'admin' }]
  ]
  let current: unknown = null
  const { app, validations, logs } = await setup(t, (_request, response) => json(response, 200, current))
  app.get('/key', { onRequest: app.auth.requireApiKey }, async () => 'admitted')
  app.get('/either', { onRequest: app.auth.requireUserOrApiKey }, async () => 'admitted')
  for (const [name, answer] of answers) {
    current = answer
    for (const url of ['/key', '/either']) {
      const before = validations()
      const response = await app.inject({ url, headers: bearer(API_KEY) })
      t.equal(response.statusCode, 502, `${name} (${url}): 502`)
      t.equal(response.json().code, 'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE', `${name} (${url}): the documented code`)
      t.equal(validations() - before, 1, `${name} (${url}): asked again, nothing remembered`)
    }
  }
  t.ok(logs.some((line) => line.includes('PropelAuth\'s answer cannot be acted on: it names no user and no org')), 'the log says what was wrong with the answer')
  t.notOk(logs.join('').includes(API_KEY), 'without the key')

  current = { user: USER, org: null, user_in_org: null, metadata: null }
  t.equal((await app.inject({ url: '/key', headers: bearer(API_KEY) })).statusCode, 200, 'nulls are absent fields: a personal key')
})

test('the fields PropelAuth may leave out: a user with no orgs, an org with no metadata', async (t) => {
  const { user_id: userId, email } = USER
  let current: unknown = { user: { user_id: userId, email } }
  const { app } = await setup(t, (_request, response) => json(response, 200, current))
  app.get('/key', { onRequest: app.auth.requireApiKey }, async (request) => ({
    orgs: request.user?.getOrgs().length ?? null,
    org: request.org === null ? null : { orgName: request.org.orgName, urlSafeOrgName: request.org.urlSafeOrgName, orgMetadata: request.org.orgMetadata }
  }))
  t.same((await app.inject({ url: '/key', headers: bearer(API_KEY) })).json(), { orgs: 0, org: null }, 'a personal key whose user is in no org')
  current = { org: { org_id: ORG_ID, org_name: 'Acme Inc' } }
  t.same((await app.inject({ url: '/key', headers: bearer(`${API_KEY}2`) })).json(), { orgs: null, org: { orgName: 'Acme Inc', urlSafeOrgName: 'acme-inc', orgMetadata: {} } }, 'an org key with no member, its org without metadata')
})

test('frozen: a handler cannot change what the key\'s next request sees', async (t) => {
  const { app, validations } = await setup(t, (_request, response) => json(response, 200, {
    metadata: { scopes: ['read'] },
    user: { ...USER, org_id_to_org_info: { [ORG_ID]: MEMBER } },
    org: ORG,
    user_in_org: MEMBER
  }))
  const snapshot = (request: { user: unknown, org: unknown }, validation: unknown) => JSON.stringify({ user: request.user, org: request.org, validation })
  app.get('/mutate', { onRequest: app.auth.requireApiKey }, async (request) => {
    const validation = app.auth.getApiKeyValidation(request)!
    const before = snapshot(request, validation)
    const attempts: Record<string, () => unknown> = {
      'request.org permissions': () => (request.org!.userPermissions as string[]).push('admin'),
      'request.org roles': () => (request.org!.userInheritedRolesPlusCurrentRole as string[]).push('Owner'),
      'request.org role': () => { (request.org as { userAssignedRole: string }).userAssignedRole = 'Owner' },
      'request.org metadata': () => { (request.org!.orgMetadata as Record<string, unknown>).tier = 'platinum' },
      'request.user properties': () => { (request.user!.properties as Record<string, unknown>).team = 'admins' },
      'request.user metadata': () => { (request.user!.metadata as Record<string, unknown>).plan = 'free' },
      'request.user orgs': () => { (request.user!.orgIdToOrgMemberInfo as Record<string, unknown>).other = {} },
      'request.user email': () => { (request.user as { email: string }).email = 'eve@example.com' },
      'validation metadata': () => { (validation.metadata!.scopes as string[]).push('write') },
      'validation user': () => { validation.user!.email = 'eve@example.com' },
      'validation user orgs': () => { (validation.user!.orgIdToOrgInfo![ORG_ID] as { userAssignedRole: string }).userAssignedRole = 'Owner' },
      'validation org': () => { (validation.org as { orgName: string }).orgName = 'Evil Inc' }
    }
    const outcome: Record<string, string> = {}
    for (const [name, attempt] of Object.entries(attempts)) {
      try {
        attempt()
        outcome[name] = 'changed'
      } catch (error) {
        outcome[name] = error instanceof TypeError ? 'refused' : String(error)
      }
    }
    return { outcome, unchanged: snapshot(request, validation) === before, snapshot: before }
  })
  const first = (await app.inject({ url: '/mutate', headers: bearer(API_KEY) })).json()
  for (const [name, result] of Object.entries(first.outcome)) t.equal(result, 'refused', `${name}: refused`)
  t.ok(first.unchanged, 'nothing changed within the request')
  const second = (await app.inject({ url: '/mutate', headers: bearer(API_KEY) })).json()
  t.equal(second.snapshot, first.snapshot, 'the next request sees exactly what the first saw')
  t.equal(validations(), 1, 'from the cache')
})

/** Answers `status` with a body that repeats both keys it was sent (the integration key and the one validated). */
const echoing = (status: number): BodyHandler => (request, response, body) => {
  const { api_key_token: token } = JSON.parse(body) as { api_key_token: string }
  const echo = `${String(request.headers.authorization)} validated ${token}`
  json(response, status, status === 429
    ? { wait_seconds: 2, user_facing_error: echo, error_code: 'rate_limited' }
    : { api_key_token: [echo], echo })
}

test('a backend that echoes both keys: through the guards, no key in any answer or log line', async (t) => {
  for (const status of [400, 404, 429, 500, 503, 200]) {
    const { app, logs } = await setup(t, echoing(status))
    app.get('/key', { onRequest: app.auth.requireApiKey }, async () => 'admitted')
    const response = await app.inject({ url: '/key', headers: bearer(API_KEY) })
    t.not(response.statusCode, 200, `${status}: not admitted`)
    for (const [where, text] of [['answer', response.body], ['headers', JSON.stringify(response.headers)], ['logs', logs.join('\n')]]) {
      t.notOk(text.includes(API_KEY), `${status}: no end-user key in the ${where}`)
      t.notOk(text.includes(INTEGRATION_KEY), `${status}: no integration key in the ${where}`)
    }
  }
})

test('validateApiKey called directly against an echoing backend: the message, stack and fieldToErrors hold neither key', async (t) => {
  const { app, logs } = await setup(t, echoing(400))
  const error = await app.auth.validateApiKey(API_KEY).then(() => undefined, (e: unknown) => e)
  t.type(error, ApiKeyValidateException)
  const exception = error as ApiKeyValidateException
  for (const text of [exception.message, String(exception.stack)]) {
    t.notOk(text.includes(API_KEY))
    t.notOk(text.includes(INTEGRATION_KEY))
  }
  t.match(exception.message, 'Bearer [redacted] validated [redacted]', 'the message still says what came back')
  t.same(exception.fieldToErrors.api_key_token, ['Bearer [redacted] validated [redacted]'], 'fieldToErrors: the keys are ours, not data, and cut out')

  // A handler that lets it escape: Fastify answers 500 with the message, and logs the error.
  app.get('/direct', async (request) => await app.auth.validateApiKey(String(request.headers['x-key'])))
  const response = await app.inject({ url: '/direct', headers: { 'x-key': API_KEY } })
  t.equal(response.statusCode, 500)
  t.notOk(response.body.includes(API_KEY), 'no end-user key in the 500 body')
  t.notOk(response.body.includes(INTEGRATION_KEY), 'nor the integration key')
  const logged = logs.map((line) => JSON.parse(line) as { err?: { message?: string, stack?: string } }).filter((line) => line.err !== undefined)
  t.ok(logged.length > 0, 'the error was logged')
  for (const line of logged) {
    t.notOk(`${line.err?.message} ${line.err?.stack}`.includes(API_KEY), 'the logged message and stack hold no key')
  }
})
