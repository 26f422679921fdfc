import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake backend saw of one request. */
export interface SeenRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
}

/** Answers one request; may leave `response` open to simulate a backend that hangs. */
export type Answer = (response: ServerResponse, request: SeenRequest) => void

export interface FakeBackend {
  /** `http://127.0.0.1:<port>`, for the plugin's `apiBaseUrl`. */
  url: string
  requests: SeenRequest[]
  /** Resolves once `count` requests have arrived. */
  received: (count: number) => Promise<void>
}

/** Answers JSON with a status. */
export function json (status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers })
    response.end(JSON.stringify(body))
  }
}

/** Answers a body as is. */
export function raw (status: number, body: string, contentType = 'text/html'): Answer {
  return (response) => {
    response.writeHead(status, { 'content-type': contentType })
    response.end(body)
  }
}

/** Never answers: the client's timeout must end the attempt. */
export const hang: Answer = () => {}

/** `{ verifier_key_pem }` with a 200, as PropelAuth answers the metadata fetch. */
export function metadata (pem: string): Answer {
  return json(200, { verifier_key_pem: pem })
}

/**
 * A small HTTP server on 127.0.0.1 standing in for PropelAuth's backend in tests
 * of failure modes the stand-in does not simulate. Request n gets `answers[n]`
 * (the last answer repeats). Closed by the test's teardown.
 */
export async function startFakeBackend (t: { teardown: (fn: () => unknown) => void }, answers: Answer[] | (() => Answer)): Promise<FakeBackend> {
  const requests: SeenRequest[] = []
  const waiters: Array<{ count: number, resolve: () => void }> = []
  const server = createServer((request, response) => {
    const seen = { method: request.method ?? '', url: request.url ?? '', headers: request.headers }
    requests.push(seen)
    const answer = typeof answers === 'function' ? answers() : answers[Math.min(requests.length, answers.length) - 1]
    answer(response, seen)
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received: async (count) => {
      if (requests.length >= count) return
      await new Promise<void>((resolve) => waiters.push({ count, resolve }))
    }
  }
}
