// In-process micro-benchmark, run in a child process of its own: one verification
// of a realistic token by each candidate, in interleaved rounds. Uncached
// candidates (the floor included) all go through the same pool of distinct
// tokens in the same order, as a server sees them when every request brings a
// new token; the cache-hit candidates repeat one token.
//
// The floor is `crypto.verify('sha256', …)` on each token's signing input with a
// KeyObject made once, its inputs decoded beforehand: every RS256 verifier has
// to pay at least that.
import { verify } from 'node:crypto'
import { initBaseAuth } from '@propelauth/node'
import { createVerifier } from 'fast-jwt'
import { jwtVerify } from 'jose'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { createGuards } from '../lib/guards/token-guards.js'
import { DEFAULT_REQUEST_DECORATORS } from '../lib/options/declared-names.js'
import { createRefusalLog } from '../lib/guards/refusal-log.js'
import { requestSlots } from '../lib/guards/request-slots.js'
import { resolveTokenFrom } from '../lib/sources/resolve-token-from.js'
import { Rejection } from '../lib/token/rejection.js'
import { RevokedTokens } from '../lib/token/revoked-tokens.js'
import { TokenVerifier } from '../lib/token/verifier.js'
import { serveParent } from './child.js'
import { BENCH_ORG_ID, ISSUER, AUTH_URL, publicKeyFromPem } from './fixtures.js'
import { median } from './stats.js'

export interface MicroInput {
  publicKeyPem: string
  /** Distinct valid tokens, more than the plugin's default cache holds. */
  tokens: string[]
  rounds: number
  /** Wall time each candidate runs per round. */
  msPerRound: number
}

export interface MicroCandidateResult {
  name: string
  note: string
  /** Median microseconds per verification over the rounds. */
  microseconds: number
  /** Median over rounds of (this candidate's time / the floor's time in the same round). */
  timesFloor: number
  /** Median over rounds of (fast-jwt's time / this candidate's time in the same round): above 1 is faster than fast-jwt. */
  speedVsFastJwt: number
}

export interface MicroResult {
  rounds: number
  tokenBytes: number
  candidates: MicroCandidateResult[]
}

export const FAST_JWT = 'fast-jwt (@fastify/jwt), no cache'

interface Candidate {
  name: string
  note: string
  /** Verifies once; returns the verified user id so that the work cannot be optimised away. */
  run: (i: number) => unknown
  async: boolean
}

function userIdOf (value: unknown): string {
  if (value instanceof Rejection) throw new Error(`rejected: ${value.reason}`)
  const record = value as { userId?: unknown, user_id?: unknown, payload?: { user_id?: unknown } }
  const id = record.userId ?? record.user_id ?? record.payload?.user_id
  if (typeof id !== 'string') throw new Error('no user id in the verification result')
  return id
}

