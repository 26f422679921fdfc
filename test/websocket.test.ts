// WebSocket upgrades through the real @fastify/websocket, opened by a real `ws`
// client over loopback: the token travels in `Sec-WebSocket-Protocol` (or the
// query string), a refused upgrade opens no connection, and an accepted one is
// closed when its token expires.
import { test, type Test } from 'tap'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import WebSocket from 'ws'
import propelAuth, { EXPIRED_CLOSE_CODE, EXPIRED_CLOSE_REASON, redactQueryParameters } from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { captureLogs, LEVEL } from './helpers/log-capture.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })

interface Server {
  app: FastifyInstance
  url: string
  /** How many times a WebSocket handler ran. */
  handled: () => number
}

async function serve (t: { teardown: (fn: () => unknown) => void }, logger: FastifyServerOptions['logger'] = false): Promise<Server> {
  const app = Fastify({ logger })
  await app.register(websocket)
  await app.register(propelAuth, testAuth.pluginOptions)
  let handled = 0
  const fromProtocol = app.auth.from({ subprotocol: 'access_token' })
  const fromQuery = app.auth.from({ query: 'access_token' })
  const hello = (socket: WebSocket, request: { user: { userId: string } | null }): void => {
    handled++
    socket.send(JSON.stringify({ user: request.user?.userId ?? null }))
  }
  app.get('/ws', { websocket: true, onRequest: fromProtocol.requireUser }, hello)
  app.get('/ws-query', { websocket: true, onRequest: fromQuery.requireUser }, hello)
  app.get('/ws-header', { websocket: true, onRequest: app.auth.requireUser }, hello)
  app.get('/query', { onRequest: fromQuery.requireUser }, async () => 'not reached')
  t.teardown(() => app.close())
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, url: base.replace('http:', 'ws:'), handled: () => handled }
}

interface Opened { socket: WebSocket, protocol: string, first: unknown }
interface Refused { status: number, headers: Record<string, string | string[] | undefined>, body: Record<string, unknown> }

/** Opens a connection and reads its first message, or reports the HTTP answer that refused the upgrade. */
async function connect (url: string, protocols: string[] = [], headers: Record<string, string> = {}): Promise<Opened | Refused> {
  return await new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers })
    socket.once('message', (data) => resolve({ socket, protocol: socket.protocol, first: JSON.parse(String(data)) }))
    socket.once('unexpected-response', (_request, response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => { text += chunk.toString() })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }))
    })
    socket.once('error', reject)
  })
}

function opened (t: Test, result: Opened | Refused): Opened {
  if ('status' in result) throw new Error(`expected the upgrade to succeed, got ${result.status} ${JSON.stringify(result.body)}`)
  t.teardown(() => result.socket.terminate())
  return result
}

function refused (result: Opened | Refused): Refused {
  if (!('status' in result)) {
    result.socket.terminate()
    throw new Error('expected the upgrade to be refused, but the connection opened')
  }
  return result
}

test('a token in Sec-WebSocket-Protocol opens the connection; the server echoes the marker, never the token', async (t) => {
  const server = await serve(t)
  const token = await testAuth.mintAccessToken({ userId: 'u-ws' })
  const result = opened(t, await connect(`${server.url}/ws`, ['access_token', token]))
  t.same(result.first, { user: 'u-ws' })
  t.equal(result.protocol, 'access_token', 'the protocol accepted is the marker')

  const withAppProtocol = opened(t, await connect(`${server.url}/ws`, ['graphql-ws', 'access_token', token]))
  t.equal(withAppProtocol.protocol, 'graphql-ws', "the app's own protocol comes first and is the one accepted")

  const header = opened(t, await connect(`${server.url}/ws-header`, [], { authorization: `Bearer ${token}` }))
  t.same(header.first, { user: 'u-ws' }, 'clients that can set headers use the Authorization header')
})

