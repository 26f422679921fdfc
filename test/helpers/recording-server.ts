import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as it arrived on the wire. */
export interface RecordedRequest {
  method: string
  /** The request target: path and query exactly as sent. */
  target: string
  /** Header names and values in the order and case they were sent. */
  rawHeaders: string[]
  headers: IncomingMessage['headers']
  /** The body, byte for byte (as UTF-8 text). */
  body: string
}

export interface ScriptedReply {
  status: number
  /** A string is sent as is; anything else as JSON. Omit for an empty body. */
  body?: unknown
  headers?: Record<string, string>
}

export interface RecordingServer {
  /** `http://127.0.0.1:<port>`. */
  url: string
  requests: RecordedRequest[]
  /** Queues replies, used in order; when none is queued the server answers 200 `{}`. */
  reply: (...replies: ScriptedReply[]) => void
  close: () => Promise<void>
}

/** A tiny PropelAuth impersonator on 127.0.0.1 that records requests and answers from a script. */
export async function startRecordingServer (): Promise<RecordingServer> {
  const requests: RecordedRequest[] = []
  const queue: ScriptedReply[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        target: request.url ?? '',
        rawHeaders: request.rawHeaders,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8')
      })
      const reply = queue.shift() ?? { status: 200, body: {} }
      const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      response.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => { queue.push(...replies) },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}
