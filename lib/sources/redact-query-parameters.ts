import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'

// A token in a query string (a WebSocket upgrade's `?access_token=…`, where a
// browser cannot set headers) is written to the log by Fastify itself: its
// "incoming request" line holds `req.url`, and it is logged before any hook or
// plugin code runs, so no guard can take it out. The request serializer has to:
// this one is Fastify's default, with the named parameters' values replaced.

const REDACTED = '[REDACTED]'

const kRedacting = Symbol.for('fastify-propelauth.redacting-serializer')

/** What Fastify hands the `req` serializer: its request (host, ip) or, in some logs, the raw one. */
interface LoggedRequest {
  method?: string
  url?: string
  headers?: IncomingHttpHeaders
  host?: string
  ip?: string
  socket?: { remotePort?: number } | null
}

interface SerializedRequest {
  method?: string
  url?: string
  version?: string
  host?: string
  remoteAddress?: string
  remotePort?: number
  [key: string]: unknown
}

function decoded (text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text
  }
}

/** `url` with the values of the query parameters in `names` replaced by `[REDACTED]`; the rest as it was. */
export function redactUrl (url: string, names: ReadonlySet<string>): string {
  const question = url.indexOf('?')
  if (question === -1) return url
  const hash = url.indexOf('#', question)
  const end = hash === -1 ? url.length : hash
  const query = url.slice(question + 1, end).split('&').map((pair) => {
    const equals = pair.indexOf('=')
    const name = equals === -1 ? pair : pair.slice(0, equals)
    return names.has(decoded(name)) ? `${name}=${REDACTED}` : pair
  })
  return `${url.slice(0, question + 1)}${query.join('&')}${url.slice(end)}`
}

/**
 * A `req` log serializer for Fastify: what Fastify's default one logs, with the
 * values of the query parameters `names` (default `access_token`) redacted. Give
 * it to Fastify when a token source reads the query string:
 * `Fastify({ logger: { serializers: { req: redactQueryParameters(['access_token']) } } })`.
 */
export function redactQueryParameters (names: readonly string[] = ['access_token']): (request: LoggedRequest) => SerializedRequest {
  const redacted = new Set(names)
  const serializer = function serializeRequest (request: LoggedRequest): SerializedRequest {
    return {
      method: request.method,
      url: request.url === undefined ? undefined : redactUrl(request.url, redacted),
      version: request.headers?.['accept-version'] as string | undefined,
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort
    }
  }
  Object.defineProperty(serializer, kRedacting, { value: Object.freeze([...redacted]) })
  return serializer
}

/**
 * Whether `log` would write the query parameter `name` as it came: a pino
 * logger (Fastify's) whose `req` serializer is not one of ours redacting it.
 * Loggers that are not pino, and disabled ones, are given the benefit of the doubt.
 */
export function logsQueryParameter (log: FastifyBaseLogger, name: string): boolean {
  const serializers = (log as unknown as Record<symbol, Record<string, unknown> | undefined>)[Symbol.for('pino.serializers')]
  if (serializers === undefined || log.level === 'silent') return false
  const redacting = (serializers.req as { [kRedacting]?: readonly string[] } | undefined)?.[kRedacting]
  return redacting === undefined || !redacting.includes(name)
}
