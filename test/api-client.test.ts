import { test, type Test } from 'tap'
import {
  ApiKeyDeleteException,
  ApiKeyFetchException,
  ApiKeyUpdateException,
  ApiKeyValidateRateLimitedException,
  CreateUserException,
  RateLimitedException,
  UnexpectedException,
  UserNotFoundException,
  createPropelAuthClient,
  type PropelAuthClient
} from '../index.js'
import { startRecordingServer, type RecordingServer } from './helpers/recording-server.js'

const USER_ID = '2c1f3e5a-6b7c-4d8e-9f00-112233445566'
const ORG_ID = '9a7b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3'
const INTEGRATION_KEY = 'secret-integration-key-42'

async function client (t: Test, options: { retries?: number, authUrl?: string } = {}): Promise<{ server: RecordingServer, api: PropelAuthClient }> {
  const server = await startRecordingServer()
  const api = createPropelAuthClient({
    authUrl: options.authUrl ?? 'https://auth.example.com',
    apiKey: INTEGRATION_KEY,
    apiBaseUrl: server.url,
    timeout: 2000,
    retries: options.retries ?? 0
  })
  t.teardown(async () => {
    api.close()
    await server.close()
  })
  return { server, api }
}

test('createPropelAuthClient checks its options like the plugin does', async (t) => {
  t.throws(() => createPropelAuthClient({ authUrl: 'https://auth.example.com' } as never), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /apiKey/ })
  t.throws(() => createPropelAuthClient({ authUrl: 'auth.example.com', apiKey: 'k' }), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /authUrl/ })
  t.throws(() => createPropelAuthClient({ authUrl: 'https://auth.example.com', apiKey: 'k', decorator: 'x' } as never), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /unknown option `decorator`/ })
  t.throws(() => createPropelAuthClient({ authUrl: 'https://auth.example.com', apiKey: 'k', retries: -1 }), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /retries/ })
})

test('the standalone client sends X-Propelauth-url as the auth URL\'s hostname, port dropped, as @propelauth/node', async (t) => {
  const { server, api } = await client(t, { authUrl: 'http://localhost:3000/some/path' })
  server.reply({ status: 404 })
  t.equal(await api.fetchOrg(ORG_ID), null)
  t.equal(server.requests[0].headers['x-propelauth-url'], 'localhost')
  t.equal(server.requests[0].headers.authorization, `Bearer ${INTEGRATION_KEY}`)
})

test('IDs PropelAuth cannot know are refused before sending, as promises (never a synchronous throw)', async (t) => {
  const { server, api } = await client(t)
  const bad = '../../user/' + USER_ID
  t.equal(await api.fetchUserMetadataByUserId(bad), null)
  t.equal(await api.fetchOrg('not-a-uuid'), null)
  t.equal(await api.deleteUser(bad), false)
  t.equal(await api.updateOrg({ orgId: bad, name: 'x' }), false)
  t.equal(await api.migrateUserPassword({ userId: 'x', passwordHash: 'h' }), false)
  t.same(await api.fetchUsersInOrg({ orgId: 'x', pageNumber: 2, pageSize: 5 }), { users: [], totalUsers: 0, currentPage: 2, pageSize: 5, hasMoreResults: false })

  // The Node library throws these synchronously (or, for API key IDs, a SyntaxError).
  const pending = api.createAccessToken({ userId: 'x', durationInMinutes: 5 })
  t.type(pending, Promise)
  await t.rejects(pending, UserNotFoundException)
  await t.rejects(api.fetchEmployeeById('x'), UserNotFoundException)
  await t.rejects(api.fetchApiKey('short'), ApiKeyFetchException)
  await t.rejects(api.updateApiKey('short', {}), ApiKeyUpdateException)
  const deleting = await api.deleteApiKey('../' + 'a'.repeat(32)).catch((error: unknown) => error)
  t.type(deleting, ApiKeyDeleteException)
  t.same((deleting as ApiKeyDeleteException).fieldToErrors, { api_key_id: ['Invalid api key'] })

  // The Node library sends any string in these paths.
  for (const call of [
    (): Promise<unknown> => api.fetchSamlSpMetadata(bad),
    () => api.createOrgSamlConnectionLink(bad),
    () => api.fetchOrgScimGroups({ orgId: bad }),
    () => api.fetchScimGroup({ orgId: bad, groupId: 'g' })
  ]) {
    await t.rejects(call(), { code: 'FST_PROPELAUTH_INVALID_ID', statusCode: 400 })
  }
  t.equal(server.requests.length, 0, 'nothing was sent')
})

