// `npm run load`: the example app under sustained load, with a mix of valid,
// expired, forged, tampered and missing tokens, and end-user API keys (valid,
// revoked half-way through the run, bogus: a new one on every request, or the
// same one again), at the highest rate autocannon can drive on this machine. Every response is checked against the decision it should
// carry (status, error code, user); memory is sampled after a forced GC. The run
// fails (exit code 1) on any 5xx, any wrong decision, any transport error, or heap
// growth. The summary is printed and written to bench/RESULTS.md under `## Load`.
//
// The example app (example/app.ts, against the PropelAuth stand-in, as `npm start`
// runs it) lives in a child process of its own; this process only generates load.
//
// Environment: LOAD_DURATION (seconds, default 60), LOAD_CONNECTIONS (default 64).
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const SERVE = process.argv.includes('--serve')

// --- the server: example app and stand-in, in the child ------------------------------

interface Served {
  port: number
  orgId: string
  users: Record<'owner' | 'admin' | 'member' | 'outsider', string>
  tokens: Record<'owner' | 'admin' | 'member' | 'outsider' | 'expired' | 'forged' | 'tampered', string>
  /** Org API keys made for the run, and what GET /api/v1/org answers for each while it is valid. */
  apiKeys: Record<'valid' | 'revoked', { token: string, answer: string }>
}

interface MemorySample { heapUsed: number, rss: number }

async function serve (): Promise<void> {
  const { startStandIn } = await import('fastify-propelauth-standin')
  const { createTestAuth } = await import('../lib/testing/index.js')
  const { buildApp } = await import('../example/app.js')
  const standIn = await startStandIn()
  const app = await buildApp(standIn.pluginOptions, { logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })

  const org = [...standIn.state.orgs.values()][0]
  const userId = (email: string): string => {
    const user = standIn.state.findUserByEmail(email)
    if (user === undefined) throw new Error(`load: the stand-in's seed has no ${email}`)
    return user.userId
  }
  const users = {
    owner: userId('owner@acme.test'),
    admin: userId('admin@acme.test'),
    member: userId('member@acme.test'),
    outsider: userId('outsider@example.test')
  }
  const token = async (email: string): Promise<string> => await standIn.createAccessToken(email, { durationInMinutes: 120 })
  const member = await token('member@acme.test')
  // A key PropelAuth never had, with the right issuer: only the signature is wrong.
  const forger = await createTestAuth({ authUrl: standIn.authUrl })
  const [header, , signature] = member.split('.')
  const raisedClaims = JSON.parse(Buffer.from(member.split('.')[1], 'base64url').toString()) as Record<string, unknown>
  for (const info of Object.values(raisedClaims.org_id_to_org_member_info as Record<string, Record<string, unknown>>)) {
    info.user_role = 'Owner'
    info.inherited_user_roles_plus_current_role = ['Owner', 'Admin', 'Member']
  }
  // Two org API keys, made through the plugin as the example's POST /api/org/:orgId/api_keys does.
  const apiKey = async (createdBy: string): Promise<{ token: string, answer: string, apiKeyId: string }> => {
    const { apiKeyId, apiKeyToken } = await app.auth.createApiKey({ orgId: org.orgId, metadata: { createdBy } })
    return { token: apiKeyToken, apiKeyId, answer: JSON.stringify({ orgId: org.orgId, orgName: org.name, createdBy }) }
  }
  const validKey = await apiKey('load: valid')
  const revokedKey = await apiKey('load: revoked mid-run')
  const served: Served = {
    port: (app.server.address() as { port: number }).port,
    orgId: org.orgId,
    users,
    tokens: {
      owner: await token('owner@acme.test'),
      admin: await token('admin@acme.test'),
      member,
      outsider: await token('outsider@example.test'),
      expired: await standIn.mintAccessToken({ userId: users.member, expiresIn: -60 }),
      forged: await forger.mintAccessToken({ userId: users.owner, orgs: [{ orgId: org.orgId, orgName: org.name, role: 'Owner' }] }),
      // The Member's token, raised to Owner, with the original signature.
      tampered: `${header}.${Buffer.from(JSON.stringify(raisedClaims)).toString('base64url')}.${signature}`
    },
    apiKeys: {
      valid: { token: validKey.token, answer: validKey.answer },
      revoked: { token: revokedKey.token, answer: revokedKey.answer }
    }
  }

  const gc = (globalThis as { gc?: () => void }).gc
  process.on('message', (message: { type: string }) => {
    if (message.type === 'sample') {
      gc?.()
      const { heapUsed, rss } = process.memoryUsage()
      process.send?.({ type: 'sample', heapUsed, rss } satisfies MemorySample & { type: string })
    } else if (message.type === 'revoke') {
      app.auth.deleteApiKey(revokedKey.apiKeyId).then(
        (archived) => process.send?.({ type: 'revoked', archived }),
        (error: unknown) => process.send?.({ type: 'revoked', archived: false, error: String(error) })
      )
    } else if (message.type === 'stop') {
      app.close().then(async () => { await standIn.close() }).finally(() => process.exit(0))
    }
  })
  process.send?.({ type: 'ready', served })
}

