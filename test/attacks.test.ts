// The attack corpus (test/helpers/attack-corpus.ts) sent through a real Fastify
// app guarded by the plugin: every attack is refused with the right status, code
// and JSON body, the unattacked twin of a row is accepted, and a valid token still
// gets in afterwards.
import { connect } from 'node:net'
import { test } from 'tap'
import { ADMIN, buildAttackCorpus, buildTargetApp, createAttackKit, ORG } from './helpers/attack-corpus.js'

const ERROR_BODY_KEYS = ['code', 'error', 'message', 'statusCode']

test('every attack in the corpus is refused, and valid tokens still work', async (t) => {
  const kit = await createAttackKit()
  const app = await buildTargetApp(kit.testAuth.pluginOptions)
  t.teardown(() => app.close())
  const rows = await buildAttackCorpus(kit)
  t.ok(rows.length > 200, `the corpus has ${rows.length} rows`)
  const names = new Set(rows.map((row) => row.name))
  t.equal(names.size, rows.length, 'row names are unique')

  const admin = { authorization: `Bearer ${kit.adminToken}` }
  const accepted = async (): Promise<boolean> => {
    const response = await app.inject({ url: `/org/${ORG}/admin`, headers: admin })
    return response.statusCode === 200 && response.json().user_id === ADMIN.userId
  }
  t.ok(await accepted(), 'the valid Admin token is accepted before the attacks')

  for (const row of rows) {
    await t.test(row.name, async (t) => {
      const headers: Record<string, string> = { ...row.headers }
      if (row.authorization !== undefined) headers.authorization = row.authorization
      const response = await app.inject({ url: row.url, headers })
      t.equal(response.statusCode, row.status, 'status')
      t.match(response.headers['content-type'], /^application\/json/)
      const body = response.json()
      t.same(Object.keys(body).sort(), ERROR_BODY_KEYS, 'Fastify error body')
      t.equal(body.statusCode, row.status)
      t.equal(body.code, row.code, 'error code')
      const challenge = String(response.headers['www-authenticate'])
      t.match(challenge, row.status === 403 ? /^Bearer error="insufficient_scope"/ : /^Bearer/, 'RFC 6750 challenge')
      if (row.authorization !== undefined && row.authorization.length > 20) {
        const token = row.authorization.replace(/^\S+ /, '')
        t.notOk(response.body.includes(token), 'the body does not echo the token')
      }

      if (row.status === 401) {
        // optionalUser never refuses, and lets nobody in on a refused token.
        const optional = await app.inject({ url: '/optional', headers })
        t.equal(optional.statusCode, 200)
        t.same(optional.json(), { user_id: null, org_id: null }, 'optionalUser sees no user')
        // The same verdict outside routes.
        await t.rejects(app.auth.validateAccessTokenAndGetUser(row.authorization), { code: row.code, statusCode: 401 })
      }
      if (row.control !== undefined) {
        const control = await app.inject({ url: row.url, headers: { ...headers, authorization: row.control } })
        t.equal(control.statusCode, 200, 'the same request without the attack is accepted')
      }
      t.ok(await accepted(), 'a valid token is still accepted')
    })
  }

  t.equal(({} as Record<string, unknown>).org_id, undefined, 'Object.prototype is not polluted')
  t.equal(({} as Record<string, unknown>).org_id_to_org_member_info, undefined, 'Object.prototype is not polluted')
})

test('attack tokens fail the same way with the verified-token cache off', async (t) => {
  const kit = await createAttackKit()
  const app = await buildTargetApp({ ...kit.testAuth.pluginOptions, cache: false })
  t.teardown(() => app.close())
  const rows = await buildAttackCorpus(kit)
  const wrong: string[] = []
  for (const row of rows) {
    const headers: Record<string, string> = { ...row.headers }
    if (row.authorization !== undefined) headers.authorization = row.authorization
    const response = await app.inject({ url: row.url, headers })
    if (response.statusCode !== row.status || response.json().code !== row.code) wrong.push(`${row.name}: ${response.statusCode}`)
  }
  t.same(wrong, [], 'no row gets another answer')
  const ok = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: `Bearer ${kit.adminToken}` } })
  t.equal(ok.statusCode, 200)
})

test('a cached valid token does not let a look-alike through', async (t) => {
  const kit = await createAttackKit()
  const app = await buildTargetApp(kit.testAuth.pluginOptions)
  t.teardown(() => app.close())
  const [h, p, s] = kit.adminToken.split('.')
  t.equal((await app.inject({ url: '/user', headers: { authorization: `Bearer ${kit.adminToken}` } })).statusCode, 200)
  for (const variant of [`${h}.${p}.${s.slice(0, -1)}`, `${h}.${p}.${s}A`, `${h}.${p}`, `${kit.adminToken}.`, `${h}.${p}.${s}`.toLowerCase()]) {
    const response = await app.inject({ url: '/user', headers: { authorization: `Bearer ${variant}` } })
    t.equal(response.statusCode, 401)
  }
})

/** Sends one request over a raw socket and returns the status: for what `inject` cannot show (Node's header limit). */
async function rawStatus (port: number, authorization: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => { received += chunk })
    // The server may answer 431 and close before it has read the whole request.
    socket.on('error', (error: NodeJS.ErrnoException) => { if (received === '') reject(error) })
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)
      if (status === null) reject(new Error('no HTTP response'))
      else resolve(Number(status[1]))
    })
    socket.end(`GET /user HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`)
  })
}

test('over HTTP: an Authorization header beyond the server\'s header limit is refused before the plugin runs', async (t) => {
  const kit = await createAttackKit()
  const app = await buildTargetApp(kit.testAuth.pluginOptions)
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  t.equal(await rawStatus(port, `Bearer ${kit.adminToken}`), 200, 'a valid token over HTTP')
  t.equal(await rawStatus(port, `Bearer ${'a'.repeat(20 * 1024)}`), 431, 'a 20 KiB header: 431 from Node\'s parser')
  const sizeable = kit.genuine({ ...kit.claims(ADMIN), filler: 'x'.repeat(8 * 1024) })
  t.equal(await rawStatus(port, `Bearer ${sizeable}`), 200, 'a genuinely signed 11 KiB token under the limit is accepted')
  const big = kit.genuine({ ...kit.claims(ADMIN), filler: 'x'.repeat(14 * 1024) })
  t.equal(await rawStatus(port, `Bearer ${big}`), 431, 'a genuinely signed token just over the limit: 431')
  t.equal(await rawStatus(port, `Bearer ${kit.adminToken}`), 200, 'a valid token still works')
})
