// A webhook endpoint for the stand-in's tests: a loopback node:http server
// that checks every delivery with Svix's own library, as a PropelAuth app's
// receiver would, and answers as the test says.
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'svix'
import type { PropelAuthWebhookEvent } from 'fastify-propelauth/webhooks'
import { createWebhookSecret } from '../../index.js'

/** One POST the receiver got. */
export interface ReceivedWebhook {
  /** The path and query string posted to. */
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** The payload Svix's `Webhook.verify` returned; undefined when it refused. */
  event?: PropelAuthWebhookEvent
  /** Why Svix's library refused the delivery. */
  refused?: string
}

export interface WebhookReceiver {
  url: string
  secret: string
  port: number
  /** Every POST so far, in the order they arrived. */
  received: ReceivedWebhook[]
  /** The verified events, in the order they arrived. */
  events: () => PropelAuthWebhookEvent[]
  /** The status of the next answers (default 204), or a function of the delivery for each. */
  answer: number | ((received: ReceivedWebhook) => number | 'hang')
  /** Resolves once `count` POSTs have arrived in all. */
  waitFor: (count: number) => Promise<void>
  close: () => Promise<void>
}

interface Teardown { teardown: (fn: () => unknown) => void }

function header (headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value ?? ''
}

/** Starts a receiver on 127.0.0.1 (on `port` if given), closed when the test ends. */
export async function startReceiver (t: Teardown, options: { secret?: string, port?: number } = {}): Promise<WebhookReceiver> {
  const secret = options.secret ?? createWebhookSecret()
  const verifier = new Webhook(secret)
  const received: ReceivedWebhook[] = []
  const waiters: Array<() => void> = []
  const receiver: WebhookReceiver = {
    url: '',
    secret,
    port: 0,
    received,
    events: () => received.flatMap((delivery) => delivery.event === undefined ? [] : [delivery.event]),
    answer: 204,
    waitFor: async (count) => {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
    },
    close: async () => {
      server.closeAllConnections()
      if (server.listening) await new Promise((resolve) => server.close(resolve))
    }
  }
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const delivery: ReceivedWebhook = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') }
      try {
        delivery.event = verifier.verify(delivery.body, {
          'svix-id': header(request.headers, 'svix-id'),
          'svix-timestamp': header(request.headers, 'svix-timestamp'),
          'svix-signature': header(request.headers, 'svix-signature')
        }) as PropelAuthWebhookEvent
      } catch (error) {
        delivery.refused = (error as Error).message
      }
      received.push(delivery)
      for (const waiter of waiters.splice(0)) waiter()
      const status = typeof receiver.answer === 'number' ? receiver.answer : receiver.answer(delivery)
      if (status === 'hang') return
      response.writeHead(status, status >= 300 && status < 400 ? { location: '/elsewhere' } : {}).end(delivery.refused ?? '')
    })
  })
  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  receiver.port = (server.address() as AddressInfo).port
  receiver.url = `http://127.0.0.1:${receiver.port}/webhooks`
  t.teardown(() => receiver.close())
  return receiver
}

/** A URL on loopback where nothing listens: a receiver that is down. */
export async function downReceiverUrl (): Promise<{ url: string, port: number }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return { url: `http://127.0.0.1:${port}/webhooks`, port }
}
