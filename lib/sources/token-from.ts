import type { FastifyRequest } from 'fastify'

// Where the access-token guards take the token from (the option `tokenFrom` and
// `app.auth.from(…)`). The default is the `Authorization: Bearer` header; an app
// can read a cookie (SSR frontends, and PropelAuth's Next.js library, keep the
// access token in `__pa_at`), a WebSocket upgrade's `Sec-WebSocket-Protocol`
// list or query string (a browser cannot set headers on `new WebSocket()`), or
// any function of the request. Whatever the source, the token goes through the
// same verifier and is refused with the same errors and challenges.

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
  crossSite?: 'refuse' | 'allow' | undefined
  /** Origins besides the server's own whose unsafe requests are accepted, e.g. `['https://app.example.com']`. */
  trustedOrigins?: readonly string[] | undefined
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

/**
 * A function source whose token rides on a cookie (a signed cookie, say): the
 * cross-site rule of `{ cookie }` then applies to it, since a browser sends the
 * cookie on requests other sites make.
 */
export interface FunctionTokenSource {
  /** Returns the raw access token, or undefined when the request carries none. */
  from: TokenFunction
  /** `'refuse'` (the default): the cross-site rule of cookie tokens. `'allow'`: none, as a bare function. */
  crossSite?: 'refuse' | 'allow' | undefined
  /** Origins besides the server's own whose requests are accepted, e.g. `['https://app.example.com']`. */
  trustedOrigins?: readonly string[] | undefined
}

/**
 * One place an access token can come from; `'authorization'` is
 * `Authorization: Bearer <token>`, `'session'` the session of server-run
 * sign-in (option `sessions`), refreshed on the server when it expires.
 */
export type AccessTokenSource = 'authorization' | 'session' | CookieTokenSource | QueryTokenSource | SubprotocolTokenSource | TokenFunction | FunctionTokenSource

/** One source, or several tried in order: the first one that carries a token is used. */
export type TokenFrom = AccessTokenSource | readonly AccessTokenSource[]

/** The cross-site rule of a source whose token rides on a cookie. */
export interface CrossSiteRule {
  checkCrossSite: boolean
  trustedOrigins: ReadonlySet<string>
  /** Where the token was, for the refusal log: "the `__pa_at` cookie". */
  carrier: string
}

/** A checked cookie source. */
interface ResolvedCookie extends CrossSiteRule { name: string }

export type ResolvedSource =
  | { kind: 'authorization' }
  | { kind: 'cookie', cookie: ResolvedCookie }
  | { kind: 'query', name: string }
  | { kind: 'subprotocol', marker: string }
  | { kind: 'function', read: TokenFunction, crossSite?: CrossSiteRule, session?: true }

/** A checked `tokenFrom`: the sources in the order they are tried. */
export type ResolvedTokenFrom = readonly ResolvedSource[]
