import { setTimeout as sleep } from 'node:timers/promises'
import { BackendRedirectError, BackendUnreachableError, InvalidIdError, MissingApiKeyError } from '../errors.js'
import { SecretRedactor } from '../util/redact-secrets.js'
import { deadline } from '../util/deadline.js'
import { hasDotSegment } from './ids.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export type QueryValue = string | number | boolean | undefined | null

interface BackendRequest {
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
  /**
   * Secrets the request carries besides the integration key (an end-user API
   * key being validated or imported): kept out of the errors built from the answer.
   */
  secrets?: readonly string[]
}

export interface BackendResponse {
  status: number
  headers: Headers
  /** The body exactly as PropelAuth sent it; callers parse it (error bodies are not always JSON). */
  text: string
  /**
   * For errors built from the answer: cuts the integration key and the
   * request's `secrets` out of their messages and fields. Never applied to the
   * result of a call that succeeded.
   */
  redact: SecretRedactor
}

interface TransportOptions {
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
function formatQuery (query: Record<string, QueryValue> | undefined, emptyQueryMark = false): string {
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

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

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
 * headers PropelAuth's Node library sends. Answers are handed over exactly as
 * sent. Redirects are never followed: PropelAuth does not send them, and
 * following one would hand the integration key (and, on 307/308, the body
 * with an end user's API key) to another server and trust its answer. The API
 * key goes only into the `Authorization` header; the errors thrown here have it,
 * and the request's other secrets, cut out of whatever they quote.
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
    if (hasDotSegment(request.path)) {
      throw new InvalidIdError(`${request.method} ${request.path}: "." and ".." cannot be sent as an ID or name, because a URL reads them as folder steps and the call would reach another endpoint`)
    }
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
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: 'manual'
    }
    const redact = new SecretRedactor([apiKey, ...request.secrets ?? []])
    const retryable = request.retry ?? request.method === 'GET'
    const attempts = retryable ? this.#options.retries + 1 : 1

    for (let attempt = 0; ; attempt++) {
      const isLast = attempt + 1 >= attempts
      let response: BackendResponse
      const attemptEnds = deadline(this.#closing.signal, this.#options.timeout)
      try {
        const raw = await fetch(url, { ...init, signal: attemptEnds.signal })
        response = { status: raw.status, headers: raw.headers, text: await raw.text(), redact }
      } catch (error) {
        if (this.#closing.signal.aborted) throw new BackendUnreachableError(`${request.method} ${request.path} was cancelled because the server is closing`)
        if (isLast) {
          // The cause is the platform's error, not ours: nothing vouches for what its messages quote.
          throw redact.error(new BackendUnreachableError(
            `${request.method} ${this.#options.apiBaseUrl}${request.path} failed: ${describeNetworkError(error)}` +
            ` (${attempt + 1} attempt${attempt === 0 ? '' : 's'})`, { cause: error }
          ))
        }
        await this.#pause(backoffMs(attempt))
        continue
      } finally {
        attemptEnds.clear()
      }
      if (REDIRECT_STATUSES.has(response.status)) throw this.#redirectError(request, response)
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

  #redirectError (request: BackendRequest, response: BackendResponse): Error {
    let target = 'no Location'
    const location = response.headers.get('location')
    if (location !== null) {
      try {
        target = new URL(location, this.#options.apiBaseUrl).origin
      } catch {
        target = 'an unreadable Location'
      }
    }
    // The target's host may be made of a key the answer echoed, lower-cased by the URL parser.
    return new BackendRedirectError(response.redact.text(
      `${request.method} ${this.#options.apiBaseUrl}${request.path} answered ${response.status}, a redirect to ${target}; ` +
      'redirects are not followed (the integration key would go along): set `apiBaseUrl` to the URL that answers'
    ))
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