// --- the load generator ---------------------------------------------------------------

/** Where the revocation of the `revoked` API key stands when a request is sent. */
type Phase = 'before' | 'revoking' | 'after'

interface LoadClass {
  name: string
  /** Share of the requests, in request-list slots. */
  weight: number
  path: string
  authorization?: string
  /** A new Authorization value for every request (a bogus API key never seen before). */
  freshAuthorization?: () => string
  status: number
  /** What the body must contain: an error code, or the exact JSON of a success. */
  body: string
  exact?: boolean
  /** The decision by the phase the request was sent in; replaces `status` and `body` where given. */
  byPhase?: Partial<Record<Phase, { status: number, body: string, exact?: boolean }>>
}

function classesFor (s: Served): LoadClass[] {
  const org = `/api/org/${s.orgId}`
  const bearer = (token: string): string => `Bearer ${token}`
  return [
    { name: 'valid: whoami', weight: 4, path: '/api/whoami', authorization: bearer(s.tokens.member), status: 200, body: JSON.stringify({ user_id: s.users.member }), exact: true },
    { name: 'valid: Owner on min-Admin route', weight: 2, path: `${org}/admin_or_owner`, authorization: bearer(s.tokens.owner), status: 200, body: 'You are at least an Admin of' },
    { name: 'valid: Admin on exact-Admin route', weight: 2, path: `${org}/admin_only`, authorization: bearer(s.tokens.admin), status: 200, body: 'You are an Admin of' },
    { name: 'valid: optional user', weight: 1, path: '/api/whoami_optional', authorization: bearer(s.tokens.admin), status: 200, body: JSON.stringify({ user_id: s.users.admin }), exact: true },
    { name: 'forbidden: Member on min-Admin route', weight: 2, path: `${org}/admin_or_owner`, authorization: bearer(s.tokens.member), status: 403, body: '"code":"FST_PROPELAUTH_INSUFFICIENT_ROLE"' },
    { name: 'forbidden: outsider on org route', weight: 1, path: `${org}/check`, authorization: bearer(s.tokens.outsider), status: 403, body: '"code":"FST_PROPELAUTH_NOT_ORG_MEMBER"' },
    { name: 'expired', weight: 2, path: '/api/whoami', authorization: bearer(s.tokens.expired), status: 401, body: '"code":"FST_PROPELAUTH_TOKEN_EXPIRED"' },
    { name: 'forged (other key)', weight: 2, path: `${org}/admin_or_owner`, authorization: bearer(s.tokens.forged), status: 401, body: '"code":"FST_PROPELAUTH_INVALID_TOKEN"' },
    { name: 'tampered (Member raised to Owner)', weight: 1, path: `${org}/admin_or_owner`, authorization: bearer(s.tokens.tampered), status: 401, body: '"code":"FST_PROPELAUTH_INVALID_TOKEN"' },
    { name: 'forged on optional route', weight: 1, path: '/api/whoami_optional', authorization: bearer(s.tokens.forged), status: 200, body: '{"user_id":null}', exact: true },
    { name: 'missing', weight: 2, path: '/api/whoami', status: 401, body: '"code":"FST_PROPELAUTH_MISSING_TOKEN"' },
    { name: 'api key: valid (org key)', weight: 3, path: '/api/v1/org', authorization: bearer(s.apiKeys.valid.token), status: 200, body: s.apiKeys.valid.answer, exact: true },
    {
      name: 'api key: revoked mid-run',
      weight: 2,
      path: '/api/v1/org',
      authorization: bearer(s.apiKeys.revoked.token),
      status: 200,
      body: s.apiKeys.revoked.answer,
      exact: true,
      // Sent while deleteApiKey is in flight, either answer is right; sent once it has resolved, only the refusal.
      byPhase: { revoking: { status: 0, body: '' }, after: { status: 401, body: '"code":"FST_PROPELAUTH_INVALID_API_KEY"' } }
    },
    { name: 'api key: bogus, new each time', weight: 1, path: '/api/v1/org', freshAuthorization: () => bearer(`bogus_${randomBytes(16).toString('hex')}`), status: 401, body: '"code":"FST_PROPELAUTH_INVALID_API_KEY"' },
    { name: 'api key: bogus, the same again', weight: 1, path: '/api/v1/org', authorization: bearer('bogus_always_the_same_0123456789abcdef'), status: 401, body: '"code":"FST_PROPELAUTH_INVALID_API_KEY"' }
  ]
}