async function buildCandidates (input: MicroInput): Promise<Candidate[]> {
  const publicKey = publicKeyFromPem(input.publicKeyPem)
  const pool = input.tokens
  const token = pool[0]
  const floorInputs = pool.map((jwt) => {
    const dot = jwt.lastIndexOf('.')
    return { signingInput: Buffer.from(jwt.slice(0, dot)), signature: Buffer.from(jwt.slice(dot + 1), 'base64url') }
  })

  const uncached = new TokenVerifier({ getKey: () => publicKey, issuer: ISSUER, clockTolerance: 0, cacheMax: 0 })
  // Cache on (the default size) but every token new: the cost of a miss, hashing and insertion included.
  const missing = new TokenVerifier({ getKey: () => publicKey, issuer: ISSUER, clockTolerance: 0, cacheMax: 1000 })
  const cached = new TokenVerifier({ getKey: () => publicKey, issuer: ISSUER, clockTolerance: 0, cacheMax: 1000 })
  // Another user's tokens revoked: every valid token then costs one lookup.
  const revoked = new RevokedTokens()
  revoked.revoke('a-user-signed-out-elsewhere', Math.floor(Date.now() / 1000), Date.now())
  const cachedWithRevocation = new TokenVerifier({ getKey: () => publicKey, issuer: ISSUER, clockTolerance: 0, cacheMax: 1000, revoked })
  const fastJwt = createVerifier({ key: input.publicKeyPem, algorithms: ['RS256'], allowedIss: ISSUER })
  const fastJwtCached = createVerifier({ key: input.publicKeyPem, algorithms: ['RS256'], allowedIss: ISSUER, cache: true })
  const propelAuth = initBaseAuth({
    authUrl: AUTH_URL,
    apiKey: 'bench-not-used',
    manualTokenVerificationMetadata: { verifierKey: input.publicKeyPem, issuer: ISSUER }
  })
  const headers = pool.map((jwt) => `Bearer ${jwt}`)
  // The guards on their own, called as Fastify calls an onRequest hook. Each call
  // gets a new request object, as Fastify makes one per request.
  const guards = createGuards(new TokenVerifier({ getKey: () => publicKey, issuer: ISSUER, clockTolerance: 0, cacheMax: 1000 }), { tokenFrom: resolveTokenFrom('tokenFrom', 'authorization'), logRefusal: createRefusalLog('silent'), clockTolerance: 0, slots: requestSlots(DEFAULT_REQUEST_DECORATORS) })
  const minimumRole = guards.requireOrgMemberWithMinimumRole('Admin')
  const reply = { header: () => reply } as unknown as FastifyReply
  let hookError: unknown
  const done = (error?: unknown): void => { hookError = error }
  const runHook = (hook: typeof minimumRole): unknown => {
    const requestHeaders = { authorization: headers[0] }
    const request = { headers: requestHeaders, raw: { headers: requestHeaders }, params: { orgId: BENCH_ORG_ID }, user: null, org: null } as unknown as FastifyRequest
    hook(request, reply, done)
    if (hookError !== undefined) throw new Error('the guard refused a valid token')
    return request.user
  }
  // What every verifier has to do to return claims, and nothing more: no header,
  // base64 strictness, claim, duplicate or shape check. Not safe; a yardstick only.
  const minimal = (jwt: string): unknown => {
    const first = jwt.indexOf('.')
    const second = jwt.indexOf('.', first + 1)
    const valid = verify('sha256', Buffer.from(jwt.slice(0, second), 'latin1'), publicKey, Buffer.from(jwt.slice(second + 1), 'base64url'))
    return valid ? JSON.parse(Buffer.from(jwt.slice(first + 1, second), 'base64url').toString()) : undefined
  }
  if (pool.length <= 1000) throw new Error('the cache-miss candidate needs more distinct tokens than the cache holds')

  const candidates: Candidate[] = [
    {
      name: 'node:crypto floor',
      note: 'crypto.verify on the signing input, nothing else',
      async: false,
      run: (i) => {
        const { signingInput, signature } = floorInputs[i % pool.length]
        return verify('sha256', signingInput, publicKey, signature) ? token : undefined
      }
    },
    { name: 'bare minimum: split, decode, verify, JSON.parse', note: 'no check at all: a lower bound for any verifier that returns claims', async: false, run: (i) => minimal(pool[i % pool.length]) },
    { name: 'fastify-propelauth, cache: false', note: 'TokenVerifier.verifyToken', async: false, run: (i) => uncached.verifyToken(pool[i % pool.length]) },
    { name: 'fastify-propelauth, cache miss', note: 'default cache (1000), a new token each call', async: false, run: (i) => missing.verifyToken(pool[i % pool.length]) },
    { name: FAST_JWT, note: 'createVerifier RS256 + allowedIss', async: false, run: (i) => fastJwt(pool[i % pool.length]) },
    { name: 'jose 6 jwtVerify', note: 'algorithms RS256 + issuer', async: true, run: async (i) => await jwtVerify(pool[i % pool.length], publicKey, { algorithms: ['RS256'], issuer: ISSUER }) },
    { name: '@propelauth/node validateAccessTokenAndGetUser', note: 'manualTokenVerificationMetadata', async: true, run: async (i) => await propelAuth.validateAccessTokenAndGetUser(headers[i % pool.length]) },
    { name: 'fastify-propelauth, cache hit', note: 'same token again', async: false, run: () => cached.verifyToken(token) },
    { name: 'fastify-propelauth, cache hit, a user revoked', note: 'same token again, another user\'s tokens revoked', async: false, run: () => cachedWithRevocation.verifyToken(token) },
    { name: 'fast-jwt, cache hit', note: 'cache: true, same token again', async: false, run: () => fastJwtCached(token) },
    { name: 'requireUser hook, cache hit', note: 'the guard as Fastify calls it, on a stand-in request', async: false, run: () => runHook(guards.requireUser) },
    { name: 'requireOrgMemberWithMinimumRole hook, cache hit', note: 'the same, org from params, role Admin', async: false, run: () => runHook(minimumRole) }
  ]

  // Every candidate must really accept the token: a benchmark of an error path measures nothing useful.
  for (const candidate of candidates) {
    const result = await candidate.run(0)
    if (candidate.name !== 'node:crypto floor') userIdOf(result)
    else if (result !== token) throw new Error('the floor rejected the token')
  }
  return candidates
}

