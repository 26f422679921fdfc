import { setTimeout as sleep } from 'node:timers/promises'
import { BackendUnreachableError, MissingApiKeyError } from '../errors.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export type QueryValue = string | number | boolean | undefined | null

export interface BackendRequest {
  method: HttpMethod
  /** Path below the API base URL; callers encode every dynamic segment. */
  path: string
  /** Query parameters; `undefined` ones are left out, as in PropelAuth's Node library. */
  query?: Record<string, QueryValue>
  /** JSON body; `undefined` fields vanish through JSON.stringify, as in the Node library. */
  body?: unknown
  /**
   * Whether the call may be repeated after a network error, 5xx or 429. Defaults to
   * true for GET only: a retried POST could apply twice.
   */
  retry?: boolean
  /** Appends a bare `?` when the query is empty, as the Node library does for some calls. */
  emptyQueryMark?: boolean
}

export interface BackendResponse {
  status: number
  headers: Headers
  /** Raw body text; callers parse it (PropelAuth's error bodies are not always JSON). */
  text: string
}

export interface TransportOptions {
  apiBaseUrl: string
  apiKey: string | undefined
  /** Value of `X-Propelauth-url`. */
  authHostname: string
  /** Milliseconds per attempt. */
  timeout: number
  /** Extra attempts for retryable calls. */
  retries: number
}

const RETRY_BASE_DELAY_MS = 100
const RETRY_MAX_DELAY_MS = 2_000
/** A 429 asking to wait longer than this is returned to the caller rather than waited out. */
const MAX_HONOURED_WAIT_MS = 10_000

/** Builds `?a=1&b=true` like the Node library: undefined dropped, booleans as `true`/`false`. */
export function formatQuery (query: Record<string, QueryValue> | undefined, emptyQueryMark = false): string {
  const params = new URLSearchParams()
  if (query !== undefined) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue
      params.append(key, String(value))
    }
  }
  const text = params.toString()
  if (text !== '') return `?${text}`
  return emptyQueryMark ? '?' : ''
}

function isRetryableStatus (status: number): boolean {
  return status === 429 || status >= 500
}

/** Seconds to wait from `Retry-After` or a PropelAuth `wait_seconds` body; undefined when not said. */
export function requestedWaitMs (response: BackendResponse): number | undefined {
  const header = response.headers.get('retry-after')
  if (header !== null && /^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000
  try {
    const body = JSON.parse(response.text) as { wait_seconds?: unknown }
    if (typeof body?.wait_seconds === 'number' && body.wait_seconds >= 0) return body.wait_seconds * 1000
  } catch {}
  return undefined
}

function backoffMs (attempt: number): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt)
  // Full jitter, so that many instances restarting together do not retry in step.
  return Math.round(ceiling / 2 + Math.random() * ceiling / 2)
}

/**
 * Bodies reach error messages (PropelAuth's Node library puts some in its exceptions).
 * A gateway or echo service that reflects the request's headers would put the API
 * key there too; it never belongs in a response, so it is cut out of every body.
 */
function redact (text: string, apiKey: string): string {
  return text.includes(apiKey) ? text.replaceAll(apiKey, '[redacted]') : text
}

function describeNetworkError (error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out'
  const cause = (error as { cause?: { code?: unknown, message?: unknown } })?.cause
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message
  return error instanceof Error ? error.message : 'unknown network error'
}

/**
 * The one way this plugin talks to PropelAuth: a per-attempt timeout, bounded
 * retries with jittered backoff for calls that are safe to repeat, and the two
 * headers PropelAuth's Node library sends. The API key goes only into the
 * `Authorization` header; no error or log line built here contains it.
 */
export class Transport {
  readonly #options: TransportOptions
  readonly #closing = new AbortController()

  constructor (options: TransportOptions) {
    this.#options = options
  }

  get apiBaseUrl (): string { return this.#options.apiBaseUrl }

  url (path: string, query?: Record<string, QueryValue>, emptyQueryMark = false): string {
    return this.#options.apiBaseUrl + path + formatQuery(query, emptyQueryMark)
  }

  async request (request: BackendRequest): Promise<BackendResponse> {
    const apiKey = this.#options.apiKey
    if (apiKey === undefined) throw new MissingApiKeyError(`${request.method} ${request.path}`)
    const url = this.url(request.path, request.query, request.emptyQueryMark)
    const init: RequestInit = {
      method: request.method,
      // Names, case and order as PropelAuth's Node library writes them: fetch keeps
      // all three on the wire, so requests are byte-identical to the official client's.
      headers: {
        Authorization: `Bearer ${apiKey}`,
        'Content-Type': 'application/json',
        'X-Propelauth-url': this.#options.authHostname
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body)
    }
    const retryable = request.retry ?? request.method === 'GET'
    const attempts = retryable ? this.#options.retries + 1 : 1

    for (let attempt = 0; ; attempt++) {
      const isLast = attempt + 1 >= attempts
      let response: BackendResponse
      try {
        const signal = AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#options.timeout)])
        const raw = await fetch(url, { ...init, signal })
        response = { status: raw.status, headers: raw.headers, text: redact(await raw.text(), apiKey) }
      } catch (error) {
        if (this.#closing.signal.aborted) throw new BackendUnreachableError(`${request.method} ${request.path} was cancelled because the server is closing`)
        if (isLast) {
          throw new BackendUnreachableError(
            `${request.method} ${this.#options.apiBaseUrl}${request.path} failed: ${describeNetworkError(error)}` +
            ` (${attempt + 1} attempt${attempt === 0 ? '' : 's'})`, { cause: error }
          )
        }
        await this.#pause(backoffMs(attempt))
        continue
      }
      if (isLast || !isRetryableStatus(response.status)) return response
      let delay = backoffMs(attempt)
      if (response.status === 429) {
        const wait = requestedWaitMs(response)
        if (wait !== undefined) {
          if (wait > MAX_HONOURED_WAIT_MS) return response
          delay = Math.max(delay, wait)
        }
      }
      await this.#pause(delay)
    }
  }

  async #pause (ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.#closing.signal })
    } catch {
      throw new BackendUnreachableError('request cancelled because the server is closing')
    }
  }

  /** Aborts calls in flight and pending retries; used on `onClose`. */
  close (): void {
    this.#closing.abort()
  }
}
