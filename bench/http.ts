// HTTP benchmark: every server in its own child process, loaded from this
// process with autocannon over loopback. Rounds are interleaved (each round
// loads every server once, starting from a different one each time) so that
// whatever else the machine does hits all candidates alike; every figure is a
// median over rounds, and every ratio is taken within a round.
import autocannon, { type RequestData, type Result } from 'autocannon'
import { startChild, type Child } from './child.js'
import { BENCH_ORG_ID } from './fixtures.js'
import type { ServerKind, ServerUsage } from './server.js'
import { median, rotated } from './stats.js'

export interface HttpRow {
  name: string
  kind: ServerKind
  /** `same`: one token repeated, as a real client sends; `rotating`: a new token each request. */
  tokens: 'same' | 'rotating'
  /** The token goes in the cookie `__pa_at` (with a session's `__pa_rt` beside it) rather than the Authorization header. */
  cookie?: true
  /** Set on the twin of a fastify-propelauth row that runs the plugin of another checkout (`--baseline`). */
  pluginDir?: string
}

/** Diagnostic rows, run only when named with --rows. */
export const EXTRA_ROWS: readonly HttpRow[] = [
  { name: 'bare route + a hook reading the Authorization header', kind: 'header-hook', tokens: 'same' },
  { name: 'bare route + a hook hashing the token (SHA-256) and looking it up', kind: 'hash-hook', tokens: 'same' }
]

export const HTTP_ROWS: readonly HttpRow[] = [
  { name: 'bare Fastify route (no auth)', kind: 'bare', tokens: 'same' },
  { name: 'bare route + an empty onRequest hook', kind: 'bare-hook', tokens: 'same' },
  { name: 'fastify-propelauth requireUser, cached', kind: 'propelauth-requireUser', tokens: 'same' },
  { name: 'fastify-propelauth requireOrgMemberWithMinimumRole, cached', kind: 'propelauth-minimumRole', tokens: 'same' },
  { name: 'fastify-propelauth requireUser, token in a cookie, cached', kind: 'propelauth-cookie', tokens: 'same', cookie: true },
  { name: 'fastify-propelauth session (server-run sign-in), token still valid', kind: 'propelauth-session', tokens: 'same', cookie: true },
  { name: 'fastify-propelauth requireUser, uncached (new token each request)', kind: 'propelauth-requireUser', tokens: 'rotating' },
  { name: 'fastify-propelauth requireUser, cache: false', kind: 'propelauth-nocache', tokens: 'rotating' },
  { name: '@fastify/jwt with cache', kind: 'fastify-jwt-cache', tokens: 'same' },
  { name: '@fastify/jwt without cache', kind: 'fastify-jwt', tokens: 'rotating' },
  { name: '@propelauth/node in an onRequest hook', kind: 'propelauth-node', tokens: 'rotating' }
]

export interface HttpInput {
  publicKeyPem: string
  /** Distinct valid tokens; more than any cache holds, so rotating through them always misses. */
  tokens: string[]
  rounds: number
  /** Seconds of load per server per round. */
  duration: number
  connections: number
  /** Rows to run (by kind and tokens, e.g. `propelauth-requireUser/same`); all when empty. The bare route always runs. */
  only?: string[]
  /**
   * Requests per second for every server instead of as many as possible. At a
   * fixed rate the servers' CPU per request compares work alone, without the
   * differences in batching that saturation brings.
   */
  rate?: number
  /**
   * Another checkout of this repository (with node_modules): every selected
   * fastify-propelauth row also runs with its plugin, in the same rounds, so
   * that two versions are compared under the same load.
   */
  baseline?: string
}

export interface HttpRowResult {
  name: string
  tokens: HttpRow['tokens']
  requestsPerSecond: number
  p50: number
  p99: number
  /** Server CPU while loaded, in % of one core. */
  serverCpuPercent: number
  /** Server CPU time per request, microseconds. */
  cpuMicrosPerRequest: number
  /** Median over rounds of this row's req/s over the bare route's req/s in the same round. */
  ratioToBare: number
  /** The same with requests per server CPU-second: what it costs, whatever the load generator allowed. */
  cpuNormalisedRatioToBare: number
  /** Server heap after the last round (MB). */
  heapMB: number
  /** Non-2xx responses, errors or timeouts over all rounds; must be 0. */
  failures: number
  /** Per round, for ratios between any two rows. */
  perRound: { requestsPerSecond: number[], requestsPerCpuSecond: number[] }
}

export interface HttpResult {
  rate?: number
  rounds: number
  duration: number
  connections: number
  poolSize: number
  rows: HttpRowResult[]
}

interface RoundSample {
  requestsPerSecond: number
  requestsPerCpuSecond: number
  cpuPercent: number
  cpuMicrosPerRequest: number
  p50: number
  p99: number
  failures: number
}

