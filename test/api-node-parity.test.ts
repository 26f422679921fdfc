// Every backend API function against PropelAuth's official Node library, on the
// same recording server: the request must be identical on the wire (method, target,
// header names/case/order, body bytes) and the result must map the same, for 200,
// 400, 401, 404 and 429, except for the defects of the official library that we fix
// (each listed below, and in the README's differences).
import { generateKeyPairSync } from 'node:crypto'
import { test, type Test } from 'tap'
import { initBaseAuth } from '@propelauth/node'
import { createApiClient, type PropelAuthApi } from '../lib/api/client.js'
import { Transport } from '../lib/api/transport.js'
import { API_CASES, caseName, type ApiCase } from './helpers/api-cases.js'
import { startRecordingServer, type RecordedRequest, type RecordingServer } from './helpers/recording-server.js'

const OFFICIAL_BASE = 'https://propelauth-api.com'
const AUTH_URL = 'https://auth.example.com'
const INTEGRATION_KEY = 'test-integration-key-0123456789'

const NODE_EXCEPTION_NAMES = new Set([
  'CreateUserException', 'MigrateUserException', 'MigrateUserPasswordException', 'CreateOrgException',
  'AddUserToOrgException', 'ChangeUserRoleInOrgException', 'RemoveUserFromOrgException', 'UpdateOrgException',
  'RevokePendingOrgInviteException', 'MagicLinkCreationException', 'AccessTokenCreationException',
  'UpdateUserEmailException', 'UpdateUserPasswordException', 'UpdateUserMetadataException', 'ApiKeyValidateException',
  'ApiKeyDeleteException', 'ApiKeyUpdateException', 'ApiKeyCreateException', 'ApiKeyImportException',
  'ApiKeyFetchException', 'BadRequestException', 'UserNotFoundException', 'ApiKeyValidateRateLimitedException',
  'RateLimitedException', 'FeatureGatedException', 'IncorrectMfaCodeException', 'MfaNotEnabledException',
  'InvalidRequestFieldsException', 'UnauthorizedException', 'ForbiddenException', 'UnexpectedException'
])

type Outcome = { value: unknown } | { error: string, [field: string]: unknown }

/** Plain data, so that results built from different classes (two OrgMemberInfo) compare by content. */
function plain (value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}

/**
 * What a caller can observe of an outcome. A plain `Error` of the Node library and
 * a coded error of ours (FST_PROPELAUTH_*) both count as "Error": that swap is the
 * documented improvement; named exceptions must match by name and fields.
 */
function describe (error: unknown): Outcome {
  const name = (error as Error)?.constructor?.name
  if (!NODE_EXCEPTION_NAMES.has(name)) return { error: 'Error' }
  const e = error as Record<string, unknown>
  const outcome: { error: string, [field: string]: unknown } = { error: name }
  if ('fieldToErrors' in e) Object.assign(outcome, { fieldToErrors: e.fieldToErrors, message: e.message })
  if (name === 'RateLimitedException') outcome.message = e.message
  if (name === 'ApiKeyValidateRateLimitedException') Object.assign(outcome, { waitSeconds: e.waitSeconds, userFacingError: e.userFacingError, errorCode: e.errorCode })
  if (name === 'InvalidRequestFieldsException') outcome.errorBody = e.errorBody
  if ('status' in e) outcome.status = e.status
  return outcome
}

async function settle (call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: plain(await call()) }
  } catch (error) {
    return describe(error)
  }
}

interface FetchCall { url: string, init: RequestInit | undefined }

interface Harness {
  server: RecordingServer
  ours: PropelAuthApi
  official: Record<string, (...args: unknown[]) => Promise<unknown>>
  fetchCalls: FetchCall[]
}

async function harness (t: Test): Promise<Harness> {
  const server = await startRecordingServer()
  const fetchCalls: FetchCall[] = []
  const realFetch = globalThis.fetch
  // The official library hard-codes its base URL: send its calls to the recorder instead.
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input)
    fetchCalls.push({ url, init })
    return realFetch(url.startsWith(OFFICIAL_BASE) ? server.url + url.slice(OFFICIAL_BASE.length) : url, init)
  }
  t.teardown(async () => {
    globalThis.fetch = realFetch
    await server.close()
  })
  const ours = createApiClient(new Transport({
    apiBaseUrl: server.url,
    apiKey: INTEGRATION_KEY,
    authHostname: new URL(AUTH_URL).hostname,
    timeout: 5000,
    retries: 0
  }))
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const official = initBaseAuth({
    authUrl: AUTH_URL,
    apiKey: INTEGRATION_KEY,
    manualTokenVerificationMetadata: { verifierKey: publicKey.export({ type: 'spki', format: 'pem' }) as string, issuer: AUTH_URL }
  }) as unknown as Harness['official']
  return { server, ours, official, fetchCalls }
}

function call (api: unknown, apiCase: ApiCase): () => Promise<unknown> {
  return () => (api as Record<string, (...args: unknown[]) => Promise<unknown>>)[apiCase.fn](...apiCase.args)
}