test('a refused upgrade gets the 401 of the guard, its challenge, and no connection', async (t) => {
  const server = await serve(t)
  const cases: Array<[string, string[], string, string]> = [
    ['no token', [], 'FST_PROPELAUTH_MISSING_TOKEN', 'Bearer'],
    ['the marker and no token', ['access_token'], 'FST_PROPELAUTH_INVALID_TOKEN', 'Bearer error="invalid_token", error_description="The access token is invalid"'],
    ['a bad token', ['access_token', 'a.b.c'], 'FST_PROPELAUTH_INVALID_TOKEN', 'Bearer error="invalid_token", error_description="The access token is invalid"'],
    ['an expired token', ['access_token', await testAuth.mintAccessToken({ expiresIn: -5 })], 'FST_PROPELAUTH_TOKEN_EXPIRED', 'Bearer error="invalid_token", error_description="The access token expired"']
  ]
  for (const [name, protocols, code, challenge] of cases) {
    const result = refused(await connect(`${server.url}/ws`, protocols))
    t.equal(result.status, 401, `${name}: 401`)
    t.equal(result.body.code, code, `${name}: ${code}`)
    t.equal(result.headers['www-authenticate'], challenge, `${name}: challenge`)
  }
  t.equal(server.handled(), 0, 'no handler ran')
  t.equal(server.app.websocketServer.clients.size, 0, 'no connection was opened')
})

test('a connection is closed when the token that opened it expires', async (t) => {
  const server = await serve(t)
  // Valid for one to two seconds from now (exp is a whole second).
  const token = await testAuth.mintAccessToken({ userId: 'u-short', expiresIn: 2 })
  const result = opened(t, await connect(`${server.url}/ws`, ['access_token', token]))
  t.same(result.first, { user: 'u-short' })
  const [code, reason] = await new Promise<[number, string]>((resolve) => {
    result.socket.once('close', (closeCode, closeReason) => resolve([closeCode, closeReason.toString()]))
  })
  t.equal(code, EXPIRED_CLOSE_CODE, 'closed with 1008, policy violation')
  t.equal(reason, EXPIRED_CLOSE_REASON)
  t.ok(Date.now() / 1000 >= JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp, 'not before exp')

  const long = opened(t, await connect(`${server.url}/ws`, ['access_token', await testAuth.mintAccessToken({ expiresIn: 3600 })]))
  t.equal(long.socket.readyState, WebSocket.OPEN, 'a connection whose token is valid stays open')
})

test('a token in the query string: read on upgrades only, and kept out of the request log by redactQueryParameters', async (t) => {
  const logs = captureLogs('info')
  const server = await serve(t, { ...logs.logger, serializers: { req: redactQueryParameters(['access_token']) } })
  const token = await testAuth.mintAccessToken({ userId: 'u-query' })
  const result = opened(t, await connect(`${server.url}/ws-query?room=1&access_token=${token}`))
  t.same(result.first, { user: 'u-query' })

  const plain = await fetch(`${server.url.replace('ws:', 'http:')}/query?access_token=${token}`)
  t.equal(plain.status, 401, 'a plain HTTP request does not read the query string: tokens there end up in browser history and proxies')

  const incoming = logs.lines.filter((line) => line.msg === 'incoming request')
  t.ok(incoming.length >= 2, 'Fastify logged the requests')
  t.ok(incoming.some((line) => (line.req as { url: string }).url === '/ws-query?room=1&access_token=[REDACTED]'), 'the URL is logged with the token redacted')
  t.notOk(logs.raw.some((line) => line.includes(token.split('.')[2])), 'no log line holds the token')
  t.notOk(logs.lines.some((line) => line.level === LEVEL.warn && line.msg.includes('query parameter')), 'no warning: the serializer redacts')
})

test('a query token source on an app whose log would keep the token is warned about at startup', async (t) => {
  const logs = captureLogs('info')
  const app = Fastify({ logger: logs.logger })
  await app.register(websocket)
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/ws', { websocket: true, onRequest: app.auth.from({ query: 'access_token' }).requireUser }, () => {})
  app.get('/ws2', { websocket: true, onRequest: app.auth.from({ query: 'access_token' }).requireUser }, () => {})
  t.teardown(() => app.close())
  await app.ready()
  const warnings = logs.lines.filter((line) => line.level === LEVEL.warn && line.msg.includes('`access_token`'))
  t.equal(warnings.length, 1, 'warned once')
  t.match(warnings[0].msg, /redactQueryParameters\(\['access_token'\]\)/, 'the warning says what to do')
})
