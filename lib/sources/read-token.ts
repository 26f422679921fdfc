import type { FastifyRequest } from 'fastify'
import { NO_BEARER_CREDENTIALS, parseBearerHeader } from '../token/bearer-header.js'
import { Rejection } from '../token/rejection.js'
import { crossSiteProblem, CrossSiteRefusal } from './cross-site.js'
import type { CrossSiteRule, ResolvedSource, ResolvedTokenFrom } from './token-from.js'

// The first stage of a guard: find the token a request carries, in the sources
// of `tokenFrom`, in order. Reading never verifies: the guard hands what is read
// to the verifier. A source refuses only what it can tell by itself: a malformed
// Bearer header, a value sent twice, a cookie token on a cross-site request.

/** What reading a request gives: the raw token, or why there is none to verify. */
type ReadResult = string | Rejection | CrossSiteRefusal

/** Reads the token of a request from resolved sources. */
export interface TokenReader {
  read: (request: FastifyRequest) => ReadResult
  /** True when a source reads cookies: routes then need @fastify/cookie. */
  readsCookies: boolean
  /** The query parameters a source reads, to be kept out of the request log. */
  queryParameters: readonly string[]
}

/**
 * Whether the request is a real WebSocket upgrade. @fastify/websocket sets
 * `request.ws` in its `onRequest` hook for the requests that reached the server
 * as upgrades (Node does so only with `Connection: upgrade` and an `Upgrade`
 * header), and serves them only on its WebSocket routes. Headers alone prove
 * nothing: a plain GET may carry `Upgrade: websocket` and be served as usual.
 * Without @fastify/websocket nothing is upgraded, and this is never true.
 */
export function isWebSocketUpgrade (request: FastifyRequest): boolean {
  return (request as { ws?: unknown }).ws === true
}

/** The cookies of a request: parsed by @fastify/cookie's hook, or by its parser when our guard ran first. */
function cookiesOf (request: FastifyRequest): Record<string, string | undefined> | undefined {
  const parsed = (request as { cookies?: Record<string, string | undefined> }).cookies
  if (parsed !== undefined) return parsed
  const parse = (request.server as { parseCookie?: (header: string) => Record<string, string | undefined> }).parseCookie
  const header = request.headers.cookie
  return parse !== undefined && typeof header === 'string' ? parse(header) : undefined
}

const malformed = (detail: string): Rejection => new Rejection('invalid', 'malformed-token', detail)

/** A token that rode on a cookie, unless the request came from another site. */
function checkCrossSite (request: FastifyRequest, rule: CrossSiteRule, token: string): ReadResult {
  const problem = crossSiteProblem(request, rule, isWebSocketUpgrade(request))
  return problem === undefined ? token : new CrossSiteRefusal(problem)
}

/** The token one source finds; undefined when it has none, so that the next source is tried. */
function readSource (source: ResolvedSource, request: FastifyRequest): ReadResult | undefined {
  switch (source.kind) {
    case 'authorization':
      // Another scheme (Basic …) is no bearer token: the next source may have one.
      return parseBearerHeader(request.headers.authorization)
    case 'cookie': {
      const value = cookiesOf(request)?.[source.cookie.name]
      if (value === undefined || value === '') return undefined
      return checkCrossSite(request, source.cookie, value)
    }
    case 'query': {
      if (!isWebSocketUpgrade(request)) return undefined
      const value = (request.query as Record<string, unknown> | undefined)?.[source.name]
      if (value === undefined || value === '') return undefined
      return typeof value === 'string' ? value : malformed(`the query parameter \`${source.name}\` was sent more than once`)
    }
    case 'subprotocol': {
      const header = request.headers['sec-websocket-protocol']
      if (typeof header !== 'string' || !isWebSocketUpgrade(request)) return undefined
      const entries = header.split(',').map((entry) => entry.trim())
      const at = entries.indexOf(source.marker)
      if (at === -1) return undefined
      const token = entries[at + 1]
      return token === undefined || token === '' ? malformed(`Sec-WebSocket-Protocol names \`${source.marker}\` with no token after it`) : token
    }
    case 'function': {
      const token: unknown = source.read(request)
      if (token === undefined || token === '') return undefined
      if (typeof token !== 'string') return malformed(`the tokenFrom function returned ${token === null ? 'null' : `a ${typeof token}`}, not a string or undefined`)
      return source.crossSite === undefined ? token : checkCrossSite(request, source.crossSite, token)
    }
  }
}

function describeSource (source: ResolvedSource): string {
  switch (source.kind) {
    case 'authorization': return 'no Authorization: Bearer header'
    case 'cookie': return `no \`${source.cookie.name}\` cookie`
    case 'query': return `no \`${source.name}\` query parameter on a WebSocket upgrade`
    case 'subprotocol': return `no \`${source.marker}\` entry in Sec-WebSocket-Protocol`
    case 'function': return source.session === true ? 'no signed-in session' : 'nothing from the tokenFrom function'
  }
}

/** Builds the reader of resolved sources. */
export function createTokenReader (sources: ResolvedTokenFrom): TokenReader {
  const carriers = {
    readsCookies: sources.some((source) => source.kind === 'cookie'),
    queryParameters: Object.freeze(sources.flatMap((source) => source.kind === 'query' ? [source.name] : []))
  }
  // The default source, the header alone, is read with no loop: it is every request's path.
  if (sources.length === 1 && sources[0].kind === 'authorization') {
    return { read: (request) => parseBearerHeader(request.headers.authorization) ?? NO_BEARER_CREDENTIALS, ...carriers }
  }
  const none = Object.freeze(new Rejection('missing', 'no-token', `no access token: ${sources.map(describeSource).join(', ')}`))
  return {
    read: (request) => {
      for (const source of sources) {
        const found = readSource(source, request)
        if (found !== undefined) return found
      }
      return none
    },
    ...carriers
  }
}
