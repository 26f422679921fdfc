// Memory: does the heap stay bounded while a server sees 100,000 distinct valid
// tokens? Runs in a child process started with --expose-gc, so every reading is
// taken after a full collection. Requests go over real HTTP on loopback: with
// Fastify 5.12 and light-my-request 6.8, `app.inject` itself retains about 9 KB
// per request (a bare route shows it too), which would hide what the plugin does.
//
// The route is guarded by the plugin's own verifier and guards (TokenVerifier,
// createGuards), wired as index.ts wires them. The tokens are signed with a
// 512-bit RSA key, which the plugin would refuse at registration (it requires
// 2048 bits), only because signing 100,000 tokens with a 2048-bit key takes over
// two minutes; the key size changes the time a verification takes, not what is
// kept in memory.
import { Agent, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import { createGuards } from '../lib/guards/token-guards.js'
import { DEFAULT_REQUEST_DECORATORS } from '../lib/options/declared-names.js'
import { createRefusalLog } from '../lib/guards/refusal-log.js'
import { requestSlots } from '../lib/guards/request-slots.js'
import { resolveTokenFrom } from '../lib/sources/resolve-token-from.js'
import { TokenVerifier } from '../lib/token/verifier.js'
import { serveParent } from './child.js'
import { BENCH_ORG_ID, createKeys, ISSUER, mintTokens } from './fixtures.js'

export interface MemoryConfig {
  name: string
  /** 0: `cache: false`. */
  cacheMax: number
}

export interface MemoryInput {
  tokens: number
  configs: MemoryConfig[]
}

export interface MemoryConfigResult {
  name: string
  cacheMax: number
  /** Heap after start-up and a warm-up, MB. */
  baselineMB: number
  /** Heap after every token was sent once, MB. */
  finalMB: number
  /** Heap growth over the second half of the run, bytes per request: 0 when nothing accumulates. */
  bytesPerRequestSecondHalf: number
  /** Entries in the cache at the end. */
  cacheEntries: number
  /** Heap readings (MB above baseline) every tenth of the run. */
  checkpointsMB: number[]
}

export interface MemoryResult {
  tokens: number
  configs: MemoryConfigResult[]
}

const gc = (globalThis as { gc?: () => void }).gc

function heapUsed (): number {
  if (gc === undefined) throw new Error('the memory benchmark needs node --expose-gc')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const MB = 2 ** 20
const CONCURRENCY = 8

async function measure (config: MemoryConfig, tokens: string[], warmUpToken: string, publicKey: ReturnType<typeof createKeys>['publicKey']): Promise<MemoryConfigResult> {
  const verifier = new TokenVerifier({ getKey: () => publicKey, issuer: ISSUER, clockTolerance: 0, cacheMax: config.cacheMax })
  const guards = createGuards(verifier, { tokenFrom: resolveTokenFrom('tokenFrom', 'authorization'), logRefusal: createRefusalLog('silent'), clockTolerance: 0, slots: requestSlots(DEFAULT_REQUEST_DECORATORS) })
  const app = Fastify({ logger: false })
  app.decorateRequest('user', null)
  app.decorateRequest('org', null)
  app.get('/orgs/:orgId/me', { onRequest: guards.requireUser }, async (request) => ({ user_id: request.user?.userId }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const path = `/orgs/${BENCH_ORG_ID}/me`
  const send = async (token: string): Promise<void> => await new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume()
      response.on('end', () => response.statusCode === 200 ? resolve() : reject(new Error(`a valid token got ${response.statusCode}`)))
    }).on('error', reject).end()
  })
  /** Sends tokens[from..to) with CONCURRENCY requests in flight. */
  const sendAll = async (list: string[], from: number, to: number): Promise<void> => {
    let next = from
    const worker = async (): Promise<void> => {
      while (next < to) await send(list[next++])
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  }

  await sendAll(Array.from({ length: 500 }, () => warmUpToken), 0, 500)
  const baseline = heapUsed()
  const checkpoints: number[] = []
  const step = Math.floor(tokens.length / 10)
  for (let from = 0; from < step * 10; from += step) {
    await sendAll(tokens, from, from + step)
    checkpoints.push(heapUsed())
  }
  const final = heapUsed()
  const half = checkpoints[Math.floor(checkpoints.length / 2) - 1]
  const result: MemoryConfigResult = {
    name: config.name,
    cacheMax: config.cacheMax,
    baselineMB: baseline / MB,
    finalMB: final / MB,
    bytesPerRequestSecondHalf: (final - half) / (tokens.length - step * Math.floor(checkpoints.length / 2)),
    cacheEntries: verifier.cacheSize,
    checkpointsMB: checkpoints.map((value) => (value - baseline) / MB)
  }
  agent.destroy()
  await app.close()
  return result
}

export async function runMemory (input: MemoryInput): Promise<MemoryResult> {
  const keys = createKeys(512)
  const tokens = mintTokens(input.tokens + 1, keys.privateKey)
  const warmUpToken = tokens.pop() as string
  const configs: MemoryConfigResult[] = []
  for (const config of input.configs) configs.push(await measure(config, tokens, warmUpToken, keys.publicKey))
  return { tokens: input.tokens, configs }
}

if (process.send !== undefined) {
  serveParent(async (message) => {
    if (message.type !== 'run') throw new Error(`unknown message ${message.type}`)
    return await runMemory(message.input as MemoryInput)
  })
}
