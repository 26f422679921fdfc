// The edges of token sources, WebSocket expiry, log redaction, composition and
// deny by default that the feature tests do not reach through a whole app.
import { test } from 'tap'
import { EventEmitter } from 'node:events'
import cookie from '@fastify/cookie'
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify'
import propelAuth from '../index.js'
import { composed } from '../lib/route-policy/composition.js'
import { logsQueryParameter, redactQueryParameters, redactUrl } from '../lib/sources/redact-query-parameters.js'
import { checkLogLevel } from '../lib/guards/refusal-log.js'
import { closeConnectionAtExpiry, EXPIRED_CLOSE_CODE } from '../lib/guards/websocket-expiry.js'
import { createTestAuth } from '../lib/testing/index.js'
import { captureLogs, LEVEL } from './helpers/log-capture.js'
import { readyError } from './helpers/ready-error.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const whoami = async (request: { user: { userId: string } | null }): Promise<unknown> => ({ user: request.user?.userId ?? null })

test('redactUrl replaces only the named parameters, and keeps the rest as it came', async (t) => {
  const names = new Set(['access_token'])
  t.equal(redactUrl('/live', names), '/live', 'no query string')
  t.equal(redactUrl('/live?a=1&access_token=abc.def.ghi&b', names), '/live?a=1&access_token=[REDACTED]&b')
  t.equal(redactUrl('/live?access%5Ftoken=abc#frag', names), '/live?access%5Ftoken=[REDACTED]#frag', 'an encoded name, and a fragment kept')
  t.equal(redactUrl('/live?%E0%A4%A=x&access_token', names), '/live?%E0%A4%A=x&access_token=[REDACTED]', 'a name that does not decode, and a name with no value')
  const serialize = redactQueryParameters()
  t.same(serialize({ method: 'GET', url: '/x?access_token=t', headers: { 'accept-version': '1' }, host: 'h', ip: '1.2.3.4', socket: { remotePort: 9 } }),
    { method: 'GET', url: '/x?access_token=[REDACTED]', version: '1', host: 'h', remoteAddress: '1.2.3.4', remotePort: 9 })
  t.same(serialize({ method: 'GET' }), { method: 'GET', url: undefined, version: undefined, host: undefined, remoteAddress: undefined, remotePort: undefined })
})

test('logsQueryParameter: which loggers would write a query token', async (t) => {
  const silent = Fastify({ logger: { level: 'silent' } })
  const plain = Fastify({ logger: { level: 'info' } })
  const other = Fastify({ logger: { level: 'info', serializers: { req: redactQueryParameters(['token']) } } })
  const ours = Fastify({ logger: { level: 'info', serializers: { req: redactQueryParameters(['access_token']) } } })
  t.teardown(async () => { await Promise.all([silent, plain, other, ours].map(async (app) => await app.close())) })
  t.notOk(logsQueryParameter(silent.log, 'access_token'), 'a silent logger writes nothing')
  t.ok(logsQueryParameter(plain.log, 'access_token'), "Fastify's own serializer writes the URL")
  t.ok(logsQueryParameter(other.log, 'access_token'), 'ours, redacting another name')
  t.notOk(logsQueryParameter(ours.log, 'access_token'), 'ours, redacting this one')
  const notPino = { level: 'info' } as unknown as FastifyBaseLogger
  t.notOk(logsQueryParameter(notPino, 'access_token'), 'a logger that is not pino: no way to tell, no warning')
})

test('closeConnectionAtExpiry: deadlines per connection, none for what it cannot read', async (t) => {
  const server = new EventEmitter()
  const raw = {}
  const request = (rawRequest: object): FastifyRequest => ({ server: { websocketServer: server }, raw: rawRequest }) as unknown as FastifyRequest
  const socket = (): { closed: Array<[number, string]>, close: (code: number, reason: string) => void, once: (event: 'close', listener: () => void) => void, end: () => void } => {
    const events = new EventEmitter()
    const closed: Array<[number, string]> = []
    return { closed, close: (code, reason) => { closed.push([code, reason]) }, once: (event, listener) => { events.once(event, listener) }, end: () => { events.emit('close') } }
  }

  closeConnectionAtExpiry(({ server: {}, raw }) as unknown as FastifyRequest, 'a.b.c', 0)
  t.equal(server.listenerCount('connection'), 0, 'no WebSocket server: nothing to watch')
  closeConnectionAtExpiry(request(raw), 'not-a-jwt', 0)
  closeConnectionAtExpiry(request(raw), undefined, 0)
  const ignored = socket()
  server.emit('connection', ignored, raw)
  t.same(ignored.closed, [], 'a token whose exp cannot be read sets no deadline')

  const expiredRaw = {}
  closeConnectionAtExpiry(request(expiredRaw), await testAuth.mintAccessToken({ expiresIn: -10 }), 5)
  const late = socket()
  server.emit('connection', late, expiredRaw)
  t.same(late.closed, [[EXPIRED_CLOSE_CODE, 'access token expired']], 'already past exp + tolerance: closed at once')

  const farRaw = {}
  closeConnectionAtExpiry(request(farRaw), await testAuth.mintAccessToken({ expiresIn: 60 * 60 * 24 * 40 }), 0)
  const far = socket()
  server.emit('connection', far, farRaw)
  t.same(far.closed, [], 'forty days ahead: a timer longer than Node allows is chained, not fired')
  far.end()
  t.equal(server.listenerCount('connection'), 1, 'one listener per server, whatever the number of upgrades')
})

