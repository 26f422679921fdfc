import type { IncomingMessage } from 'node:http'
import type { FastifyRequest } from 'fastify'

// A WebSocket connection is authorised once, at its upgrade request; left alone
// it would outlive the access token that let it in by hours. When one of the
// access-token guards admits an upgrade, the token's `exp` is remembered for the
// raw request, and @fastify/websocket's server (which emits `connection` with
// that raw request once the handshake is done) gets a listener that closes the
// connection when the token expires, with code 1008 (policy violation). Clients
// reconnect with a fresh token.

/** The close code and reason sent when the token of a connection expires. */
export const EXPIRED_CLOSE_CODE = 1008
export const EXPIRED_CLOSE_REASON = 'access token expired'

/** The longest delay a Node timer takes; longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647

interface ClosableSocket {
  close: (code: number, reason: string) => void
  once: (event: 'close', listener: () => void) => unknown
}

interface ConnectionEmitter {
  on: (event: 'connection', listener: (socket: ClosableSocket, request: IncomingMessage) => void) => unknown
}

/** Milliseconds since the epoch when the admitted upgrade's token stops being valid. */
const deadlines = new WeakMap<IncomingMessage, number>()
const watched = new WeakSet<object>()

/** `exp` of a token the verifier has just accepted (so its payload is well-formed JSON). */
function expiryOf (token: string): number | undefined {
  const payload = token.slice(token.indexOf('.') + 1, token.lastIndexOf('.'))
  try {
    const exp: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).exp
    return typeof exp === 'number' ? exp : undefined
  } catch {
    return undefined
  }
}

function closeAt (socket: ClosableSocket, deadline: number): void {
  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    const wait = deadline - Date.now()
    if (wait <= 0) {
      socket.close(EXPIRED_CLOSE_CODE, EXPIRED_CLOSE_REASON)
      return
    }
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS))
    // An open connection keeps the process alive by itself; this timer need not.
    timer.unref()
  }
  socket.once('close', () => clearTimeout(timer))
  arm()
}

function onConnection (socket: ClosableSocket, request: IncomingMessage): void {
  const deadline = deadlines.get(request)
  if (deadline !== undefined) closeAt(socket, deadline)
}

/**
 * Called by a guard that admitted `request` with `token`: when the request is a
 * WebSocket upgrade served by @fastify/websocket, the connection it opens is
 * closed once the token expires (`clockTolerance` seconds after `exp`, the same
 * leeway the verifier gives).
 */
export function closeConnectionAtExpiry (request: FastifyRequest, token: string | undefined, clockTolerance: number): void {
  const server = (request.server as { websocketServer?: ConnectionEmitter }).websocketServer
  if (server === undefined || token === undefined) return
  const exp = expiryOf(token)
  if (exp === undefined) return
  if (!watched.has(server)) {
    watched.add(server)
    server.on('connection', onConnection)
  }
  // Several guards may admit one upgrade (a scope's and the route's, each with
  // its own token): the connection closes when the first of their tokens expires.
  const deadline = (exp + clockTolerance) * 1000
  const earlier = deadlines.get(request.raw)
  if (earlier === undefined || deadline < earlier) deadlines.set(request.raw, deadline)
}
