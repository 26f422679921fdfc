import { once } from 'node:events'
import { Writable } from 'node:stream'
import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth, { createPropelAuthClient } from '../index.js'
import { resolveOptions } from '../lib/options/resolve-options.js'
import { createTestAuth } from '../lib/testing/index.js'
import { checkPlainHttp, isLoopbackHostname } from '../lib/options/url-policy.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// The plain-HTTP rule for the URLs the plugin calls or trusts (`authUrl`,
// `apiBaseUrl`): https anywhere, http on loopback, http elsewhere only with
// `allowInsecureHttp: true`, and then with a warning at registration. No test
// here sends anything: the URLs off loopback are only parsed.

const API_KEY = 'pa_test_8c1e6f2a9b7d4c3e5f6a7b8c9d0e1f2a'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair(), authUrl: 'https://auth.example.com' })
const { tokenVerificationMetadata } = testAuth

const loopback = [
  'http://localhost:4000',
  'http://LOCALHOST',
  'http://127.0.0.1:9',
  'http://127.255.255.254',
  'http://127.1', // the URL parser reads it as 127.0.0.1
  'http://2130706433', // and this one too
  'http://[::1]:3000'
]
const offLoopback = [
  'http://auth.example.com',
  'http://localhost.attacker.example',
  'http://127.0.0.1.attacker.example',
  'http://0.0.0.0:3000',
  'http://10.0.0.7',
  'http://192.168.1.20',
  'http://[::ffff:127.0.0.1]',
  'http://[::]'
]

test('plain http is allowed on loopback only; https anywhere', async (t) => {
  for (const url of loopback) {
    const parsed = new URL(url)
    t.ok(isLoopbackHostname(parsed.hostname), `${url} is loopback (${parsed.hostname})`)
    t.same(checkPlainHttp('apiBaseUrl', parsed, false), { allowed: true }, `${url}: allowed, no warning`)
  }
  for (const url of offLoopback) {
    const parsed = new URL(url)
    t.notOk(isLoopbackHostname(parsed.hostname), `${url} is not loopback`)
    const verdict = checkPlainHttp('apiBaseUrl', parsed, false)
    t.equal(verdict.allowed, false, `${url}: refused`)
    t.match(verdict, { reason: /option `apiBaseUrl` must use https/ })
  }
  for (const url of ['https://auth.example.com', 'https://10.0.0.7', 'https://localhost']) {
    t.same(checkPlainHttp('authUrl', new URL(url), false), { allowed: true }, `${url}: allowed`)
  }
})

test('allowInsecureHttp: true accepts plain http elsewhere, with one warning per URL', async (t) => {
  const verdict = checkPlainHttp('authUrl', new URL('http://auth.internal.example/some/path?q=secret'), true)
  if (!verdict.allowed) throw new Error('expected plain http to be allowed')
  t.match(verdict.warning, /option `authUrl` is plain HTTP \(http:\/\/auth\.internal\.example\), allowed by `allowInsecureHttp`/)
  t.notMatch(verdict.warning ?? '', /some\/path|secret/, 'only the origin is shown')

  const resolved = resolveOptions({ authUrl: 'http://auth.internal.example', apiKey: API_KEY, apiBaseUrl: 'http://api.internal.example', allowInsecureHttp: true })
  t.equal(resolved.warnings.length, 2)
  t.match(resolved.warnings[0], '`authUrl`')
  t.match(resolved.warnings[1], '`apiBaseUrl`')
  t.same(resolveOptions({ authUrl: 'http://localhost:4000', apiKey: API_KEY, apiBaseUrl: 'http://127.0.0.1:4000', allowInsecureHttp: true }).warnings, [], 'loopback needs no warning, allowed or not')
})

test('registration logs the warning, without the API key, and refuses without the option', async (t) => {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _encoding, callback) { lines.push(String(chunk)); callback() } })
  const app = Fastify({ logger: { level: 'info', stream } })
  // tokenVerificationMetadata: nothing is fetched, so nothing leaves this machine.
  await app.register(propelAuth, { authUrl: 'http://auth.internal.example', apiKey: API_KEY, apiBaseUrl: 'http://api.internal.example', allowInsecureHttp: true, tokenVerificationMetadata: { ...tokenVerificationMetadata, issuer: 'http://auth.internal.example' } })
  await app.ready()
  t.teardown(() => app.close())
  const warnings = lines.filter((line) => line.includes('"level":40'))
  t.equal(warnings.length, 2, 'one warning per plain-http URL')
  t.match(warnings[0], /`authUrl` is plain HTTP/)
  t.match(warnings[1], /`apiBaseUrl` is plain HTTP/)
  t.notOk(lines.join('').includes(API_KEY), 'the API key is in no log line')

  const refused = Fastify()
  refused.register(propelAuth, { authUrl: 'http://auth.internal.example', apiKey: API_KEY, tokenVerificationMetadata })
  await t.rejects(async () => { await refused.ready() }, { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /`authUrl` must use https/ })
  await refused.close()
})

test('createPropelAuthClient follows the same rule; its warning is a process warning', async (t) => {
  t.throws(() => createPropelAuthClient({ authUrl: 'https://auth.example.com', apiKey: API_KEY, apiBaseUrl: 'http://api.internal.example' }), {
    code: 'FST_PROPELAUTH_INVALID_OPTION',
    message: /`apiBaseUrl` must use https/
  })
  const warned = once(process, 'warning')
  const client = createPropelAuthClient({ authUrl: 'https://auth.example.com', apiKey: API_KEY, apiBaseUrl: 'http://api.internal.example', allowInsecureHttp: true })
  t.teardown(() => client.close())
  const [warning] = await warned as [Error & { code?: string }]
  t.equal(warning.code, 'FST_PROPELAUTH_INSECURE_HTTP')
  t.match(warning.message, /`apiBaseUrl` is plain HTTP \("http:\/\/api\.internal\.example"\)/)
  t.notOk(warning.message.includes(API_KEY))
})
