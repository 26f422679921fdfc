import type { DecoratorNameOptions, RequestDecoratorNames } from './declared-names.js'
import type { DenyByDefaultOption, ResolvedDenyByDefault } from './deny-by-default-option.js'
import type { LogLevel } from '../guards/refusal-log.js'
import type { ResolvedTokenFrom, TokenFrom } from '../sources/token-from.js'
import type { ResolvedSessions, SessionsOptions } from './sessions-option.js'

// The plugin's options as an app writes them, and as the plugin reads them once
// checked, with their defaults and bounds.

export const DEFAULT_API_BASE_URL = 'https://propelauth-api.com'
export const DEFAULT_CACHE_MAX = 1000
export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_RETRIES = 2
/** Retries are bounded: a boot (or an API call) must not wait on PropelAuth for minutes. */
export const MAX_RETRIES = 10
/** The longest delay Node's timers accept; a timer set beyond it fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647
export const DEFAULT_KEY_REFRESH_COOLDOWN_S = 60
/**
 * Below one second a flood of forged tokens turns into a flood of key fetches
 * on PropelAuth, each carrying the integration key.
 */
export const MIN_KEY_REFRESH_COOLDOWN_S = 1
/**
 * More leeway than a few minutes is no longer clock skew: it keeps expired
 * tokens working. PropelAuth's Python library uses 60 s.
 */
export const MAX_CLOCK_TOLERANCE_S = 300

/** The verification key and issuer, as shown on PropelAuth's Backend Integration page. */
export interface TokenVerificationMetadata {
  /** RSA public key, SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  verifierKey: string
  /** Expected `iss` claim; defaults to the origin of `authUrl`. */
  issuer?: string | undefined
}

export interface OpenApiOptions {
  /** Name of the bearer security scheme in `components.securitySchemes`. Default `propelauth`. */
  securitySchemeName?: string | undefined
  /** Add `security`, 401/403 responses and a description to routes that use the guards. Default `true`. */
  annotateRoutes?: boolean | undefined
}

// `decorator` and `requestDecorators` come from DecoratorNameOptions, typed by the
// names the app declares in PropelAuthTypes.
export interface FastifyPropelAuthOptions extends DecoratorNameOptions {
  /** Your PropelAuth auth URL, e.g. `https://auth.example.com`. Its origin is the expected token issuer. Default: `PROPELAUTH_AUTH_URL`. */
  authUrl?: string | undefined
  /** Backend integration API key. Required unless `tokenVerificationMetadata` is given and no backend API call is made. Default: `PROPELAUTH_API_KEY`. */
  apiKey?: string | undefined
  /** Skip fetching the verification key (serverless, air-gapped, tests). Default: `{ verifierKey: PROPELAUTH_VERIFIER_KEY }` when that variable is set. */
  tokenVerificationMetadata?: TokenVerificationMetadata | undefined
  /** Where backend API calls go. Default `https://propelauth-api.com`. */
  apiBaseUrl?: string | undefined
  /**
   * Accept `http://` for `authUrl` and `apiBaseUrl` off loopback (a warning is
   * logged at registration). Plain HTTP on localhost, 127.0.0.0/8 and [::1] needs
   * no option. Default false.
   */
  allowInsecureHttp?: boolean | undefined
  /** Seconds of leeway on `exp` and `nbf`, 0 to 300. Default 0, as PropelAuth's Node library. */
  clockTolerance?: number | undefined
  /** Cache of verified tokens: `{ max }` entries, or `false` to verify every request. Default `{ max: 1000 }`. */
  cache?: false | { max?: number | undefined } | undefined
  /**
   * Cache of end-user API key answers for `requireApiKey` / `requireUserOrApiKey`,
   * keyed by a SHA-256 of the key: `{ max, ttl, invalidTtl }` (entries; seconds a
   * valid key is reused, 1 to 600; seconds a refused key is refused without asking
   * again, 0 to 60), or `false` to ask PropelAuth on every request.
   * Default `{ max: 1000, ttl: 30, invalidTtl: 5 }`.
   */
  apiKeyCache?: false | { max?: number | undefined, ttl?: number | undefined, invalidTtl?: number | undefined } | undefined
  /**
   * Bounds on the questions `requireApiKey` / `requireUserOrApiKey` ask PropelAuth:
   * at most `concurrency` at once (1 to 1000), at most `maxQueued` more waiting
   * (0 to 100000; beyond that a request is answered 503 at once). Default
   * `{ concurrency: 10, maxQueued: 1000 }`.
   */
  apiKeyValidation?: { concurrency?: number | undefined, maxQueued?: number | undefined } | undefined
  /** Milliseconds before one attempt of a backend call (the key fetch included) is abandoned; 1 or more. Default 10000. */
  timeout?: number | undefined
  /** Extra attempts (0 to 10) for backend calls that are safe to repeat (GETs), on network errors, 5xx and 429. Default 2. */
  retries?: number | undefined
  /** Seconds between two refetches of the key after a signature failure (key rotation), 1 or more. Default 60. */
  keyRefreshCooldown?: number | undefined
  /** Security scheme and route annotation for @fastify/swagger; `false` turns annotation off. */
  openapi?: boolean | OpenApiOptions | undefined

