import type { FastifyRequest } from 'fastify'
import { InvalidOptionError } from '../errors.js'
import { quoted, Rejection, type TokenVerifier } from '../token/verifier.js'
import type { User } from '../token/user.js'

// Where the access-token guards take the token from. The default is the
// `Authorization: Bearer` header; an app can read a cookie (SSR frontends, and
// PropelAuth's Next.js library, keep the access token in `__pa_at`), a WebSocket
// upgrade's `Sec-WebSocket-Protocol` list or query string (a browser cannot set
// headers on `new WebSocket()`), or any function of the request. Whatever the
// source, the token goes through the same verifier and is refused with the
// same errors and challenges.

/** Takes the token from a cookie parsed by @fastify/cookie. */
export interface CookieTokenSource {
  /** The cookie's name, e.g. `__pa_at`. */
  cookie: string
  /**
   * Requests with an unsafe method (anything but GET, HEAD and OPTIONS) that a
   * browser marks as coming from another site are refused with 403
   * FST_PROPELAUTH_CROSS_SITE_REQUEST when their token came from this cookie:
   * the browser attaches cookies to such requests by itself (CSRF). `'allow'`
   * turns the check off, for apps with a CSRF defence of their own. Default `'refuse'`.
   */
  crossSite?: 'refuse' | 'allow'
  /** Origins besides the server's own whose unsafe requests are accepted, e.g. `['https://app.example.com']`. */
  trustedOrigins?: readonly string[]
}

/** Takes the token from the query string, on WebSocket upgrade requests only. */
export interface QueryTokenSource {
  /** The parameter's name, e.g. `access_token`. Keep it out of the request log: see `redactQueryParameters`. */
  query: string
}

/**
 * Takes the token from the `Sec-WebSocket-Protocol` list of a WebSocket upgrade:
 * the entry right after `subprotocol`, as in `new WebSocket(url, ['access_token', token])`.
 */
export interface SubprotocolTokenSource {
  /** The entry that announces the token, e.g. `access_token`; the server accepts it as the connection's protocol. */
  subprotocol: string
}

/** Returns the raw access token (no `Bearer ` prefix), or undefined when the request carries none. */
export type TokenFunction = (request: FastifyRequest) => string | undefined

/** One place an access token can come from; `'authorization'` is `Authorization: Bearer <token>`. */
export type AccessTokenSource = 'authorization' | CookieTokenSource | QueryTokenSource | SubprotocolTokenSource | TokenFunction

/** One source, or several tried in order: the first one that carries a token is used. */
export type TokenFrom = AccessTokenSource | readonly AccessTokenSource[]

/** A token taken from a cookie, on a cross-site request with an unsafe method. */
export class CrossSiteRefusal {
  constructor (readonly detail: string) {}
}

/** Reads and verifies the token of a request. */
export interface TokenReader {
  authenticate: (request: FastifyRequest) => User | Rejection | CrossSiteRefusal
  /** The raw token the request carries, for what is done after it was accepted (WebSocket expiry). */
  tokenOf: (request: FastifyRequest) => string | undefined
  /** True when a source reads cookies: routes then need @fastify/cookie. */
  readsCookies: boolean
  /** The query parameters a source reads, to be kept out of the request log. */
  queryParameters: readonly string[]
}

interface Found { token: string, cookie?: ResolvedCookie }
type Look = Found | Rejection | undefined

interface ResolvedCookie { name: string, checkCrossSite: boolean, trustedOrigins: ReadonlySet<string> }

export type ResolvedSource =
  | { kind: 'authorization' }
  | { kind: 'cookie', cookie: ResolvedCookie }
  | { kind: 'query', name: string }
  | { kind: 'subprotocol', marker: string }
  | { kind: 'function', read: TokenFunction }

/** A checked `tokenFrom`: the sources in the order they are tried. */
export type ResolvedTokenFrom = readonly ResolvedSource[]

/** What the guards read when no `tokenFrom` is given. */
export const AUTHORIZATION_HEADER: TokenFrom = 'authorization'

// --- option validation ------------------------------------------------------------

const SOURCE_SHAPES = "'authorization', { cookie }, { query }, { subprotocol } or a function of the request"

/** RFC 6265 cookie names and RFC 9110 tokens (subprotocols) share this alphabet. */
const TOKEN_CHARS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function invalid (where: string, message: string): never {
  throw new InvalidOptionError(`${where} ${message}`)
}