test('optionalUser on an upgrade request without @fastify/websocket, and sources that find nothing', async (t) => {
  const app = Fastify()
  await app.register(cookie)
  await app.register(propelAuth, { ...testAuth.pluginOptions, tokenFrom: [{ subprotocol: 'access_token' }, { query: 'access_token' }, (request) => request.headers['x-token'] === 'empty' ? '' : undefined] })
  app.get('/maybe', { onRequest: app.auth.optionalUser }, whoami)
  app.get('/me', { onRequest: app.auth.requireUser }, whoami)
  const fromHeader = app.auth.from('authorization')
  app.get('/header-upgrade', { onRequest: fromHeader.optionalUser }, whoami)
  t.teardown(() => app.close())
  const token = await testAuth.mintAccessToken({ userId: 'u-up' })
  const upgrade = { upgrade: 'websocket', connection: 'upgrade' }
  t.same((await app.inject({ url: `/maybe?access_token=${token}`, headers: upgrade })).json(), { user: null }, 'without @fastify/websocket nothing is upgraded: a query token is not read')
  t.same((await app.inject({ url: '/header-upgrade', headers: { ...upgrade, authorization: `Bearer ${token}` } })).json(), { user: 'u-up' }, 'no WebSocket server to watch: nothing else happens')
  const protocolWithoutUpgrade = await app.inject({ url: '/me', headers: { 'sec-websocket-protocol': `access_token, ${token}` } })
  t.equal(protocolWithoutUpgrade.statusCode, 401, 'Sec-WebSocket-Protocol is read on upgrades only')
  const otherProtocol = await app.inject({ url: '/me', headers: { ...upgrade, 'sec-websocket-protocol': 'graphql-ws' } })
  t.equal(otherProtocol.json().code, 'FST_PROPELAUTH_MISSING_TOKEN', 'protocols without the marker')
  const empty = await app.inject({ url: '/me', headers: { 'x-token': 'empty' } })
  t.equal(empty.json().code, 'FST_PROPELAUTH_MISSING_TOKEN', 'a function returning an empty string: no token')
})

test('cookies when no @fastify/cookie hook ran: parsed by its parser, or none at all', async (t) => {
  const withParser = Fastify()
  await withParser.register(propelAuth, { ...testAuth.pluginOptions, tokenFrom: { cookie: '__pa_at' }, denyByDefault: true })
  await withParser.register(cookie)
  withParser.get('/me', whoami)
  t.teardown(() => withParser.close())
  t.equal((await withParser.inject({ url: '/me' })).json().code, 'FST_PROPELAUTH_MISSING_TOKEN', 'no Cookie header')

  const none = Fastify()
  await none.register(propelAuth, testAuth.pluginOptions)
  await none.register(async (scope) => {
    // A hook added without protect: the plugin cannot see it, so it cannot ask for @fastify/cookie.
    scope.addHook('onRequest', none.auth.from({ cookie: '__pa_at' }).requireUser)
    scope.get('/me', whoami)
  })
  t.teardown(() => none.close())
  const response = await none.inject({ url: '/me', headers: { cookie: `__pa_at=${await testAuth.mintAccessToken()}` } })
  t.equal(response.json().code, 'FST_PROPELAUTH_MISSING_TOKEN', 'no parser at all: no cookie, a 401 and not a 500')
})

test('deny by default: routes with hooks of their own, trailing-slash public paths, no request log', async (t) => {
  const logs = captureLogs('info')
  const app = Fastify({ logger: logs.logger, disableRequestLogging: true })
  await app.register(propelAuth, { ...testAuth.pluginOptions, denyByDefault: { publicPaths: ['/public/'] } })
  const seen: string[] = []
  const mark = (name: string) => async (): Promise<void> => { seen.push(name) }
  app.get('/one', { onRequest: mark('one') }, whoami)
  app.get('/two', { onRequest: [mark('two-a'), mark('two-b')] }, whoami)
  app.get('/public/page', whoami)
  app.get('/ws', { onRequest: app.auth.from({ query: 'access_token' }).requireUser }, whoami)
  t.teardown(() => app.close())
  await app.ready()
  t.equal((await app.inject({ url: '/one' })).statusCode, 401)
  t.equal((await app.inject({ url: '/two' })).statusCode, 401)
  t.same(seen, [], 'the default guard runs before the route\'s own hooks')
  t.equal((await app.inject({ url: '/one', headers: { authorization: await testAuth.authorizationHeader() } })).statusCode, 200)
  t.same(seen, ['one'])
  t.equal((await app.inject({ url: '/public/page' })).statusCode, 200, 'a public path written with a trailing slash')
  t.notOk(logs.lines.some((line) => line.level === LEVEL.warn), 'no request log, so no warning about query tokens')
})

test('composed() and option checks the feature tests leave out', async (t) => {
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  t.teardown(() => app.close())
  const inner = composed(() => {}, { anyOf: [app.auth.optionalUser, 'partner'] })
  const outer = composed(() => {}, { allOf: [inner, app.auth.requireOrgMember()] })
  t.ok(outer, 'a composition may name another one')
  t.throws(() => composed(outer, { anyOf: ['x'] }), { message: /already tagged/ })
  t.throws(() => composed(() => {}, null as never), { message: /expects \{ anyOf: \[\.\.\.\] \} or \{ allOf: \[\.\.\.\] \}/ })
  t.throws(() => composed(() => {}, { anyOf: ['x'], relation: 'or' } as never), { message: /unknown option `relation`; composed\(hook, \{ anyOf \| allOf \}\) takes anyOf, allOf/ })
  t.throws(() => app.auth.denyByDefault(app, 'requireUser' as never), { message: /denyByDefault\(scope, guard\) expects one of the guards of app.auth/ })
  t.throws(() => checkLogLevel('logLevels.refusals', 3, 'debug'), { message: /\(got number\)/ })
  t.match(await readyError({ ...testAuth.pluginOptions, logLevels: 'debug' }), { message: /option `logLevels` must be \{ refusals, unprotectedRoutes \}/ })
})
