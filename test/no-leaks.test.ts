// No secret leaks: every log line (Fastify's logger at trace level), every error
// body and header, and every error message, stack and cause, gathered across the
// attack corpus, boot faults, key rotation and backend API failures, must contain
// neither the integration API key nor any token (nor a long piece of one).
// The fake backend here is hostile on purpose: it echoes the request's
// Authorization header (the API key) in every body it sends.
import { test } from 'tap'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { buildAttackCorpus, buildTargetApp, createAttackKit, ROLES } from './helpers/attack-corpus.js'
import { closedPortUrl, hang, json, startFaultServer, until, type Handler } from './helpers/fault-server.js'

const API_KEY = `pa_leak_${randomBytes(20).toString('hex')}`
const METADATA = '/api/v1/token_verification_metadata'

/** Everything the plugin wrote or answered, as text. */
class Capture {
  readonly texts: string[] = []
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      this.texts.push(chunk.toString())
      callback()
    }
  })

  add (...values: unknown[]): void {
    for (const value of values) this.texts.push(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value))
  }

  /** An error's message, stack, own properties and causes, all the way down. */
  addError (error: unknown): void {
    for (let e = error, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
      if (e instanceof Error) this.add(e.message, String(e.stack), { ...e }, String(e))
      else this.add(e)
    }
  }

  logger (): { level: string, stream: Writable } {
    return { level: 'trace', stream: this.stream }
  }
}

/** The secrets: the API key, each token, and each long segment of a token. */
function secretsOf (tokens: string[]): Map<string, string> {
  const secrets = new Map<string, string>([[API_KEY, 'the API key']])
  for (const token of tokens) {
    if (token.length >= 24) secrets.set(token, `a token (${token.slice(0, 12)}…)`)
    for (const segment of token.split('.')) {
      if (segment.length >= 40) secrets.set(segment, `a token segment (${segment.slice(0, 12)}…)`)
    }
  }
  return secrets
}

/** Each secret found, with a little of the text around it (the secret itself masked). */
function findLeaks (capture: Capture, secrets: Map<string, string>): string[] {
  const all = capture.texts.join('\n')
  const found: string[] = []
  for (const [secret, label] of secrets) {
    const at = all.indexOf(secret)
    if (at !== -1) found.push(`${label} in: ${all.slice(Math.max(0, at - 160), at)}<SECRET>${all.slice(at + secret.length, at + secret.length + 40)}`)
  }
  return found
}

/** Echoes what a hostile or misconfigured backend might: the request's own Authorization header. */
const echo = (status: number, contentType = 'application/json'): Handler => (request: IncomingMessage, response: ServerResponse) => {
  const authorization = String(request.headers.authorization)
  response.writeHead(status, { 'content-type': contentType })
  response.end(contentType === 'application/json'
    ? JSON.stringify({ error: `bad credentials: ${authorization}`, received_authorization: authorization })
    : `<html><body>Denied for ${authorization}</body></html>`)
}

test('the attack corpus, with key refetches failing against an echoing backend, leaks nothing', async (t) => {
  const capture = new Capture()
  const kit = await createAttackKit()
  // Built first: a long pause after boot would let the idle keep-alive connection expire under load.
  const rows = await buildAttackCorpus(kit)
  let served = false
  const server = await startFaultServer((request, response, index) => {
    if (!served && request.url === METADATA) {
      served = true
      json(response, 200, { verifier_key_pem: kit.testAuth.tokenVerificationMetadata.verifierKey })
    } else {
      echo(index % 2 === 0 ? 401 : 500)(request, response, index)
    }
  })
  t.teardown(() => server.close())
  const app = await buildTargetApp({
    authUrl: kit.testAuth.authUrl,
    apiKey: API_KEY,
    apiBaseUrl: server.url,
    // The floor: forged signatures refetch as often as the plugin allows, so the refetch-failed path logs.
    keyRefreshCooldown: 1,
    retries: 0
  }, { logger: capture.logger() })
  t.teardown(() => app.close())

  for (const row of rows) {
    const headers: Record<string, string> = { ...row.headers }
    if (row.authorization !== undefined) headers.authorization = row.authorization
    for (const url of [row.url, '/optional']) {
      const response = await app.inject({ url, headers })
      capture.add(response.body, response.headers)
    }
    await app.auth.validateAccessTokenAndGetUser(row.authorization).then(() => {}, (error: unknown) => capture.addError(error))
  }
  await until(() => server.count(METADATA) >= 2 && capture.texts.some((line) => /key refetch failed/.test(line)), 'a refetch reached the echoing backend and its failure is logged')
  capture.add(app.printRoutes())

  t.ok(server.count(METADATA) >= 2, `refetches happened and failed (${server.count(METADATA)} fetches)`)
  t.ok(capture.texts.some((line) => line.includes('incoming request')), 'request log lines were captured')
  t.ok(capture.texts.some((line) => line.includes('FST_PROPELAUTH_INVALID_TOKEN')), 'error bodies were captured')
  t.same(findLeaks(capture, secretsOf(kit.tokens)), [], 'no API key and no token in any log line, body, header or error')
})