/** Whether a response carries the decision `c` demands of a request sent in `phase`. */
function isRight (c: LoadClass, phase: Phase, status: number, body: string): boolean {
  const expected = c.byPhase?.[phase] ?? c
  if (phase === 'revoking' && c.byPhase?.revoking !== undefined) {
    return isRight(c, 'before', status, body) || isRight(c, 'after', status, body)
  }
  return status === expected.status && (expected.exact === true ? body === expected.body : body.includes(expected.body))
}

interface Tally { total: number, wrong: number, serverErrors: number, example?: string }

interface AutocannonResult {
  duration: number
  errors: number
  timeouts: number
  requests: { average: number, total: number, max: number, min: number }
  latency: { average: number, p50: number, p99: number, max: number }
  statusCodeStats: Record<string, { count: number }>
}
type AutocannonRun = ((options: Record<string, unknown>, callback: (error: Error | null, result: AutocannonResult) => void) => unknown)

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function generateLoad (): Promise<void> {
  const duration = Number(process.env.LOAD_DURATION ?? 60)
  const connections = Number(process.env.LOAD_CONNECTIONS ?? 64)
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  // Each reply goes to the first waiter for its type (a revocation may answer after a
  // memory sample asked later); one exit listener fails whatever is still waiting.
  const waiting: Array<{ type: string, resolve: (message: unknown) => void, reject: (error: Error) => void }> = []
  child.on('message', (message: { type: string }) => {
    const index = waiting.findIndex((waiter) => waiter.type === message.type)
    if (index !== -1) waiting.splice(index, 1)[0].resolve(message)
  })
  child.once('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`load: the server process exited (${code})`))
  })
  const next = async <T>(type: string): Promise<T> => await new Promise<T>((resolve, reject) => {
    waiting.push({ type, resolve: (message) => resolve(message as T), reject })
  })
  const ask = async <T>(type: string, replyType = type): Promise<T> => {
    const reply = next<T>(replyType)
    child.send({ type })
    return await reply
  }

  try {
    const { served } = await next<{ served: Served }>('ready')
    const classes = classesFor(served)
    const tallies = new Map<string, Tally>(classes.map((c) => [c.name, { total: 0, wrong: 0, serverErrors: 0 }]))

    let phase: Phase = 'before'
    const sentByPhase: Record<Phase, number> = { before: 0, revoking: 0, after: 0 }
    // One request object per slot, so that autocannon reports each response with the request it answers.
    // autocannon sends one request at a time per connection and builds it (setupRequest) just
    // before sending; `context` is the connection's, so it still holds the phase of the
    // request when its response arrives.
    const requests = classes.flatMap((c) => Array.from({ length: c.weight }, () => ({
      method: 'GET',
      path: `${c.path}${c.path.includes('?') ? '&' : '?'}load_class=${encodeURIComponent(c.name)}`,
      headers: { 'x-load-class': c.name, ...(c.authorization === undefined ? {} : { authorization: c.authorization }) },
      setupRequest: (request: { headers: Record<string, string> }, context: { phase?: Phase }) => {
        context.phase = phase
        if (c.byPhase !== undefined) sentByPhase[phase]++
        if (c.freshAuthorization !== undefined) request.headers = { ...request.headers, authorization: c.freshAuthorization() }
        return request
      },
      onResponse: (status: number, body: string, context: { phase?: Phase }) => {
        const tally = tallies.get(c.name) as Tally
        tally.total++
        if (status >= 500) tally.serverErrors++
        const ok = isRight(c, context.phase ?? 'before', status, body)
        if (!ok) {
          tally.wrong++
          tally.example ??= `${status} ${body.slice(0, 200)}`
        }
      }
    })))
    // Shuffle the slots once, deterministically, so classes interleave on every connection.
    for (let i = requests.length - 1, seed = 7; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      const j = seed % (i + 1)
      ;[requests[i], requests[j]] = [requests[j], requests[i]]
    }

    const loadBefore = loadavg().map((value) => value.toFixed(2)).join(' / ')
    const baseline = await ask<MemorySample>('sample')
    const samples: Array<MemorySample & { at: number }> = []
    const started = Date.now()
    const stopSampling = new AbortController()
    const sampler = (async () => {
      for (;;) {
        await sleep(5000, undefined, { signal: stopSampling.signal }).catch(() => {})
        if (stopSampling.signal.aborted) return
        samples.push({ ...await ask<MemorySample>('sample'), at: Math.round((Date.now() - started) / 1000) })
      }
    })()

    const { default: autocannon } = await import('autocannon') as unknown as { default: AutocannonRun }
    console.log(`load: ${duration} s, ${connections} connections, against the example app on 127.0.0.1:${served.port} (${classes.length} request classes)…`)
    const running = new Promise<AutocannonResult>((resolve, reject) => {
      autocannon({ url: `http://127.0.0.1:${served.port}`, connections, duration, requests }, (error, res) => error === null ? resolve(res) : reject(error))
    })
    // Half-way through, the `revoked` key is archived through app.auth.deleteApiKey, under load.
    const revocation = (async () => {
      await sleep(duration * 500)
      phase = 'revoking'
      const reply = await ask<{ archived: boolean, error?: string }>('revoke', 'revoked')
      phase = 'after'
      return reply
    })()
    const result = await running
    const revoked = await revocation
    stopSampling.abort()
    await sampler
    const final = await ask<MemorySample>('sample')

    // --- verdict ---
    const rows = [...tallies.entries()]
    const checked = rows.reduce((sum, [, t]) => sum + t.total, 0)
    const wrong = rows.reduce((sum, [, t]) => sum + t.wrong, 0)
    const serverErrors = rows.reduce((sum, [, t]) => sum + t.serverErrors, 0)
    const warm = samples.filter((s) => s.at >= Math.min(15, duration / 4))
    const firstHalf = warm.slice(0, Math.max(1, Math.floor(warm.length / 2)))
    const secondHalf = warm.slice(Math.floor(warm.length / 2))
    const heapEarly = firstHalf.length > 0 ? median(firstHalf.map((s) => s.heapUsed)) : baseline.heapUsed
    const heapLate = secondHalf.length > 0 ? median(secondHalf.map((s) => s.heapUsed)) : final.heapUsed
    const growth = heapLate - heapEarly
    // Stable: the retained heap (after GC) of the second half of the run is within 5 MB of the first half's.
    const memoryStable = growth < 5 * 1024 * 1024
    // The revocation must have happened, with requests of the revoked key sent on both sides of it.
    const revocationSeen = revoked.archived && sentByPhase.before > 0 && sentByPhase.after > 0
    const passed = wrong === 0 && serverErrors === 0 && result.errors === 0 && result.timeouts === 0 && checked > 0 && memoryStable && revocationSeen

    const cpu = cpus()[0]?.model ?? 'unknown CPU'
    const lines = [
      '## Load',
      '',
      `\`npm run load\` (bench/load.ts): the example app (example/app.ts against the PropelAuth stand-in, as \`npm start\` runs it) in its own process, loaded by autocannon from another process with ${connections} connections for ${result.duration.toFixed(0)} s, with every response checked against the decision it should carry.`,
      '',
      `Run on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${availableParallelism()} CPUs (${cpu}), load generator and server sharing them; load average ${loadBefore} before the run. Throughput depends on what else the machine runs; the decisions and the heap must not.`,
      '',
      '| result | value |',
      '|---|---|',
      `| verdict | **${passed ? 'PASS' : 'FAIL'}** |`,
      `| requests checked | ${checked.toLocaleString('en-US')} |`,
      `| throughput | ${Math.round(result.requests.average).toLocaleString('en-US')} req/s average (min ${result.requests.min.toLocaleString('en-US')}, max ${result.requests.max.toLocaleString('en-US')} per second) |`,
      `| latency | p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms |`,
      `| wrong decisions | ${wrong} |`,
      `| API key revoked mid-run | ${revoked.archived ? 'archived' : `NOT archived (${revoked.error ?? 'deleteApiKey answered false'})`} after ${Math.round(duration / 2)} s; its requests sent before: ${sentByPhase.before.toLocaleString('en-US')} (200 expected), while deleteApiKey ran: ${sentByPhase.revoking.toLocaleString('en-US')} (either), after: ${sentByPhase.after.toLocaleString('en-US')} (401 expected) |`,
      `| 5xx responses | ${serverErrors} |`,
      `| connection errors / timeouts | ${result.errors} / ${result.timeouts} |`,
      `| server heap after GC | ${mb(baseline.heapUsed)} before, ${mb(heapEarly)} early (median), ${mb(heapLate)} late (median), ${mb(final.heapUsed)} after; growth ${mb(growth)} (${memoryStable ? 'stable' : 'NOT stable'}: limit 5 MB) |`,
      `| server RSS | ${mb(baseline.rss)} before, ${mb(final.rss)} after |`,
      '',
      '| class | share | expected | responses | wrong |',
      '|---|---|---|---|---|',
      ...classes.map((c) => {
        const t = tallies.get(c.name) as Tally
        const decision = (status: number, body: string): string => `${status}${status === 200 ? '' : ` ${body.replace(/"code":"|"/g, '')}`}`
        const after = c.byPhase?.after
        const expected = after === undefined ? decision(c.status, c.body) : `${decision(c.status, c.body)}, then ${decision(after.status, after.body)}`
        return `| ${c.name} | ${c.weight}/${requests.length} | ${expected} | ${t.total.toLocaleString('en-US')} | ${t.wrong}${t.example === undefined ? '' : ` (e.g. ${t.example.replace(/\|/g, '\\|')})`} |`
      }),
      '',
      `Heap samples (s: MB after GC): ${samples.map((s) => `${s.at}: ${(s.heapUsed / 1024 / 1024).toFixed(1)}`).join(', ')}.`,
      ''
    ]
    const section = lines.join('\n')
    console.log(`\n${section}`)
    if (duration >= 60) {
      await writeResults(section)
      console.log('load: summary written to bench/RESULTS.md under "## Load"')
    } else {
      console.log('load: a run shorter than 60 s is not written to bench/RESULTS.md')
    }
    process.exitCode = passed ? 0 : 1
  } finally {
    if (child.exitCode === null) {
      child.send({ type: 'stop' })
      await new Promise((resolve) => child.once('exit', resolve))
    }
  }
}

/** Replaces the `## Load` section of bench/RESULTS.md, or appends it; the rest of the file is left as it is. */
async function writeResults (section: string): Promise<void> {
  const file = fileURLToPath(new URL('./RESULTS.md', import.meta.url))
  const current = await readFile(file, 'utf8').catch(() => '')
  const start = current.search(/^## Load\s*$/m)
  let next: string
  if (start === -1) {
    next = current === '' ? `# Results\n\n${section}` : `${current.replace(/\s*$/, '\n\n')}${section}`
  } else {
    const after = current.slice(start + 1).search(/^## /m)
    const end = after === -1 ? current.length : start + 1 + after
    next = `${current.slice(0, start)}${section}${after === -1 ? '' : `\n${current.slice(end)}`}`
  }
  await writeFile(file, next)
}

if (SERVE) await serve()
else await generateLoad()