/** Runs one case through both clients against the same scripted reply. */
async function both (h: Harness, apiCase: ApiCase, reply: { status: number, body?: unknown }) {
  h.server.requests.length = 0
  h.fetchCalls.length = 0
  h.server.reply(reply)
  const ours = await settle(call(h.ours, apiCase))
  h.server.reply(reply)
  const official = await settle(call(h.official, apiCase))
  return { ours, official, requests: h.server.requests.slice(), fetchCalls: h.fetchCalls.slice() }
}

function withoutHost (request: RecordedRequest): Omit<RecordedRequest, 'headers'> {
  const raw: string[] = []
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i].toLowerCase() !== 'host') raw.push(request.rawHeaders[i], request.rawHeaders[i + 1])
  }
  return { method: request.method, target: request.target, rawHeaders: raw, body: request.body }
}

test('the client has every backend API function of @propelauth/node, and nothing else', async (t) => {
  const h = await harness(t)
  const tokenValidators = /^validateAccessToken/
  const officialNames = Object.keys(h.official).filter((name) => !tokenValidators.test(name)).sort()
  const ourNames = Object.keys(h.ours).sort()
  t.ok(officialNames.length >= 79, `the official client lists ${officialNames.length} API functions`)
  t.same(ourNames, officialNames)
  for (const name of ourNames) t.type((h.ours as unknown as Record<string, unknown>)[name], 'function', name)
  const covered = new Set(API_CASES.map((apiCase) => apiCase.fn))
  t.same(officialNames.filter((name) => !covered.has(name)), [], 'every function has a row in the request table')
})

test('every function sends exactly the request written in the table, byte-identical to @propelauth/node', async (t) => {
  const h = await harness(t)
  for (const apiCase of API_CASES) {
    const { requests, fetchCalls } = await both(h, apiCase, { status: 200, body: apiCase.reply })
    const name = caseName(apiCase)
    t.equal(requests.length, 2, `${name}: one request from each client`)
    const [ours, official] = requests
    const [method, target, body] = apiCase.request
    t.equal(ours.method, method, `${name}: method`)
    t.equal(ours.target, target, `${name}: path and query`)
    t.equal(ours.body, body === undefined ? '' : JSON.stringify(body), `${name}: body bytes`)
    t.equal(ours.headers.authorization, `Bearer ${INTEGRATION_KEY}`, `${name}: Authorization`)
    t.equal(ours.headers['x-propelauth-url'], 'auth.example.com', `${name}: X-Propelauth-url`)
    t.equal(ours.headers['content-type'], 'application/json', `${name}: Content-Type`)
    t.same(withoutHost(ours), withoutHost(official), `${name}: identical on the wire to @propelauth/node`)
    // The URL handed to fetch too, bare trailing `?` included (fetch drops it on the wire).
    t.equal(fetchCalls[0].url.slice(h.server.url.length), fetchCalls[1].url.slice(OFFICIAL_BASE.length), `${name}: same fetch URL`)
  }
})

/** Where we differ from @propelauth/node on purpose: each is one of its defects (README, "Differences"). */
const DEVIATIONS: Record<string, (outcome: Outcome, t: Test) => void> = {
  // The Node library leaves `is_saml_configured` & co. snake_case (its type says camelCase).
  'fetchOrgByQuery 200': (outcome, t) => t.strictSame(outcome, {
    value: {
      orgs: [{ orgId: '9a7b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3', name: 'Acme Inc', maxUsers: 50, isSamlConfigured: false, metadata: { billing_id: 'cus_1' }, customRoleMappingName: 'Default', createdAt: 1700000000 }],
      totalOrgs: 1,
      currentPage: 0,
      pageSize: 10,
      hasMoreResults: false
    }
  }),
  // The Node library returns the parsed body (typed boolean), and throws on an empty one.
  'migrateUserPassword 200': (outcome, t) => t.strictSame(outcome, { value: true }),
  // The Node library has no 429 case here and throws UnexpectedException.
  'verifyStepUpTotpChallenge 429': (outcome, t) => t.match(outcome, { error: 'RateLimitedException' }),
  // The Node library throws RevokePendingOrgInviteException here (a copy-paste slip).
  'deleteSamlConnection 400': (outcome, t) => t.match(outcome, { error: 'BadRequestException', fieldToErrors: { email: ['is not valid'] } })
}

const ERROR_REPLIES = [
  { status: 400, body: { email: ['is not valid'], error_code: 'invalid_request_fields', user_facing_error: 'Invalid request', field_errors: { code: 'too short' } } },
  { status: 401 },
  { status: 404 },
  { status: 429, body: { wait_seconds: 3, user_facing_error: 'Too many requests', error_code: 'rate_limited' } }
]

test('every function maps 200, 400, 401, 404 and 429 as @propelauth/node does', async (t) => {
  const h = await harness(t)
  for (const apiCase of API_CASES) {
    for (const reply of [{ status: 200, body: apiCase.reply }, ...ERROR_REPLIES]) {
      const { ours, official } = await both(h, apiCase, reply)
      const label = `${caseName(apiCase)} ${reply.status}`
      const deviation = DEVIATIONS[`${apiCase.fn} ${reply.status}`]
      if (deviation !== undefined) {
        deviation(ours, t)
        t.notSame(ours, official, `${label}: differs from @propelauth/node on purpose`)
      } else {
        t.strictSame(ours, official, label)
      }
    }
  }
})