test('boot faults against an echoing backend: messages, stacks, causes and logs hold no API key', async (t) => {
  const capture = new Capture()
  const key = (pem: string): Handler => (_request, response) => json(response, 200, { verifier_key_pem: pem })
  const faults: Array<[string, Handler | 'down', Partial<FastifyPropelAuthOptions>?]> = [
    ['401 echoing the key', echo(401)],
    ['404 echoing the key', echo(404)],
    ['500 echoing the key, retried', echo(500), { retries: 1 }],
    ['429 echoing the key', echo(429)],
    ['HTML echoing the key', echo(200, 'text/html')],
    ['JSON without a key, echoing the API key', echo(200)],
    ['a "PEM" made of the API key', key(`-----BEGIN PUBLIC KEY-----\n${API_KEY}\n-----END PUBLIC KEY-----`)],
    ['the API key as the PEM', key(API_KEY)],
    ['an EC key', key(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString())],
    ['slow', hang, { timeout: 100, retries: 0 }],
    ['down', 'down', { retries: 0 }]
  ]
  for (const [name, handler, options] of faults) {
    const server = handler === 'down' ? undefined : await startFaultServer(handler)
    const app = Fastify({ logger: capture.logger() })
    app.register(propelAuth, { authUrl: 'https://auth.leaks.test', apiKey: API_KEY, apiBaseUrl: server?.url ?? await closedPortUrl(), ...options })
    const error = await app.ready().then(() => undefined, (e: unknown) => e)
    t.ok(error, `${name}: ready() rejects`)
    capture.addError(error)
    await app.close()
    await server?.close()
  }
  t.same(findLeaks(capture, secretsOf([])), [], 'the API key appears nowhere')
})

test('key rotation logs and backend API errors hold no API key', async (t) => {
  const capture = new Capture()
  const kit = await createAttackKit()
  // The same issuer with a key of its own: the key the verifier rotates to.
  const other = await createAttackKit(await createTestAuth({ rolePermissions: ROLES.rolePermissions as Record<string, string[]> }))
  let pem = kit.testAuth.tokenVerificationMetadata.verifierKey
  const server = await startFaultServer((request, response, index) => {
    if (request.url === METADATA) json(response, 200, { verifier_key_pem: pem })
    else echo([500, 503, 429, 400, 401, 404][index % 6])(request, response, index)
  })
  t.teardown(() => server.close())
  const app = Fastify({ logger: capture.logger() })
  await app.register(propelAuth, { authUrl: kit.testAuth.authUrl, apiKey: API_KEY, apiBaseUrl: server.url, retries: 1 })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  t.teardown(() => app.close())

  pem = other.testAuth.tokenVerificationMetadata.verifierKey
  await until(async () => (await app.inject({ url: '/me', headers: { authorization: `Bearer ${other.adminToken}` } })).statusCode === 200, 'the key rotated')
  await until(() => capture.texts.some((line) => /key rotated/.test(line)), 'the rotation is logged')

  const user = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
  const calls: Array<() => Promise<unknown>> = [
    async () => await app.auth.fetchUserMetadataByUserId(user),
    async () => await app.auth.createUser({ email: 'ada@example.test' }),
    async () => await app.auth.fetchUserMetadataByEmail('ada@example.test'),
    async () => await app.auth.deleteUser(user),
    async () => await app.auth.fetchOrg(user),
    async () => await app.auth.createAccessToken({ userId: user, durationInMinutes: 5 })
  ]
  for (const call of calls) {
    for (let i = 0; i < 3; i++) await call().then((value) => capture.add(value), (error: unknown) => capture.addError(error))
  }
  t.ok(server.count() > 10, 'the backend was called')
  t.same(findLeaks(capture, secretsOf([kit.adminToken, other.adminToken])), [], 'no API key and no token anywhere')
})
