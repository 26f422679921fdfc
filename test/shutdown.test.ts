// Clean shutdown: app.close() stops the timers and sockets the plugin opened, a
// key refetch in flight and a retry backoff included, so the process can exit.
import { test, type Test } from 'tap'
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth from '../index.js'
import { createTestKeyPair } from '../lib/testing/mint.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { hang, json, serveKey, startFaultServer, until, type FaultServer, type Handler } from './helpers/fault-server.js'
import { TSX_CHILD_ENV } from './helpers/tsx-child.js'

const AUTH_URL = 'https://auth.shutdown.test'
const keyPair = await createTestKeyPair()
const stranger = await createTestAuth({ authUrl: AUTH_URL })

/** The key at boot, then `then` for every refetch. */
const keyThen = (then: Handler): Handler => (request, response, index) =>
  index === 0 ? serveKey(keyPair.publicKeyPem)(request, response, index) : then(request, response, index)
const retryIn5s: Handler = (_request, response) => json(response, 429, {}, { 'retry-after': '5' })

function activeResources (): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return counts
}

async function appAgainst (t: Test, server: FaultServer, options: Record<string, unknown> = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(propelAuth, { authUrl: AUTH_URL, apiKey: 'pa_shutdown', apiBaseUrl: server.url, ...options })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  await app.ready()
  return app
}

/** Sends a token of another key: 401, and a background key refetch. */
async function triggerRefetch (app: FastifyInstance): Promise<void> {
  const response = await app.inject({ url: '/me', headers: { authorization: await stranger.authorizationHeader() } })
  if (response.statusCode !== 401) throw new Error(`expected 401, got ${response.statusCode}`)
}

test('close() cancels a key refetch in flight: no socket or timer left', async (t) => {
  const server = await startFaultServer(keyThen(hang))
  t.teardown(() => server.close())
  const app = await appAgainst(t, server, { timeout: 120_000 })
  const before = activeResources()
  await triggerRefetch(app)
  await until(() => server.count() === 2, 'the refetch reaches the backend')
  // The boot fetch's connection may also be open, idle in fetch's shared keep-alive pool (unref'd), or be the one reused.
  const during = server.openConnections()
  t.ok(during >= 1, 'the refetch holds a connection')

  await app.close()
  await until(() => server.openConnections() < during, 'the connection closes', 4000).catch(() => {})
  t.equal(server.openConnections(), during - 1, 'the refetch\'s connection is closed')
  const after = activeResources()
  t.equal(after.Timeout ?? 0, before.Timeout ?? 0, 'no timer left')
  t.ok((after.TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0), 'no socket more than before')
  t.equal(server.count(), 2, 'and not retried')
})

test('close() cancels a pending retry backoff: the timer goes, no further attempt', async (t) => {
  const server = await startFaultServer(keyThen(retryIn5s))
  t.teardown(() => server.close())
  const app = await appAgainst(t, server, { retries: 3 })
  const before = activeResources()

  await triggerRefetch(app)
  await until(() => server.count() === 2, 'the refetch is answered 429')
  await until(() => (activeResources().Timeout ?? 0) > (before.Timeout ?? 0), 'the 5 s backoff is scheduled')

  await app.close()
  await until(() => (activeResources().Timeout ?? 0) <= (before.Timeout ?? 0), 'the backoff timer is cleared', 4000).catch(() => {})
  t.equal(activeResources().Timeout ?? 0, before.Timeout ?? 0, 'the backoff timer is cleared')
  t.equal(server.count(), 2, 'no attempt after close')
})

test('a process whose app is closed exits by itself, with a retry backoff cancelled', async (t) => {
  const server = await startFaultServer(keyThen(retryIn5s))
  t.teardown(() => server.close())
  const child = fork(fileURLToPath(new URL('./fixtures/shutdown-child.ts', import.meta.url)), {
    env: { ...process.env, ...TSX_CHILD_ENV, BACKEND: server.url },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  t.teardown(() => { clearTimeout(killer); child.kill('SIGKILL') })
  const messages: Array<{ event: string, data: Record<string, unknown> }> = []
  child.on('message', (message) => { messages.push(message as { event: string, data: Record<string, unknown> }) })
  const exited = new Promise<{ code: number | null, signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))

  await until(() => server.count() === 2, 'the child\'s refetch is answered 429', 12_000)
  child.send('go on')
  const { code, signal } = await exited
  clearTimeout(killer)

  t.same(messages.map((m) => m.event), ['backoff pending', 'closed'])
  t.same(messages[0]?.data, { status: 401, pending: true }, 'the refetch was waiting on its backoff when the app closed')
  t.same(messages[1]?.data, { resources: [] }, 'nothing in use after close()')
  t.equal(signal, null, 'not killed: it exited by itself')
  t.equal(code, 0)
  t.equal(server.count(), 2, 'the backoff never fired')
})