test('every dynamic path segment is percent-encoded', async (t) => {
  const { server, api } = await client(t)
  server.reply({ status: 200, body: { group_id: 'g', display_name: 'G', members: [] } }, { status: 200, body: {} }, { status: 200, body: {} })
  await api.fetchScimGroup({ orgId: ORG_ID, groupId: '../../user/x?y=1#z' })
  await api.fetchFreshTokenFromProvider(USER_ID, 'git/hub?' as never)
  await api.fetchChartMetricData('../signups' as never, 'Daily')
  t.same(server.requests.map((request) => request.target), [
    `/api/backend/v1/scim/${ORG_ID}/groups/..%2F..%2Fuser%2Fx%3Fy%3D1%23z`,
    `/api/backend/v1/user/${USER_ID}/git%2Fhub%3F/fresh_token`,
    '/api/backend/v1/chart_metrics/..%2Fsignups?cadence=Daily'
  ])
})

test('"." and ".." cannot move a path: refused before sending; their percent-encoded spellings are sent as literal segments', async (t) => {
  const { server, api } = await client(t)
  for (const dots of ['.', '..']) {
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['fetchScimGroup', () => api.fetchScimGroup({ orgId: ORG_ID, groupId: dots })],
      ['fetchFreshTokenFromProvider', () => api.fetchFreshTokenFromProvider(USER_ID, dots as never)],
      ['fetchChartMetricData', () => api.fetchChartMetricData(dots as never, 'Daily')]
    ]
    for (const [name, call] of calls) {
      const result = call()
      t.type(result, Promise, `${name}(${dots}): a promise, never a synchronous throw`)
      await t.rejects(result, { code: 'FST_PROPELAUTH_INVALID_ID', statusCode: 400, message: /"\." and "\.\." cannot be sent as an ID or name/ }, `${name}(${dots})`)
    }
  }
  t.equal(server.requests.length, 0, 'nothing was sent')

  server.reply({ status: 200, body: { group_id: 'g', display_name: 'G', members: [] } }, { status: 200, body: {} })
  await api.fetchScimGroup({ orgId: ORG_ID, groupId: '%2e%2e' })
  await api.fetchChartMetricData('.%2E' as never, 'Daily')
  t.same(server.requests.map((request) => request.target), [
    `/api/backend/v1/scim/${ORG_ID}/groups/%252e%252e`,
    '/api/backend/v1/chart_metrics/.%252E?cadence=Daily'
  ], 'the % is encoded, so no segment is removed')
})

test('bodies that are not JSON give a clear error, never a SyntaxError', async (t) => {
  const { server, api } = await client(t)
  server.reply({ status: 400, body: '<html>Bad Request</html>' })
  const created = await api.createUser({ email: 'ada@example.com' }).catch((error: unknown) => error)
  t.type(created, CreateUserException)
  t.same((created as CreateUserException).fieldToErrors, {})
  t.equal((created as Error).message, '<html>Bad Request</html>')

  server.reply({ status: 200, body: '<html>login</html>' })
  await t.rejects(api.fetchOrg(ORG_ID), { code: 'FST_PROPELAUTH_BACKEND_ERROR', message: /not JSON/ })

  server.reply({ status: 200 })
  t.equal(await api.migrateUserPassword({ userId: USER_ID, passwordHash: 'h' }), true, 'an empty success body is fine')

  server.reply({ status: 429, body: 'slow down' })
  const limited = await api.validateApiKey('k').catch((error: unknown) => error)
  t.type(limited, RateLimitedException)
  t.notOk(limited instanceof ApiKeyValidateRateLimitedException)
  t.equal((limited as Error).message, 'slow down')

  server.reply({ status: 400, body: 'nope' })
  await t.rejects(api.verifyStepUpTotpChallenge({ actionType: 'a', userId: USER_ID, code: '1', grantType: 'ONE_TIME_USE', validForSeconds: 1 }), UnexpectedException)
})

