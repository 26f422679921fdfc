// Cold start, as a serverless function pays it: every measurement runs in a
// fresh `node` process (no tsx, no warm module cache) that imports the BUILT
// packages by name, as an app does: fastify-propelauth resolves through its
// package.json `exports` to dist/, so `npm run build` must have run.
//
// For each candidate (fastify-propelauth, @fastify/jwt with an RS256 public key,
// @propelauth/node called from a Fastify hook) three things are timed:
// - importing the plugin in an empty process;
// - importing it once fastify is loaded (what the plugin itself adds);
// - the whole cold path of a handler: import fastify and the plugin, register
//   it with a static key, ready(), answer one guarded request carrying a valid
//   token (through inject, as serverless adapters such as @fastify/aws-lambda do).
// Plus fastify-propelauth/testing imported with fastify loaded, which test
// suites pay once per file.
//
// Rounds are interleaved (each round runs every program once, in a rotated
// order) and every ratio is taken within a round, then the median is reported.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { AUTH_URL, createKeys, ISSUER, realisticClaims, signToken } from './fixtures.js'
import { median, rotated } from './stats.js'

export type Peer = 'fastify-propelauth' | '@fastify/jwt' | '@propelauth/node'
export type Phase = 'import' | 'import-after-fastify' | 'cold-path' | 'testing-after-fastify'

interface Program {
  peer: Peer
  phase: Phase
  /** An ES module run by `node --input-type=module`; it prints the milliseconds it measured. */
  code: string
}

const IMPORT_NAME: Record<Peer, string> = {
  'fastify-propelauth': 'fastify-propelauth',
  '@fastify/jwt': '@fastify/jwt',
  '@propelauth/node': '@propelauth/node'
}

// Each program reads the key and the token from the environment and prints what
// it measured: the wall time, and the CPU time of the process (all its threads),
// which another process on the machine does not inflate as much.
const START = 'const started = performance.now(); const cpuAtStart = process.cpuUsage()'
const PRINT = `const cpu = process.cpuUsage(cpuAtStart)
process.stdout.write(JSON.stringify({ wall: performance.now() - started, cpu: (cpu.user + cpu.system) / 1000 }))`

/** Registration and a guarded route, per candidate: the least a serverless handler writes. */
const SETUP: Record<Peer, string> = {
  'fastify-propelauth': `
    const { default: propelAuth } = await import('fastify-propelauth')
    const app = Fastify()
    await app.register(propelAuth, { authUrl: env.AUTH_URL, tokenVerificationMetadata: { verifierKey: env.PEM, issuer: env.ISSUER } })
    app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ userId: request.user.userId }))`,
  '@fastify/jwt': `
    const { default: fastifyJwt } = await import('@fastify/jwt')
    const app = Fastify()
    await app.register(fastifyJwt, { secret: { public: env.PEM }, verify: { algorithms: ['RS256'], allowedIss: env.ISSUER } })
    app.get('/me', { onRequest: async (request) => { await request.jwtVerify() } }, async (request) => ({ userId: request.user.user_id }))`,
  '@propelauth/node': `
    const { initBaseAuth } = await import('@propelauth/node')
    const auth = initBaseAuth({ authUrl: env.AUTH_URL, apiKey: 'not-used', manualTokenVerificationMetadata: { verifierKey: env.PEM, issuer: env.ISSUER } })
    const app = Fastify()
    app.decorateRequest('propelUser', null)
    app.get('/me', {
      onRequest: async (request, reply) => {
        try { request.propelUser = await auth.validateAccessTokenAndGetUser(request.headers.authorization) } catch { return reply.code(401).send() }
      }
    }, async (request) => ({ userId: request.propelUser.userId }))`
}

function programs (): Program[] {
  const list: Program[] = []
  for (const peer of Object.keys(IMPORT_NAME) as Peer[]) {
    const name = IMPORT_NAME[peer]
    list.push({ peer, phase: 'import', code: `${START}\nawait import('${name}')\n${PRINT}` })
    list.push({ peer, phase: 'import-after-fastify', code: `await import('fastify')\n${START}\nawait import('${name}')\n${PRINT}` })
    list.push({
      peer,
      phase: 'cold-path',
      code: `${START}
        const env = process.env
        const { default: Fastify } = await import('fastify')
        ${SETUP[peer]}
        await app.ready()
        const response = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer ' + env.TOKEN } })
        if (response.statusCode !== 200) throw new Error('the guarded request got ' + response.statusCode + ': ' + response.body)
        ${PRINT}`
    })
  }
  list.push({
    peer: 'fastify-propelauth',
    phase: 'testing-after-fastify',
    code: `await import('fastify')\n${START}\nawait import('fastify-propelauth/testing')\n${PRINT}`
  })
  return list
}

export interface ColdStartInput {
  rounds: number
}

export interface ColdStartResult {
  rounds: number
  /** Median wall milliseconds, by `${peer} ${phase}`. */
  medians: Record<string, number>
  /** Every round's wall milliseconds, by `${peer} ${phase}`. */
  perRound: Record<string, number[]>
  /** The same, in CPU milliseconds of the child process. */
  cpuMedians: Record<string, number>
  cpuPerRound: Record<string, number[]>
}

interface Measured { wall: number, cpu: number }

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function runOnce (program: Program, env: NodeJS.ProcessEnv): Measured {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program.code], { cwd: ROOT, env, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`cold start of ${program.peer} (${program.phase}) failed (it imports dist/: was \`npm run build\` run?): ${result.stderr}`)
  const measured = JSON.parse(result.stdout) as Measured
  if (!Number.isFinite(measured.wall) || !Number.isFinite(measured.cpu)) throw new Error(`cold start of ${program.peer} (${program.phase}) printed ${result.stdout}`)
  return measured
}

export const keyOf = (peer: Peer, phase: Phase): string => `${peer} ${phase}`

export function runColdStart (input: ColdStartInput, progress: (text: string) => void = () => {}): ColdStartResult {
  const keys = createKeys()
  // Children get neither the parent's loader flags (tsx) nor anything else in NODE_OPTIONS.
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env
  const env = { ...inherited, PEM: keys.publicKeyPem, ISSUER, AUTH_URL, TOKEN: signToken(realisticClaims(), keys.privateKey) }
  const list = programs()
  // One round unrecorded: the first reads of every file from disk would count against whoever runs first.
  for (const program of list) runOnce(program, env)
  const perRound: Record<string, number[]> = Object.fromEntries(list.map((p) => [keyOf(p.peer, p.phase), []]))
  const cpuPerRound: Record<string, number[]> = Object.fromEntries(list.map((p) => [keyOf(p.peer, p.phase), []]))
  for (let round = 0; round < input.rounds; round++) {
    progress(`cold start round ${round + 1}/${input.rounds}`)
    for (const program of rotated(list, round)) {
      const { wall, cpu } = runOnce(program, env)
      perRound[keyOf(program.peer, program.phase)].push(wall)
      cpuPerRound[keyOf(program.peer, program.phase)].push(cpu)
    }
  }
  const mediansOf = (series: Record<string, number[]>): Record<string, number> =>
    Object.fromEntries(Object.entries(series).map(([key, values]) => [key, median(values)]))
  return { rounds: input.rounds, medians: mediansOf(perRound), perRound, cpuMedians: mediansOf(cpuPerRound), cpuPerRound }
}
