import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'

/** Svix gives an endpoint this long to answer before it counts the attempt as failed. */
export const DEFAULT_WEBHOOK_TIMEOUT_SECONDS = 15
/** How much of an answer's body an attempt keeps, to show why an endpoint refused. */
export const KEPT_RESPONSE_CHARACTERS = 1000

const CANCELLED = 'cancelled: the stand-in closed, was reset or lost the endpoint'

/** What became of one POST: the status the endpoint answered with, or why there was none. */
export type PostOutcome =
  | { statusCode: number, response: string }
  | { error: string }

export interface PostOptions {
  timeoutMs: number
  /** Aborted when the stand-in closes: the attempt ends at once. */
  cancel: AbortSignal
}

/** Checks the `webhookTimeoutSeconds` option. */
export function checkWebhookTimeoutSeconds (seconds: unknown): number {
  if (seconds === undefined) return DEFAULT_WEBHOOK_TIMEOUT_SECONDS
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new TypeError(`stand-in option webhookTimeoutSeconds must be a number of seconds > 0 (default ${DEFAULT_WEBHOOK_TIMEOUT_SECONDS}), not ${String(seconds)}`)
  }
  return seconds
}

function readSome (response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    let ended = false
    response.setEncoding('utf8')
    response.on('data', (chunk: string) => {
      if (text.length < KEPT_RESPONSE_CHARACTERS) text += chunk.slice(0, KEPT_RESPONSE_CHARACTERS - text.length)
    })
    response.on('end', () => { ended = true; resolve(text) })
    response.on('error', reject)
    response.on('close', () => { if (!ended) reject(new Error('the connection closed before the answer ended')) })
  })
}

/**
 * POSTs one attempt and reads the answer, within the timeout. Redirects are
 * not followed: Svix counts a 3xx as a failure. Each attempt has a
 * connection of its own, closed after it, so no socket outlives the stand-in.
 * Never rejects: a network error, a timeout or a cancel is an outcome.
 */
export async function postWebhook (url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostOutcome> {
  if (options.cancel.aborted) return { error: CANCELLED }
  const stop = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; stop.abort() }, options.timeoutMs)
  const onCancel = (): void => stop.abort()
  options.cancel.addEventListener('abort', onCancel, { once: true })
  const request = url.startsWith('https:') ? httpsRequest : httpRequest
  const failure = (error: NodeJS.ErrnoException): PostOutcome => {
    if (timedOut) return { error: `no answer within ${options.timeoutMs / 1000} s` }
    if (options.cancel.aborted) return { error: CANCELLED }
    return { error: error.code === undefined || error.message.includes(error.code) ? error.message : `${error.code}: ${error.message}` }
  }
  try {
    return await new Promise<PostOutcome>((resolve) => {
      const outgoing = request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        signal: stop.signal
      }, (response) => {
        readSome(response).then(
          (text) => resolve({ statusCode: response.statusCode ?? 0, response: text }),
          (error: Error) => resolve(failure(error))
        )
      })
      outgoing.on('error', (error) => resolve(failure(error)))
      outgoing.end(body)
    })
  } finally {
    clearTimeout(timer)
    options.cancel.removeEventListener('abort', onCancel)
  }
}