test('statuses the Node library reports as plain Errors have codes here, and never the key', async (t) => {
  const { server, api } = await client(t)
  const messages: string[] = []
  const expectCode = async (call: () => Promise<unknown>, code: string, backendStatus?: number) => {
    const error = await call().then(() => undefined, (e: unknown) => e as Error & { code?: string, backendStatus?: number })
    t.equal(error?.code, code)
    if (backendStatus !== undefined) t.equal(error?.backendStatus, backendStatus)
    messages.push(String(error?.message), String(error?.stack))
  }
  server.reply({ status: 401 })
  await expectCode(() => api.fetchUsersByQuery({}), 'FST_PROPELAUTH_API_KEY_REJECTED')
  for (const call of [() => api.fetchOrg(ORG_ID), () => api.fetchOrgByQuery({}), () => api.fetchPendingInvites(), () => api.fetchCustomRoleMappings()]) {
    server.reply({ status: 426 })
    await expectCode(call, 'FST_PROPELAUTH_B2B_NOT_ENABLED')
  }
  server.reply({ status: 503, body: 'down' })
  await expectCode(() => api.createUser({ email: 'a@example.com' }), 'FST_PROPELAUTH_BACKEND_ERROR', 503)
  server.reply({ status: 404 })
  await expectCode(() => api.createAccessToken({ userId: USER_ID, durationInMinutes: 5 }), 'FST_PROPELAUTH_BACKEND_ERROR', 404)
  server.reply({ status: 400, body: '{"page_size":["too big"]}' })
  await expectCode(() => api.fetchUsersByQuery({ pageSize: 10_000 }), 'FST_PROPELAUTH_BACKEND_ERROR', 400)
  t.match(messages.at(-2), /page_size/, 'a refused query says why, as the Node library does')
  t.notOk(messages.join('\n').includes(INTEGRATION_KEY))
})

test('reads are retried on 5xx and on 429 when the wait is short; writes never', async (t) => {
  const { server, api } = await client(t, { retries: 2 })
  server.reply({ status: 500 }, { status: 429, body: { wait_seconds: 0 } }, { status: 200, body: { email: 'support@example.com' } })
  t.same(await api.fetchEmployeeById(USER_ID), { email: 'support@example.com' })
  t.equal(server.requests.length, 3)

  server.requests.length = 0
  server.reply({ status: 500 }, { status: 200, body: { user_id: USER_ID } })
  await t.rejects(api.createUser({ email: 'a@example.com' }), { code: 'FST_PROPELAUTH_BACKEND_ERROR' })
  t.equal(server.requests.length, 1, 'a POST that writes is sent once')
  await api.fetchCustomRoleMappings() // takes the reply the POST did not retry for

  server.requests.length = 0
  server.reply({ status: 500 }, { status: 200, body: { orgs: [], total_orgs: 0, current_page: 0, page_size: 10, has_more_results: false } })
  t.match(await api.fetchOrgByQuery({}), { orgs: [], totalOrgs: 0 })
  t.equal(server.requests.length, 2, 'fetchOrgByQuery only reads: its POST is retried')
})

test('a 429 PropelAuth keeps answering becomes RateLimitedException with what it said and the wait it asked', async (t) => {
  const { server, api } = await client(t, { retries: 0 })
  server.reply({ status: 429, body: { wait_seconds: 30, user_facing_error: 'Slow down' } })
  const error = await api.fetchUsersByQuery({}).then(() => undefined, (e: unknown) => e as RateLimitedException)
  t.type(error, RateLimitedException)
  t.equal(error?.waitSeconds, 30)
  t.equal(error?.message, '{"wait_seconds":30,"user_facing_error":"Slow down"}', 'the message is the body, as in the Node library')

  server.reply({ status: 429, body: { user_facing_error: 'Wait a minute' }, headers: { 'retry-after': '60' } })
  const resend = await api.resendEmailConfirmation(USER_ID).then(() => undefined, (e: unknown) => e as RateLimitedException)
  t.equal(resend?.message, 'Wait a minute')
  t.equal(resend?.waitSeconds, 60)
})

test('createPropelAuthClient refuses options that are not an object, saying what it expects', async (t) => {
  for (const options of [null, undefined, 'https://auth.example.com', []]) {
    t.throws(() => createPropelAuthClient(options as never), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /expects \{ authUrl, apiKey, apiBaseUrl\?, allowInsecureHttp\?, timeout\?, retries\? \}/ }, String(options))
  }
})
