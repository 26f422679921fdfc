import { test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../example/app.js'
import { startStandIn } from 'fastify-propelauth-standin'
import { TSX_CHILD_ENV } from './helpers/tsx-child.js'
import { untracked } from './helpers/untracked.js'

// The example of `npm start`: its routes answer 200/401/403 as PropelAuth's
// guides say, and `npm start` really starts and prints curl lines that work.

const ROOT = fileURLToPath(new URL('..', import.meta.url))

type Who = 'owner' | 'admin' | 'member' | 'outsider' | 'nobody'
const EMAILS: Record<Exclude<Who, 'nobody'>, string> = {
  owner: 'owner@acme.test',
  admin: 'admin@acme.test',
  member: 'member@acme.test',
  outsider: 'outsider@example.test'
}

// Route → expected status for each seeded user (and no token at all).
const EXPECTED: Record<string, Record<Who, number>> = {
  '/api/whoami': { owner: 200, admin: 200, member: 200, outsider: 200, nobody: 401 },
  '/api/whoami_optional': { owner: 200, admin: 200, member: 200, outsider: 200, nobody: 200 },
  '/api/org/:orgId/check': { owner: 200, admin: 200, member: 200, outsider: 403, nobody: 401 },
  '/api/org/:orgId/admin_only': { owner: 403, admin: 200, member: 403, outsider: 403, nobody: 401 },
  '/api/org/:orgId/admin_or_owner': { owner: 200, admin: 200, member: 403, outsider: 403, nobody: 401 },
  '/api/org/:orgId/billing': { owner: 200, admin: 200, member: 403, outsider: 403, nobody: 401 }
}

test('the example\'s routes answer each seeded user as the route says', async (t) => {
  const standIn = await startStandIn()
  t.teardown(() => standIn.close())
  const app = await buildApp(standIn.pluginOptions)
  t.teardown(() => app.close())
  const acme = [...standIn.state.orgs.values()][0]

  const headers: Record<Who, Record<string, string>> = { nobody: {} } as Record<Who, Record<string, string>>
  for (const [who, email] of Object.entries(EMAILS)) {
    headers[who as Who] = { authorization: `Bearer ${await standIn.createAccessToken(email)}` }
  }
  for (const [route, expected] of Object.entries(EXPECTED)) {
    for (const [who, status] of Object.entries(expected)) {
      const response = await app.inject({ url: route.replace(':orgId', acme.orgId), headers: headers[who as Who] })
      t.equal(response.statusCode, status, `${route} as ${who}: ${status}`)
    }
  }

  const member = standIn.state.findUserByEmail('member@acme.test')!
  const whoami = await app.inject({ url: '/api/whoami', headers: headers.member })
  t.same(whoami.json(), { user_id: member.userId })
  t.same((await app.inject({ url: '/api/whoami_optional' })).json(), { user_id: null })
  t.same((await app.inject({ url: '/api/whoami_optional', headers: headers.member })).json(), { user_id: member.userId })
  t.same((await app.inject({ url: `/api/org/${acme.orgId}/check`, headers: headers.member })).json(), { message: 'You are a member of Acme Inc' })
  t.equal((await app.inject({ url: '/api/org/not-an-org/check', headers: headers.owner })).statusCode, 403, 'an org nobody is in')
})

test('npm start: the example starts on a free port with the stand-in and prints curl lines that work', async (t) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...TSX_CHILD_ENV, PORT: '0', STANDIN_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }
  delete env.PROPELAUTH_AUTH_URL
  delete env.PROPELAUTH_API_KEY
  // Its own process group, so that the teardown ends the server and whatever it started.
  const child = spawn(...untracked(process.execPath, ['--import', 'tsx', 'example/server.ts']), { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = once(child, 'exit')
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid!, 'SIGTERM') } catch {}
      await exited
    }
  })

  let output = ''
  let errors = ''
  child.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString() })
  // The last curl line printed is the outsider's on /admin_or_owner.
  const printed = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (/outsider@example\.test[\s\S]*admin_or_owner[\s\S]*admin_or_owner.*\n/.test(output)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before printing its curl lines:\n${output}\n${errors.split('\n').filter((line) => !line.startsWith('npm warn')).join('\n')}`)))
  })
  await printed

  const base = /Example app on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output)
  t.ok(base, 'prints where it listens')
  t.not(base![2], '0', 'the real port, not the PORT=0 it was given')

  const curls = [...output.matchAll(/# (.+)\n\s+curl -i (\S+)(?: -H "Authorization: (Bearer \S+)")?\n/g)].map((match) => ({ label: match[1], url: match[2], authorization: match[3] }))
  t.equal(curls.length, 9, 'one line without a token, two for each of four users')
  t.ok(curls.every((curl) => curl.url.startsWith(base![1])), 'every line calls the printed address')

  for (const curl of curls) {
    const expected = /: (\d{3})$/.exec(curl.label) ?? /— (\d{3})$/.exec(curl.label)
    const response = await fetch(curl.url, { headers: curl.authorization === undefined ? {} : { authorization: curl.authorization } })
    await response.arrayBuffer()
    t.equal(String(response.status), expected?.[1], `${curl.label}`)
  }

  // The server-rendered page, on localhost (the stand-in's site): a plain visit goes to sign in.
  const ssr = /Server-rendered page .*: (http:\/\/localhost:(\d+)\/ssr)\n/.exec(output)
  t.equal(ssr?.[2], base![2], 'prints the /ssr page on the port it listens on')
  const visit = await fetch(ssr![1], { headers: { accept: 'text/html' }, redirect: 'manual' })
  t.equal(visit.status, 302)
  t.equal(visit.headers.get('location'), '/api/auth/login?return_to_path=%2Fssr', 'an unauthenticated visit is sent to sign in')

  process.kill(-child.pid!, 'SIGTERM')
  const [code, signal] = await exited
  t.ok(code === 0 || signal === 'SIGTERM', 'stops cleanly on SIGTERM')
})

test('stopping npm start with a SIGTERM to npm alone stops the server and the stand-in', async (t) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...TSX_CHILD_ENV, PORT: '0', STANDIN_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }
  delete env.PROPELAUTH_AUTH_URL
  delete env.PROPELAUTH_API_KEY
  // --ignore-scripts: the packages are built already; the build of `prestart` is not what is tested.
  const npm = spawn(...untracked('npm', ['start', '--ignore-scripts']), { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const group = npm.pid!
  const groupAlive = (): boolean => {
    try {
      process.kill(-group, 0)
      return true
    } catch {
      return false
    }
  }
  t.teardown(() => { if (groupAlive()) process.kill(-group, 'SIGKILL') })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    npm.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (/curl -i http:\/\/127\.0\.0\.1:\d+\/api\/whoami\n/.test(output)) resolve()
    })
    npm.once('exit', () => reject(new Error(`npm start exited early: ${output}`)))
  })
  const base = /curl -i (http:\/\/127\.0\.0\.1:\d+)\/api\/whoami\n/.exec(output)?.[1] ?? ''
  t.equal((await fetch(`${base}/api/whoami`)).status, 401, 'it serves')

  process.kill(group, 'SIGTERM')
  const deadline = Date.now() + 10_000
  while (groupAlive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  t.notOk(groupAlive(), 'npm, the shell and the server are all gone')
  await t.rejects(fetch(`${base}/api/whoami`), 'nothing listens any more')
})
