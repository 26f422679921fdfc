import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { faultBody, type FaultController } from './faults.js'
import type { RateLimiter } from './rate-limits.js'
import { isAuthUrlPath } from './auth-url/paths.js'
import { ABOUT_PATH } from './about.js'
import { redactSecrets } from './redact.js'

/** One call the stand-in answered, for logs and assertions. No header or body is kept. */
export interface StandInCall {
  method: string
  /** Path and query string, a magic link's secret replaced by `[REDACTED]` (`/magic_link?t=[REDACTED]`). */
  url: string
  status: number
  /** Milliseconds spent answering. */
  durationMs: number
  /** Epoch milliseconds on the real clock. */
  at: number
}

/** Calls kept in `standIn.calls`; older ones are dropped. */
export const MAX_RECORDED_CALLS = 1000

/**
 * Routes that take no API key: what browsers use (the auth URL's pages,
 * session endpoints and their CORS preflights, the development login), magic
 * links, and the stand-in's description of itself.
 */
export function isPublicRoute (path: string): boolean {
  return path === '/login' || path === '/magic_link' || path === ABOUT_PATH || isAuthUrlPath(path)
}

export function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/**
 * Body parsing as PropelAuth tolerates it: PropelAuth's Node client sends
 * `Content-Type: application/json` on every call, bodyless POST/PUT/DELETE
 * included, so an empty JSON body means "no body" here instead of Fastify's
 * 400. Forms are parsed for the OAuth2 password login.
 */
export function installParsers (app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') {
      done(null, undefined)
      return
    }
    json(request, body as string, done)
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
}

export interface GateOptions {
  apiKey: string
  faults: FaultController
  rateLimits: RateLimiter
  /** Hostnames (and host:port) accepted in `X-Propelauth-url`. */
  projectHosts: () => string[]
}

/**
 * Waits out injected latency, but no longer than the caller or the stand-in
 * is there: a client that gave up, or `close()`, ends the wait (so a test
 * that injects a long delay does not hold the stand-in open).
 */
async function delay (request: FastifyRequest, ms: number, closing: AbortSignal): Promise<boolean> {
  // One controller fed by both events (AbortSignal.any loses events on some Node 20 releases).
  const gone = new AbortController()
  const socket = request.raw.socket
  const onGone = (): void => gone.abort()
  socket.once('close', onGone)
  closing.addEventListener('abort', onGone, { once: true })
  if (closing.aborted) gone.abort()
  try {
    await sleep(ms, undefined, { signal: gone.signal })
    return true
  } catch {
    return false
  } finally {
    socket.off('close', onGone)
    closing.removeEventListener('abort', onGone)
  }
}

async function injectFault (request: FastifyRequest, reply: FastifyReply, faults: FaultController, closing: AbortSignal): Promise<boolean> {
  const outcome = faults.take(request.method, pathOf(request.url))
  if (outcome === undefined) return false
  if (outcome.latency > 0 && !await delay(request, outcome.latency, closing)) {
    // Nobody is waiting for the answer any more.
    reply.hijack()
    request.raw.socket.destroy()
    return true
  }
  if (outcome.drop) {
    reply.hijack()
    request.raw.socket.destroy()
    return true
  }
  if (outcome.status === undefined) return false
  if (outcome.status === 429) reply.header('retry-after', String(Math.ceil(outcome.retryAfter)))
  await reply.code(outcome.status).send(outcome.body ?? faultBody(outcome.status, outcome.retryAfter))
  return true
}

/**
 * Every call goes through here, in this order: injected faults (they model the
 * network and come first), the API key (401), the project named by
 * `X-Propelauth-url` (404), then rate limits (429).
 */
export function installGate (app: FastifyInstance, options: GateOptions): void {
  const expectedAuthorization = `Bearer ${options.apiKey}`
  const closing = new AbortController()
  app.addHook('preClose', async () => { closing.abort() })
  app.addHook('onRequest', async (request, reply) => {
    if (await injectFault(request, reply, options.faults, closing.signal)) return reply
    const path = pathOf(request.url)
    if (!isPublicRoute(path)) {
      if (request.headers.authorization !== expectedAuthorization) {
        return await reply.code(401).send({ user_facing_error: 'Unauthorized: the API key is missing or incorrect' })
      }
      // Current clients name the project in X-Propelauth-url (Node: hostname, Python: with port); older ones send none.
      const project = request.headers['x-propelauth-url']
      if (project !== undefined && !options.projectHosts().includes(String(project))) {
        return await reply.code(404).send({ user_facing_error: 'No project has this auth URL' })
      }
    }
    const wait = options.rateLimits.hit(request.method, path)
    if (wait !== undefined) {
      return await reply.code(429).header('retry-after', String(wait)).send({
        wait_seconds: wait,
        user_facing_error: `Too many requests, please try again in ${wait} seconds`,
        error_code: 'rate_limited'
      })
    }
  })
}

/** Records each answered call (capped, secrets redacted) and hands it to `onCall`. */
export function installCallLog (app: FastifyInstance, calls: StandInCall[], onCall?: (call: StandInCall) => void): void {
  app.addHook('onResponse', async (request, reply) => {
    const call: StandInCall = {
      method: request.method,
      url: redactSecrets(request.url),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      at: Date.now()
    }
    calls.push(call)
    if (calls.length > MAX_RECORDED_CALLS) calls.splice(0, calls.length - MAX_RECORDED_CALLS)
    onCall?.(call)
  })
}