interface RunningServer {
  row: HttpRow
  child: Child
  url: string
  samples: RoundSample[]
  heapUsed: number
}

function percentile (sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function load (server: RunningServer, input: HttpInput, seconds: number, next: () => string): Promise<RoundSample> {
  const requests = server.row.tokens === 'rotating'
    ? [{ setupRequest: (request: RequestData): RequestData => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${next()}` } }) }]
    : undefined
  const before = await server.child.ask<ServerUsage>({ type: 'usage' })
  const latencies: number[] = []
  const started = process.hrtime.bigint()
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon({
      url: server.url,
      connections: input.connections,
      duration: seconds,
      headers: server.row.cookie === true
        ? { cookie: `__pa_at=${input.tokens[0]}; __pa_rt=bench-refresh-token` }
        : { authorization: `Bearer ${input.tokens[0]}` },
      requests,
      overallRate: input.rate
    }, (error, result) => error === null ? resolve(result) : reject(error))
    // autocannon's own histogram has 1 ms resolution; keep the exact times.
    instance.on('response', (_client, _status, _bytes, responseTime) => { latencies.push(responseTime) })
  })
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9
  const after = await server.child.ask<ServerUsage>({ type: 'usage' })
  const cpuMicros = (after.user - before.user) + (after.system - before.system)
  server.heapUsed = after.heapUsed
  const total = result.requests.total
  const sorted = Float64Array.from(latencies).sort()
  return {
    requestsPerSecond: total / result.duration,
    requestsPerCpuSecond: total / (cpuMicros / 1e6),
    cpuPercent: (cpuMicros / 1e6 / elapsedSeconds) * 100,
    cpuMicrosPerRequest: cpuMicros / total,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failures: result.non2xx + result.errors + result.timeouts
  }
}

export async function runHttp (input: HttpInput, log: (line: string) => void = () => {}): Promise<HttpResult> {
  let cursor = 0
  const next = (): string => input.tokens[cursor++ % input.tokens.length]
  const servers: RunningServer[] = []
  try {
    const only = input.only ?? []
    const selected = [...HTTP_ROWS, ...EXTRA_ROWS].filter((row, i) => i === 0 || (only.length === 0 ? HTTP_ROWS.includes(row) : only.includes(`${row.kind}/${row.tokens}`)))
    const baseline = input.baseline
    const twins = baseline === undefined
      ? []
      : selected.filter((row) => row.kind.startsWith('propelauth-') && row.kind !== 'propelauth-session').map((row) => ({ ...row, name: `${row.name} [baseline]`, pluginDir: baseline }))
    const rows = [...selected, ...twins]
    for (const row of rows) {
      const child = await startChild('./server.ts')
      const { port } = await child.ask<{ port: number }>({ type: 'start', kind: row.kind, publicKeyPem: input.publicKeyPem, pluginDir: row.pluginDir })
      servers.push({ row, child, url: `http://127.0.0.1:${port}/orgs/${BENCH_ORG_ID}/me`, samples: [], heapUsed: 0 })
    }
    // Warm-up: JIT, connection pools and caches reach their steady state before anything counts.
    for (const server of servers) await load(server, input, 1, next)
    for (let round = 0; round < input.rounds; round++) {
      for (const server of rotated(servers, round)) {
        server.samples.push(await load(server, input, input.duration, next))
      }
      log(`http round ${round + 1}/${input.rounds} done`)
    }
  } finally {
    await Promise.all(servers.map(async (server) => await server.child.close()))
  }

  const bare = servers[0].samples
  return {
    rate: input.rate,
    rounds: input.rounds,
    duration: input.duration,
    connections: input.connections,
    poolSize: input.tokens.length,
    rows: servers.map(({ row, samples, heapUsed }) => ({
      name: row.name,
      tokens: row.tokens,
      requestsPerSecond: median(samples.map((s) => s.requestsPerSecond)),
      p50: median(samples.map((s) => s.p50)),
      p99: median(samples.map((s) => s.p99)),
      serverCpuPercent: median(samples.map((s) => s.cpuPercent)),
      cpuMicrosPerRequest: median(samples.map((s) => s.cpuMicrosPerRequest)),
      ratioToBare: median(samples.map((s, i) => s.requestsPerSecond / bare[i].requestsPerSecond)),
      cpuNormalisedRatioToBare: median(samples.map((s, i) => s.requestsPerCpuSecond / bare[i].requestsPerCpuSecond)),
      heapMB: heapUsed / 2 ** 20,
      failures: samples.reduce((sum, s) => sum + s.failures, 0),
      perRound: {
        requestsPerSecond: samples.map((s) => s.requestsPerSecond),
        requestsPerCpuSecond: samples.map((s) => s.requestsPerCpuSecond)
      }
    }))
  }
}