  /**
   * Where the access-token guards take the token from: `'authorization'` (the
   * default), `{ cookie }` (with @fastify/cookie), `{ subprotocol }` or `{ query }`
   * (WebSocket upgrades), a function of the request, or several tried in order.
   * `app.auth.from(…)` makes guards with another source. The API-key guards and
   * `validateAccessTokenAndGetUser…` always read the `Authorization` header.
   */
  tokenFrom?: TokenFrom | undefined
  /** Guard every route with a guard unless it opts out: `true` (requireUser), or `{ guard, hook, publicPaths }`. */
  denyByDefault?: boolean | DenyByDefaultOption | undefined
  /** Levels of the plugin's logs: each refusal (default `debug`), the routes no guard protects at `ready` (default `info` with `denyByDefault`, else `debug`). */
  logLevels?: { refusals?: LogLevel | undefined, unprotectedRoutes?: LogLevel | undefined } | undefined
  /**
   * Server-run sign-in: PropelAuth's server-side login routes (`/api/auth/login`,
   * `/callback`, `/logout`, …) and sessions in HttpOnly cookies, refreshed on the
   * server. Read by the token source `'session'` and the guards of `app.auth.pages`.
   */
  sessions?: SessionsOptions | undefined
}

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  authUrl: string
  /** Expected `iss`: the configured issuer, else the auth URL's origin. */
  issuer: string
  /** Sent as `X-Propelauth-url`: the auth URL's hostname without port, as PropelAuth's Node library sends it. */
  authHostname: string
  apiKey: string | undefined
  verifierKeyPem: string | undefined
  apiBaseUrl: string
  decorator: string
  /** Where the guards put the user and the org on the request. */
  requestDecorators: RequestDecoratorNames
  clockTolerance: number
  cacheMax: number
  /** Entries (0: no cache), seconds a valid answer is reused and seconds a refusal is (0: not at all). */
  apiKeyCache: { max: number, ttl: number, invalidTtl: number }
  apiKeyValidation: { concurrency: number, maxQueued: number }
  timeout: number
  retries: number
  keyRefreshCooldown: number
  openapi: { enabled: boolean, securitySchemeName: string }
  /** Said once at registration (plain HTTP allowed off loopback); never contains a secret. */
  warnings: string[]

  tokenFrom: ResolvedTokenFrom
  denyByDefault: ResolvedDenyByDefault | undefined
  logLevels: { refusals: LogLevel, unprotectedRoutes: LogLevel }
  sessions: ResolvedSessions | undefined
}
