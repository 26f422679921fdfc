// A tiny PropelAuth backend on 127.0.0.1 for the fault, leak and shutdown tests: each test says how it
// answers (slow, down, 5xx, 429, HTML, a bad key…) and counts what it received.
// Plain node:http, so fault tests depend on nothing but Node.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>`: the plugin's `apiBaseUrl`. */
  url: string
  /** Replace to change how the next requests are answered. */
  handler: Handler
  received: ReceivedRequest[]
  /** Requests received for a path (all paths when omitted). */
  count: (path?: string) => number
  /** Client connections currently open on the server. */
  openConnections: () => number
  close: () => Promise<void>
}

export async function startFaultServer (handler: Handler): Promise<FaultServer> {
  const received: ReceivedRequest[] = []
  const backend: FaultServer = {
    url: '',
    handler,
    received,
    count: (path) => path === undefined ? received.length : received.filter((r) => r.path === path).length,
    openConnections: () => sockets.size,
    close: async () => {
      // Hanging requests (the "slow" fault) must not keep the server open.
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
  const server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => { body += chunk })
    request.on('end', () => {
      const index = received.length
      received.push({ method: request.method ?? '', path: (request.url ?? '').split('?')[0], headers: request.headers, body })
      backend.handler(request, response, index)
    })
  })
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  backend.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return backend
}

/** A port on 127.0.0.1 where nothing listens. */
export async function closedPortUrl (): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

export function json (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

/** Answers the metadata request with this PEM. */
export const serveKey = (pem: string): Handler => (_request, response) => json(response, 200, { verifier_key_pem: pem })

/** Never answers: the request hangs until the client gives up or the backend closes. */
export const hang: Handler = () => {}

/** Waits until `predicate` holds, checking every few milliseconds; fails after `attempts` checks. */
export async function until (predicate: () => boolean | Promise<boolean>, what: string, attempts = 400): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await predicate()) return
    await sleep(5)
  }
  throw new Error(`timed out waiting until ${what}`)
}