function onlyKeys (where: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) invalid(where, `has an unknown member \`${key}\`; it takes ${known.join(', ')}`)
  }
}

function resolveCookie (where: string, value: Record<string, unknown>): ResolvedSource {
  onlyKeys(where, value, ['cookie', 'crossSite', 'trustedOrigins'])
  const { cookie, crossSite = 'refuse', trustedOrigins = [] } = value
  if (typeof cookie !== 'string' || !TOKEN_CHARS.test(cookie)) invalid(`${where}.cookie`, 'must be a cookie name such as "__pa_at"')
  if (crossSite !== 'refuse' && crossSite !== 'allow') invalid(`${where}.crossSite`, "must be 'refuse' (the default) or 'allow'")
  if (!Array.isArray(trustedOrigins)) invalid(`${where}.trustedOrigins`, 'must be an array of origins such as "https://app.example.com"')
  const origins = new Set<string>()
  for (const origin of trustedOrigins) {
    let parsed: URL | undefined
    try {
      parsed = typeof origin === 'string' ? new URL(origin) : undefined
    } catch {}
    if (parsed === undefined || parsed.origin !== origin) {
      invalid(`${where}.trustedOrigins`, `must hold origins exactly as browsers send them, scheme and host with no path or trailing slash, such as "https://app.example.com" (got ${typeof origin === 'string' ? quoted(origin) : typeof origin})`)
    }
    origins.add(origin)
  }
  return { kind: 'cookie', cookie: { name: cookie, checkCrossSite: crossSite === 'refuse', trustedOrigins: origins } }
}

function resolveSource (where: string, value: unknown): ResolvedSource {
  if (value === 'authorization') return { kind: 'authorization' }
  if (typeof value === 'function') return { kind: 'function', read: value as TokenFunction }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(where, `must be ${SOURCE_SHAPES} (got ${typeof value === 'string' ? quoted(value) : value === null ? 'null' : typeof value})`)
  }
  const source = value as Record<string, unknown>
  if ('cookie' in source) return resolveCookie(where, source)
  if ('query' in source) {
    onlyKeys(where, source, ['query'])
    if (typeof source.query !== 'string' || source.query === '') invalid(`${where}.query`, 'must be a query parameter name such as "access_token"')
    return { kind: 'query', name: source.query }
  }
  if ('subprotocol' in source) {
    onlyKeys(where, source, ['subprotocol'])
    if (typeof source.subprotocol !== 'string' || !TOKEN_CHARS.test(source.subprotocol)) {
      invalid(`${where}.subprotocol`, 'must be a WebSocket subprotocol name such as "access_token"')
    }
    return { kind: 'subprotocol', marker: source.subprotocol }
  }
  invalid(where, `must be ${SOURCE_SHAPES} (got an object with ${Object.keys(source).map((key) => `\`${key}\``).join(', ') || 'no members'})`)
}

/** Checks a `tokenFrom` value; `where` names it in the error, e.g. "option `tokenFrom`". */
export function resolveTokenFrom (where: string, value: unknown): readonly ResolvedSource[] {
  if (!Array.isArray(value)) return [resolveSource(where, value)]
  if (value.length === 0) invalid(where, `must name at least one source: ${SOURCE_SHAPES}`)
  return value.map((item, i) => resolveSource(`${where}[${i}]`, item))
}

// --- reading ----------------------------------------------------------------------

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request with a cookie-carried token must be refused as cross-site,
 * and why. The rule is that of Go's `net/http` CrossOriginProtection: safe methods
 * pass; otherwise a browser's `Sec-Fetch-Site` decides (`same-origin` or `none`
 * pass), and without it the `Origin`, when sent, must name this server's host.
 * Requests with neither header come from no browser, which is what CSRF needs.
 */
export function crossSiteProblem (request: FastifyRequest, cookie: ResolvedCookie): string | undefined {
  if (!cookie.checkCrossSite || SAFE_METHODS.has(request.method)) return undefined
  const origin = request.headers.origin
  if (typeof origin === 'string' && cookie.trustedOrigins.has(origin)) return undefined
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return undefined
    return `a ${request.method} request carrying the token in the \`${cookie.name}\` cookie came from another site (Sec-Fetch-Site: ${quoted(site)}, Origin: ${origin === undefined ? 'none' : quoted(origin)}); trust that origin with trustedOrigins, or set crossSite: 'allow' if the app has its own CSRF defence`
  }
  if (origin === undefined) return undefined
  let host: string | undefined
  try {
    host = new URL(origin).host
  } catch {}
  if (host !== undefined && host === request.host.toLowerCase()) return undefined
  return `a ${request.method} request carrying the token in the \`${cookie.name}\` cookie came from Origin ${quoted(origin)}, not this server (${quoted(request.host)}); trust that origin with trustedOrigins, or set crossSite: 'allow' if the app has its own CSRF defence`
}