/**
 * CPU time of this process, all threads, in microseconds. The machine may be
 * shared: time spent waiting for a core is not the candidate's cost, and would
 * swamp differences of a few percent. Async candidates that verify on libuv's
 * thread pool (jose, @propelauth/node) are charged that thread's time too.
 */
function cpuMicros (): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

/** Runs `candidate` for about `ms` milliseconds of CPU; returns CPU microseconds per call. */
async function measure (candidate: Candidate, ms: number, offset: number): Promise<{ micros: number, calls: number }> {
  const start = cpuMicros()
  const deadline = start + ms * 1000
  let calls = 0
  let now = start
  // Calls in batches of 50 so that reading the clock costs nothing measurable.
  while (now < deadline) {
    if (candidate.async) {
      for (let j = 0; j < 50; j++) await candidate.run(offset + calls + j)
    } else {
      for (let j = 0; j < 50; j++) candidate.run(offset + calls + j)
    }
    calls += 50
    now = cpuMicros()
  }
  return { micros: (now - start) / calls, calls }
}

export async function runMicro (input: MicroInput): Promise<MicroResult> {
  const candidates = await buildCandidates(input)
  const offsets = new Map<string, number>()
  // Warm-up: let every candidate reach its optimised code before anything counts.
  for (const candidate of candidates) {
    const { calls } = await measure(candidate, Math.max(200, input.msPerRound), 1)
    offsets.set(candidate.name, calls + 1)
  }
  const times = new Map<string, number[]>(candidates.map((c) => [c.name, []]))
  for (let round = 0; round < input.rounds; round++) {
    // Alternate the order so that no candidate always follows the same one.
    const order = round % 2 === 0 ? candidates : [...candidates].reverse()
    for (const candidate of order) {
      const offset = offsets.get(candidate.name) as number
      const { micros, calls } = await measure(candidate, input.msPerRound, offset)
      offsets.set(candidate.name, offset + calls)
      times.get(candidate.name)?.push(micros)
    }
  }
  const floor = times.get(candidates[0].name) as number[]
  const fastJwt = times.get(FAST_JWT) as number[]
  return {
    rounds: input.rounds,
    tokenBytes: Buffer.byteLength(input.tokens[0]),
    candidates: candidates.map((candidate) => {
      const series = times.get(candidate.name) as number[]
      return {
        name: candidate.name,
        note: candidate.note,
        microseconds: median(series),
        timesFloor: median(series.map((value, i) => value / floor[i])),
        speedVsFastJwt: median(series.map((value, i) => fastJwt[i] / value))
      }
    })
  }
}

if (process.send !== undefined) {
  serveParent(async (message) => {
    if (message.type !== 'run') throw new Error(`unknown message ${message.type}`)
    return await runMicro(message.input as MicroInput)
  })
}
