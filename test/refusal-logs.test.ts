// Refusals you can diagnose: every refusal is logged once, at the level the app
// chose (debug by default), with its code and its precise reason, and never
// with the token, its signature, or a claim other than the issuer and user_id.
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { createTestAuth, createTestKeyPair } from '../lib/testing/index.js'
import { captureLogs, LEVEL, type LogCapture, type LogLine } from './helpers/log-capture.js'
import { readyError } from './helpers/ready-error.js'

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const SECRET_EMAIL = 'do-not-log-me@example.test'
const keyPair = await createTestKeyPair()
const testAuth = await createTestAuth({ keyPair })
// The usual wrong `authUrl`: the right project (same key), another port.
const wrongPort = await createTestAuth({ keyPair, authUrl: 'https://auth.example.test:8443' })
const otherProject = await createTestAuth({ keyPair: await createTestKeyPair(), authUrl: 'https://auth.other-project.test' })
const sameIssuerOtherKey = await createTestAuth({ keyPair: await createTestKeyPair() })

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

async function build (t: Test, options: Partial<FastifyPropelAuthOptions> = {}, level = 'trace'): Promise<{ app: FastifyInstance, logs: LogCapture }> {
  const logs = captureLogs(level)
  const app = Fastify({ logger: logs.logger })
  await app.register(propelAuth, { ...testAuth.pluginOptions, ...options })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  app.get('/org/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async () => 'ok')
  app.get('/key', { onRequest: app.auth.requireApiKey }, async () => 'ok')
  t.teardown(() => app.close())
  await app.ready()
  return { app, logs }
}

/** The refusal lines logged while answering one request (the capture is emptied first). */
async function refusalsOf (app: FastifyInstance, logs: LogCapture, url: string, authorization?: string): Promise<LogLine[]> {
  logs.lines.length = 0
  logs.raw.length = 0
  const response = await app.inject({ url, headers: authorization === undefined ? {} : { authorization } })
  if (response.statusCode < 400) throw new Error(`${url} was not refused`)
  const lines = logs.refusals()
  const reqId = logs.lines.find((line) => line.msg === 'incoming request')?.reqId
  if (reqId === undefined || lines.some((line) => line.reqId !== reqId)) throw new Error('the refusal lines are not those of the request')
  return lines
}

const refusal = (line: LogLine | undefined): Record<string, unknown> => (line?.refusal ?? {}) as Record<string, unknown>

test('each refusal is logged once, with its code and the precise reason', async (t) => {
  const { app, logs } = await build(t)
  const now = Math.floor(Date.now() / 1000)
  const cases: Array<{ name: string, authorization: string | undefined, code: string, cause: string, says: RegExp, facts?: Record<string, unknown> }> = [
    { name: 'no header', authorization: undefined, code: 'FST_PROPELAUTH_MISSING_TOKEN', cause: 'no-token', says: /no Authorization header/ },
    { name: 'Bearer and two spaces', authorization: 'Bearer  abc', code: 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER', cause: 'malformed-authorization-header', says: /extra spaces/ },
    { name: 'not a JWS', authorization: 'Bearer abc', code: 'FST_PROPELAUTH_INVALID_TOKEN', cause: 'malformed-token', says: /not three dot-separated segments/ },
    { name: 'HS256', authorization: `Bearer ${b64({ alg: 'HS256' })}.${b64({ iss: testAuth.issuer })}.c2ln`, code: 'FST_PROPELAUTH_INVALID_TOKEN', cause: 'malformed-token', says: /the header's alg is "HS256"; PropelAuth signs with RS256 only/ },
    { name: 'a header that is not JSON', authorization: `Bearer ${b64('{nope')}.${b64({})}.c2ln`, code: 'FST_PROPELAUTH_INVALID_TOKEN', cause: 'malformed-token', says: /the header \(first segment\) is not a JSON object/ },
    { name: 'a payload that is not base64url', authorization: `Bearer ${b64({ alg: 'RS256' })}.pay+load.c2ln`, code: 'FST_PROPELAUTH_INVALID_TOKEN', cause: 'malformed-token', says: /the payload segment \(second\) is not canonical base64url/ },
    {
      name: 'wrong issuer (authUrl with the wrong port)',
      authorization: await wrongPort.authorizationHeader({ userId: 'u-port' }),
      code: 'FST_PROPELAUTH_INVALID_TOKEN',
      cause: 'wrong-issuer',
      says: /the token's issuer is "https:\/\/auth\.example\.test:8443", expected "https:\/\/auth\.example\.test": check the authUrl option/,
      facts: { expectedIssuer: testAuth.issuer, issuer: 'https://auth.example.test:8443', userId: 'u-port' }
    },
    {
      name: 'another project\'s key',
      authorization: await otherProject.authorizationHeader(),
      code: 'FST_PROPELAUTH_INVALID_TOKEN',
      cause: 'signature-mismatch',
      says: /the signature does not match the verification key \(its unverified iss is "https:\/\/auth\.other-project\.test": a token of another PropelAuth project or environment\?\)/,
      facts: { expectedIssuer: testAuth.issuer, issuer: 'https://auth.other-project.test' }
    },
    {
      name: 'the right issuer, another key',
      authorization: await sameIssuerOtherKey.authorizationHeader(),
      code: 'FST_PROPELAUTH_INVALID_TOKEN',
      cause: 'signature-mismatch',
      says: /its iss is the expected issuer: a tampered token, or a key rotated since it was loaded\?/
    },
    {
      name: 'not yet valid',
      authorization: await testAuth.authorizationHeader({ userId: 'u-early', notBefore: now + 120 }),
      code: 'FST_PROPELAUTH_INVALID_TOKEN',
      cause: 'not-yet-valid',
      says: /the token is not valid before nbf, 1[12]\d s from now \(clockTolerance 0 s\): check this server's clock/,
      facts: { userId: 'u-early' }
    },
    {
      name: 'expired',
      authorization: await testAuth.authorizationHeader({ userId: 'u-late', expiresIn: -90 }),
      code: 'FST_PROPELAUTH_TOKEN_EXPIRED',
      cause: 'expired',
      says: /the token expired (90|91|92) s ago \(clockTolerance 0 s\)/,
      facts: { userId: 'u-late' }
    },
    {
      name: 'claims PropelAuth does not sign',
      authorization: await testAuth.authorizationHeader({ userId: 'u-odd', claims: { email: 42 } }),
      code: 'FST_PROPELAUTH_INVALID_TOKEN',
      cause: 'invalid-claims',
      says: /the claims do not have PropelAuth's shape: claim email must be a string/,
      facts: { userId: 'u-odd' }
    }
  ]
  for (const { name, authorization, code, cause, says, facts } of cases) {
    const lines = await refusalsOf(app, logs, '/me', authorization)
    t.equal(lines.length, 1, `${name}: logged once`)
    t.equal(lines[0]?.level, LEVEL.debug, `${name}: at debug, the default`)
    t.match(refusal(lines[0]), { code, cause, ...facts }, `${name}: code and cause`)
    t.match(lines[0]?.msg, says, `${name}: the reason`)
    t.match(lines[0]?.msg, code, `${name}: the message names the code`)
  }

  const forbidden = await refusalsOf(app, logs, `/org/${ORG}`, await testAuth.authorizationHeader({ userId: 'u-member', orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Member' }] }))
  t.match(refusal(forbidden[0]), { code: 'FST_PROPELAUTH_INSUFFICIENT_ROLE', cause: 'org-requirement', userId: 'u-member' }, '403: its code and user')
  t.match(forbidden[0]?.msg, `org id "${ORG}"`)

  const key = await refusalsOf(app, logs, '/key')
  t.match(refusal(key[0]), { code: 'FST_PROPELAUTH_MISSING_CREDENTIALS', cause: 'no-credentials' }, 'the API-key guards log their refusals too')
})

test('nothing secret is logged: not the token, not its signature, no claim beyond the issuer and user_id', async (t) => {
  const { app, logs } = await build(t)
  const mint = { userId: 'u-secret', email: SECRET_EMAIL, properties: { plan: 'secret-plan' }, orgs: [{ orgId: ORG, orgName: 'Secret Org Name', role: 'Member' }] }
  const tokens = [
    await wrongPort.mintAccessToken(mint),
    await otherProject.mintAccessToken(mint),
    await testAuth.mintAccessToken({ ...mint, expiresIn: -30 }),
    await testAuth.mintAccessToken({ ...mint, notBefore: Math.floor(Date.now() / 1000) + 600 })
  ]
  const written: string[] = []
  for (const token of tokens) {
    await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })
    await app.inject({ url: `/org/${ORG}`, headers: { authorization: `Bearer ${token}` } })
    written.push(...logs.raw)
    t.ok(logs.refusals().length >= 2, 'refusals were logged')
    const [header, payload, signature] = token.split('.')
    for (const line of logs.raw) {
      t.notOk(line.includes(signature.slice(0, 24)), 'no signature')
      t.notOk(line.includes(payload.slice(0, 24)), 'no payload')
      t.notOk(line.includes(`${header}.`), 'no token')
    }
    logs.lines.length = 0
    logs.raw.length = 0
  }
  const all = written.join('\n')
  for (const claim of [SECRET_EMAIL, 'secret-plan', 'Secret Org Name']) t.notOk(all.includes(claim), `the claim ${claim} is not logged`)
  t.ok(all.includes('u-secret'), 'the user_id is, once the signature proved it')
})

test('the level is the app\'s choice, and the default keeps production logs quiet', async (t) => {
  const quiet = await build(t, {}, 'info')
  await quiet.app.inject({ url: '/me', headers: { authorization: 'Bearer abc' } })
  t.equal(quiet.logs.refusals().length, 0, 'debug lines do not reach an info logger')

  const loud = await build(t, { logLevels: { refusals: 'warn' } }, 'info')
  await loud.app.inject({ url: '/me', headers: { authorization: 'Bearer abc' } })
  t.same(loud.logs.refusals().map((line) => line.level), [LEVEL.warn], 'logged once, at warn')

  const silent = await build(t, { logLevels: { refusals: 'silent' } })
  await silent.app.inject({ url: '/me', headers: { authorization: 'Bearer abc' } })
  t.equal(silent.logs.refusals().length, 0, 'silent logs nothing, even at trace')

  t.match(await readyError({ ...testAuth.pluginOptions, logLevels: { refusals: 'verbose' } }), {
    code: 'FST_PROPELAUTH_INVALID_OPTION',
    message: /option `logLevels.refusals` must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)/
  })
  t.match(await readyError({ ...testAuth.pluginOptions, logLevels: { refusal: 'warn' } }), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /unknown option `logLevels.refusal`/ })
})

test('validateAccessTokenAndGetUser logs its refusals on the instance logger', async (t) => {
  const { app, logs } = await build(t)
  await t.rejects(app.auth.validateAccessTokenAndGetUser(await wrongPort.authorizationHeader()), { code: 'FST_PROPELAUTH_INVALID_TOKEN' })
  const lines = logs.refusals()
  t.equal(lines.length, 1)
  t.match(refusal(lines[0]), { cause: 'wrong-issuer', issuer: 'https://auth.example.test:8443' })
  t.equal(lines[0]?.reqId, undefined, 'outside a request')
})

test('a PEM whose line breaks arrived as the two characters \\n is read', async (t) => {
  const escaped = keyPair.publicKeyPem.trim().replaceAll('\n', '\\n')
  t.notOk(escaped.includes('\n'), 'the key has no real line break left')
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, { authUrl: testAuth.authUrl, tokenVerificationMetadata: { verifierKey: escaped } })
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ user: request.user?.userId }))
  const response = await app.inject({ url: '/me', headers: { authorization: await testAuth.authorizationHeader({ userId: 'u-env' }) } })
  t.same(response.json(), { user: 'u-env' }, 'tokens verify against it')

  const windows = Fastify()
  t.teardown(() => windows.close())
  await windows.register(propelAuth, { authUrl: testAuth.authUrl, tokenVerificationMetadata: { verifierKey: keyPair.publicKeyPem.replaceAll('\n', '\\r\\n') } })
  t.pass('and \\r\\n as four characters too')

  const mangled = escaped.replace('\\n', '\\t')
  t.match(await readyError({ authUrl: testAuth.authUrl, tokenVerificationMetadata: { verifierKey: mangled } }), {
    code: 'FST_PROPELAUTH_INVALID_OPTION',
    message: /is not a readable PEM public key\. It contains backslashes: line breaks must be real ones, or the two characters \\n, nothing else$/
  })
})