function isWebSocketUpgrade (request: FastifyRequest): boolean {
  const upgrade = request.headers.upgrade
  return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket'
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

function look (source: ResolvedSource, request: FastifyRequest, verifier: TokenVerifier): Look {
  switch (source.kind) {
    case 'authorization': {
      const header = request.headers.authorization
      if (header === undefined || header === '') return undefined
      const result = verifier.readAuthorizationHeader(header)
      // Another scheme (Basic …) is no bearer token: the next source may have one.
      if (result === undefined) return undefined
      return typeof result === 'string' ? { token: result } : result
    }
    case 'cookie': {
      const value = cookiesOf(request)?.[source.cookie.name]
      return value === undefined || value === '' ? undefined : { token: value, cookie: source.cookie }
    }
    case 'query': {
      if (!isWebSocketUpgrade(request)) return undefined
      const value = (request.query as Record<string, unknown> | undefined)?.[source.name]
      if (value === undefined || value === '') return undefined
      return typeof value === 'string' ? { token: value } : malformed(`the query parameter \`${source.name}\` was sent more than once`)
    }
    case 'subprotocol': {
      const header = request.headers['sec-websocket-protocol']
      if (typeof header !== 'string' || !isWebSocketUpgrade(request)) return undefined
      const entries = header.split(',').map((entry) => entry.trim())
      const at = entries.indexOf(source.marker)
      if (at === -1) return undefined
      const token = entries[at + 1]
      return token === undefined || token === '' ? malformed(`Sec-WebSocket-Protocol names \`${source.marker}\` with no token after it`) : { token }
    }
    case 'function': {
      const token: unknown = source.read(request)
      if (token === undefined || token === '') return undefined
      return typeof token === 'string' ? { token } : malformed(`the tokenFrom function returned ${token === null ? 'null' : `a ${typeof token}`}, not a string or undefined`)
    }
  }
}

function describeSource (source: ResolvedSource): string {
  switch (source.kind) {
    case 'authorization': return 'no Authorization: Bearer header'
    case 'cookie': return `no \`${source.cookie.name}\` cookie`
    case 'query': return `no \`${source.name}\` query parameter on a WebSocket upgrade`
    case 'subprotocol': return `no \`${source.marker}\` entry in Sec-WebSocket-Protocol`
    case 'function': return 'nothing from the tokenFrom function'
  }
}

/** The reader of the default source: the header, verified as before, with no indirection. */
function authorizationReader (verifier: TokenVerifier): TokenReader {
  return {
    authenticate: (request) => verifier.verifyAuthorizationHeader(request.headers.authorization),
    tokenOf: (request) => {
      const result = verifier.readAuthorizationHeader(request.headers.authorization)
      return typeof result === 'string' ? result : undefined
    },
    readsCookies: false,
    queryParameters: []
  }
}

/** Builds the reader of resolved sources. */
export function createTokenReader (sources: readonly ResolvedSource[], verifier: TokenVerifier): TokenReader {
  if (sources.length === 1 && sources[0].kind === 'authorization') return authorizationReader(verifier)
  const missing = Object.freeze(new Rejection('missing', 'no-token', `no access token: ${sources.map(describeSource).join(', ')}`))
  const find = (request: FastifyRequest): Look => {
    for (const source of sources) {
      const found = look(source, request, verifier)
      if (found !== undefined) return found
    }
    return undefined
  }
  return {
    authenticate: (request) => {
      const found = find(request)
      if (found === undefined) return missing
      if (found instanceof Rejection) return found
      if (found.cookie !== undefined) {
        const problem = crossSiteProblem(request, found.cookie)
        if (problem !== undefined) return new CrossSiteRefusal(problem)
      }
      return verifier.verifyToken(found.token)
    },
    tokenOf: (request) => {
      const found = find(request)
      return found === undefined || found instanceof Rejection ? undefined : found.token
    },
    readsCookies: sources.some((source) => source.kind === 'cookie'),
    queryParameters: Object.freeze(sources.flatMap((source) => source.kind === 'query' ? [source.name] : []))
  }
}
