import type { DecoratorNameOptions } from './declared-names.js'
import { InvalidOptionError } from '../errors.js'
import { checkPlainHttp } from './url-policy.js'
import { readVerifierKey } from '../key/read-verifier-key.js'
// Where tokens come from, deny by default, log levels: validated in their own modules.
import { resolveDenyByDefault, type DenyByDefaultOption, type ResolvedDenyByDefault } from '../route-policy/route-audit.js'
import { checkLogLevel, DEFAULT_REFUSAL_LOG_LEVEL, type LogLevel } from '../guards/refusal-log.js'
import { resolveTokenFrom, type ResolvedTokenFrom, type TokenFrom } from '../sources/read-token.js'

export const DEFAULT_API_BASE_URL = 'https://propelauth-api.com'
export const DEFAULT_CACHE_MAX = 1000
export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_RETRIES = 2
/** Retries are bounded: a boot (or an API call) must not wait on PropelAuth for minutes. */
export const MAX_RETRIES = 10
/** The longest delay Node's timers accept; AbortSignal.timeout fires at once beyond it. */
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

/** The names under which the guards put the user and the org on the request. */
export interface RequestDecoratorNames {
  user: string
  org: string
}
export const DEFAULT_REQUEST_DECORATORS: Readonly<RequestDecoratorNames> = Object.freeze({ user: 'user', org: 'org' })

/** The verification key and issuer, as shown on PropelAuth's Backend Integration page. */
export interface TokenVerificationMetadata {
  /** RSA public key, SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  verifierKey: string
  /** Expected `iss` claim; defaults to the origin of `authUrl`. */
  issuer?: string
}

export interface OpenApiOptions {
  /** Name of the bearer security scheme in `components.securitySchemes`. Default `propelauth`. */
  securitySchemeName?: string
  /** Add `security`, 401/403 responses and a description to routes that use the guards. Default `true`. */
  annotateRoutes?: boolean
}

// `decorator` and `requestDecorators` come from DecoratorNameOptions, typed by the
// names the app declares in PropelAuthTypes.
export interface FastifyPropelAuthOptions extends DecoratorNameOptions {
  /** Your PropelAuth auth URL, e.g. `https://auth.example.com`. Its origin is the expected token issuer. */
  authUrl: string
  /** Backend integration API key. Required unless `tokenVerificationMetadata` is given and no backend API call is made. */
  apiKey?: string
  /** Skip fetching the verification key (serverless, air-gapped, tests). */
  tokenVerificationMetadata?: TokenVerificationMetadata
  /** Where backend API calls go. Default `https://propelauth-api.com`. */
  apiBaseUrl?: string
  /**
   * Accept `http://` for `authUrl` and `apiBaseUrl` off loopback (a warning is
   * logged at registration). Plain HTTP on localhost, 127.0.0.0/8 and [::1] needs
   * no option. Default false.
   */
  allowInsecureHttp?: boolean
  /** Seconds of leeway on `exp` and `nbf`, 0 to 300. Default 0, as PropelAuth's Node library. */
  clockTolerance?: number
  /** Cache of verified tokens: `{ max }` entries, or `false` to verify every request. Default `{ max: 1000 }`. */
  cache?: false | { max?: number }
  /**
   * Cache of end-user API key answers for `requireApiKey` / `requireUserOrApiKey`,
   * keyed by a SHA-256 of the key: `{ max, ttl, invalidTtl }` (entries; seconds a
   * valid key is reused, 1 to 600; seconds a refused key is refused without asking
   * again, 0 to 60), or `false` to ask PropelAuth on every request.
   * Default `{ max: 1000, ttl: 30, invalidTtl: 5 }`.
   */
  apiKeyCache?: false | { max?: number, ttl?: number, invalidTtl?: number }
  /**
   * Bounds on the questions `requireApiKey` / `requireUserOrApiKey` ask PropelAuth:
   * at most `concurrency` at once (1 to 1000), at most `maxQueued` more waiting
   * (0 to 100000; beyond that a request is answered 503 at once). Default
   * `{ concurrency: 10, maxQueued: 1000 }`.
   */
  apiKeyValidation?: { concurrency?: number, maxQueued?: number }
  /** Milliseconds before one attempt of a backend call (the key fetch included) is abandoned; 1 or more. Default 10000. */
  timeout?: number
  /** Extra attempts (0 to 10) for backend calls that are safe to repeat (GETs), on network errors, 5xx and 429. Default 2. */
  retries?: number
  /** Seconds between two refetches of the key after a signature failure (key rotation), 1 or more. Default 60. */
  keyRefreshCooldown?: number
  /** Security scheme and route annotation for @fastify/swagger; `false` turns annotation off. */
  openapi?: boolean | OpenApiOptions

  // --- where tokens come from, deny by default, log levels --------------------------
  /**
   * Where the access-token guards take the token from: `'authorization'` (the
   * default), `{ cookie }` (with @fastify/cookie), `{ subprotocol }` or `{ query }`
   * (WebSocket upgrades), a function of the request, or several tried in order.
   * `app.auth.from(…)` makes guards with another source. The API-key guards and
   * `validateAccessTokenAndGetUser…` always read the `Authorization` header.
   */
  tokenFrom?: TokenFrom
  /** Guard every route with a guard unless it opts out: `true` (requireUser), or `{ guard, hook, publicPaths }`. */
  denyByDefault?: boolean | DenyByDefaultOption
  /** Levels of the plugin's logs: each refusal (default `debug`), the routes no guard protects at `ready` (default `info` with `denyByDefault`, else `debug`). */
  logLevels?: { refusals?: LogLevel, unprotectedRoutes?: LogLevel }
  // -------------------------------------------------------------------------------------
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

  // --- where tokens come from, deny by default, log levels --------------------------
  tokenFrom: ResolvedTokenFrom
  denyByDefault: ResolvedDenyByDefault | undefined
  logLevels: { refusals: LogLevel, unprotectedRoutes: LogLevel }
  // -------------------------------------------------------------------------------------
}

const KNOWN_OPTIONS = new Set([
  'authUrl', 'apiKey', 'tokenVerificationMetadata', 'apiBaseUrl', 'allowInsecureHttp', 'decorator', 'requestDecorators', 'clockTolerance',
  'cache', 'apiKeyCache', 'apiKeyValidation', 'timeout', 'retries', 'keyRefreshCooldown', 'openapi',
  // where tokens come from, deny by default, log levels
  'tokenFrom', 'denyByDefault', 'logLevels'
])

function invalid (message: string): never {
  throw new InvalidOptionError(message)
}

/**
 * Describes a value for an error message without ever printing a secret: a
 * string that contains the API key (say, the key pasted into `authUrl` by
 * mistake) is not shown, nor is a long string.
 */
function describe (value: unknown, secret?: string): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') {
    if (secret !== undefined && secret !== '' && value.includes(secret)) return 'a string that contains the `apiKey`'
    return value.length > 60 ? 'a long string' : JSON.stringify(value)
  }
  return typeof value === 'object' ? 'an object' : String(value)
}

interface UrlRules {
  secret: string | undefined
  allowInsecureHttp: boolean
  warnings: string[]
}

function parseHttpUrl (name: string, value: unknown, example: string, rules: UrlRules): URL {
  const { secret } = rules
  if (typeof value !== 'string' || value.trim() === '') {
    invalid(`option \`${name}\` is required: the URL of ${example} (got ${describe(value, secret)})`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    invalid(`option \`${name}\` must be an absolute URL such as ${example} (got ${describe(value, secret)})`)
  }
  // Checked first, so that no later message prints the credentials.
  if (url.username !== '' || url.password !== '') {
    invalid(`option \`${name}\` must not contain credentials`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    invalid(`option \`${name}\` must be an http or https URL such as ${example} (got ${describe(value, secret)})`)
  }
  const verdict = checkPlainHttp(name, url, rules.allowInsecureHttp, describe(url.origin, secret))
  if (!verdict.allowed) invalid(verdict.reason)
  if (verdict.warning !== undefined) rules.warnings.push(verdict.warning)
  return url
}

/** Refuses members a nested option object does not have, so a typo is not silently ignored. */
function onlyKnownKeys (name: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) invalid(`unknown option \`${name}.${key}\`; ${name} takes ${known.join(', ')}`)
  }
}

function wholeNumberInRange (name: string, value: unknown, fallback: number, unit: string, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`option \`${name}\` must be a whole number of ${unit} from ${min} to ${max} (got ${describe(value)})`)
  }
  return value
}

function numberInRange (name: string, value: unknown, fallback: number, unit: string, min: number, max: number, why = ''): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_VALUE ? `${min} or more` : `from ${min} to ${max}`
    invalid(`option \`${name}\` must be a finite number of ${unit}, ${range} (got ${describe(value)})${why}`)
  }
  return value
}

function resolveCache (value: unknown): number {
  if (value === undefined || value === true) return DEFAULT_CACHE_MAX
  if (value === false) return 0
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(`option \`cache\` must be false or { max: <entries> } (got ${describe(value)})`)
  }
  onlyKnownKeys('cache', value, ['max'])
  const max = (value as { max?: unknown }).max
  if (max === undefined) return DEFAULT_CACHE_MAX
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    invalid(`option \`cache.max\` must be a whole number of entries, 1 or more; use cache: false to turn the cache off (got ${describe(max)})`)
  }
  return max
}

export const DEFAULT_API_KEY_CACHE = Object.freeze({ max: 1000, ttl: 30, invalidTtl: 5 })
/** Longest an API key validation is reused: a revoked key must stop working soon. */
const MAX_API_KEY_CACHE_TTL_S = 600
/** Longest a refused key is refused without asking: a key created meanwhile elsewhere must work soon. */
const MAX_API_KEY_INVALID_TTL_S = 60

function resolveApiKeyCache (value: unknown): ResolvedOptions['apiKeyCache'] {
  if (value === undefined || value === true) return { ...DEFAULT_API_KEY_CACHE }
  if (value === false) return { max: 0, ttl: 0, invalidTtl: 0 }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(`option \`apiKeyCache\` must be false or { max: <entries>, ttl: <seconds>, invalidTtl: <seconds> } (got ${describe(value)})`)
  }
  onlyKnownKeys('apiKeyCache', value, ['max', 'ttl', 'invalidTtl'])
  const { max, ttl, invalidTtl } = value as { max?: unknown, ttl?: unknown, invalidTtl?: unknown }
  return {
    max: wholeNumberInRange('apiKeyCache.max', max, DEFAULT_API_KEY_CACHE.max, 'entries', 1, Number.MAX_SAFE_INTEGER),
    ttl: wholeNumberInRange('apiKeyCache.ttl', ttl, DEFAULT_API_KEY_CACHE.ttl, 'seconds', 1, MAX_API_KEY_CACHE_TTL_S),
    invalidTtl: wholeNumberInRange('apiKeyCache.invalidTtl', invalidTtl, DEFAULT_API_KEY_CACHE.invalidTtl, 'seconds', 0, MAX_API_KEY_INVALID_TTL_S)
  }
}

export const DEFAULT_API_KEY_VALIDATION = Object.freeze({ concurrency: 10, maxQueued: 1000 })
const MAX_API_KEY_VALIDATION_CONCURRENCY = 1000
const MAX_API_KEY_VALIDATION_QUEUE = 100_000

function resolveApiKeyValidation (value: unknown): ResolvedOptions['apiKeyValidation'] {
  if (value === undefined) return { ...DEFAULT_API_KEY_VALIDATION }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(`option \`apiKeyValidation\` must be { concurrency: <calls>, maxQueued: <requests> } (got ${describe(value)})`)
  }
  onlyKnownKeys('apiKeyValidation', value, ['concurrency', 'maxQueued'])
  const { concurrency, maxQueued } = value as { concurrency?: unknown, maxQueued?: unknown }
  return {
    concurrency: wholeNumberInRange('apiKeyValidation.concurrency', concurrency, DEFAULT_API_KEY_VALIDATION.concurrency, 'calls', 1, MAX_API_KEY_VALIDATION_CONCURRENCY),
    maxQueued: wholeNumberInRange('apiKeyValidation.maxQueued', maxQueued, DEFAULT_API_KEY_VALIDATION.maxQueued, 'requests', 0, MAX_API_KEY_VALIDATION_QUEUE)
  }
}

function resolveOpenApi (value: unknown, secret: string | undefined): ResolvedOptions['openapi'] {
  if (value === undefined || value === true) return { enabled: true, securitySchemeName: 'propelauth' }
  if (value === false) return { enabled: false, securitySchemeName: 'propelauth' }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(`option \`openapi\` must be a boolean or { securitySchemeName, annotateRoutes } (got ${describe(value)})`)
  }
  const { securitySchemeName = 'propelauth', annotateRoutes = true } = value as OpenApiOptions
  if (typeof securitySchemeName !== 'string' || !/^[\w.-]+$/.test(securitySchemeName)) {
    invalid(`option \`openapi.securitySchemeName\` must match /^[\\w.-]+$/ (got ${describe(securitySchemeName, secret)})`)
  }
  if (typeof annotateRoutes !== 'boolean') {
    invalid(`option \`openapi.annotateRoutes\` must be a boolean (got ${describe(annotateRoutes)})`)
  }
  return { enabled: annotateRoutes, securitySchemeName }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function resolveRequestDecorators (value: unknown, secret: string | undefined): RequestDecoratorNames {
  if (value === undefined) return { ...DEFAULT_REQUEST_DECORATORS }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(`option \`requestDecorators\` must be { user, org }, the names request.user and request.org take instead, e.g. { user: 'propelAuthUser', org: 'propelAuthOrg' } (got ${describe(value, secret)})`)
  }
  onlyKnownKeys('requestDecorators', value, ['user', 'org'])
  const { user = DEFAULT_REQUEST_DECORATORS.user, org = DEFAULT_REQUEST_DECORATORS.org } = value as Record<string, unknown>
  for (const [name, chosen] of [['user', user], ['org', org]] as const) {
    if (typeof chosen !== 'string' || !IDENTIFIER.test(chosen)) {
      invalid(`option \`requestDecorators.${name}\` must be a JavaScript identifier such as "propelAuth${name === 'user' ? 'User' : 'Org'}" (got ${describe(chosen, secret)})`)
    }
  }
  if (user === org) {
    invalid(`options \`requestDecorators.user\` and \`requestDecorators.org\` must be two different names (both are ${describe(user, secret)})`)
  }
  return { user: user as string, org: org as string }
}

// --- where tokens come from, deny by default, log levels ----------------------------

function resolveLogLevels (value: unknown, denyByDefault: boolean): ResolvedOptions['logLevels'] {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    invalid(`option \`logLevels\` must be { refusals, unprotectedRoutes } (got ${describe(value)})`)
  }
  const levels = (value ?? {}) as Record<string, unknown>
  onlyKnownKeys('logLevels', levels, ['refusals', 'unprotectedRoutes'])
  return {
    refusals: checkLogLevel('logLevels.refusals', levels.refusals, DEFAULT_REFUSAL_LOG_LEVEL),
    // Without deny by default every route is listed: no news worth `info`.
    unprotectedRoutes: checkLogLevel('logLevels.unprotectedRoutes', levels.unprotectedRoutes, denyByDefault ? 'info' : 'debug')
  }
}

function resolveAppShapeOptions (opts: Record<string, unknown>): Pick<ResolvedOptions, 'tokenFrom' | 'denyByDefault' | 'logLevels'> {
  const denyByDefault = resolveDenyByDefault(opts.denyByDefault)
  return {
    tokenFrom: resolveTokenFrom('option `tokenFrom`', opts.tokenFrom ?? 'authorization'),
    denyByDefault,
    logLevels: resolveLogLevels(opts.logLevels, denyByDefault !== undefined)
  }
}

// -------------------------------------------------------------------------------------

/** Validates the options given to `register` and fills in defaults; throws FST_PROPELAUTH_INVALID_OPTION. */
export function resolveOptions (options: unknown): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalid('options must be an object such as { authUrl, apiKey }')
  }
  const opts = options as Record<string, unknown>
  for (const key of Object.keys(opts)) {
    if (!KNOWN_OPTIONS.has(key)) {
      invalid(`unknown option \`${key}\`; known options are ${[...KNOWN_OPTIONS].join(', ')}`)
    }
  }

  // Read first: every message below is built so that it never contains this value.
  const rawApiKey = opts.apiKey
  if (rawApiKey !== undefined && (typeof rawApiKey !== 'string' || rawApiKey.trim() === '')) {
    invalid('option `apiKey` must be a non-empty string: the key from PropelAuth\'s Backend Integration page')
  }
  // Surrounding whitespace (a key read from a file ends with a newline) is dropped,
  // as fetch would drop it from the header. Anything else that cannot go into an
  // HTTP header would make every call fail later with a bare "invalid
  // authorization header"; say so now instead.
  const apiKey = (rawApiKey as string | undefined)?.trim()
  if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey)) {
    invalid('option `apiKey` must be printable ASCII with no inner spaces or control characters; check what was copied along with the key')
  }
  const secret = apiKey

  const allowInsecureHttp = opts.allowInsecureHttp ?? false
  if (typeof allowInsecureHttp !== 'boolean') {
    invalid(`option \`allowInsecureHttp\` must be a boolean (got ${describe(allowInsecureHttp, secret)})`)
  }
  const urlRules: UrlRules = { secret, allowInsecureHttp, warnings: [] }

  const authUrl = parseHttpUrl('authUrl', opts.authUrl, 'your PropelAuth auth URL, e.g. https://auth.example.com', urlRules)

  let verifierKeyPem: string | undefined
  let issuer = authUrl.origin
  const metadata = opts.tokenVerificationMetadata
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      invalid('option `tokenVerificationMetadata` must be { verifierKey, issuer }')
    }
    onlyKnownKeys('tokenVerificationMetadata', metadata, ['verifierKey', 'issuer'])
    const { verifierKey, issuer: configuredIssuer } = metadata as Record<string, unknown>
    if (typeof verifierKey !== 'string' || !verifierKey.includes('-----BEGIN')) {
      invalid('option `tokenVerificationMetadata.verifierKey` must be the PEM public key from PropelAuth\'s Backend Integration page ("-----BEGIN PUBLIC KEY-----…")')
    }
    // Imported here too (index.ts imports it again, cheaply) so that a wrong key is
    // reported as the wrong option it is, before anything else happens.
    const problem = readVerifierKey(verifierKey)
    if (typeof problem === 'string') invalid(`option \`tokenVerificationMetadata.verifierKey\` ${problem}`)
    if (configuredIssuer !== undefined) {
      if (typeof configuredIssuer !== 'string' || configuredIssuer === '') {
        invalid(`option \`tokenVerificationMetadata.issuer\` must be a non-empty string such as https://auth.example.com (got ${describe(configuredIssuer, secret)})`)
      }
      issuer = configuredIssuer
    }
    verifierKeyPem = verifierKey
  } else if (apiKey === undefined) {
    invalid('option `apiKey` is required to fetch the token verification key; pass it, or pass `tokenVerificationMetadata` to skip the fetch')
  }

  const apiBaseUrl = parseHttpUrl('apiBaseUrl', opts.apiBaseUrl ?? DEFAULT_API_BASE_URL, 'the PropelAuth backend API, e.g. https://propelauth-api.com', urlRules)

  const decorator = opts.decorator ?? 'auth'
  if (typeof decorator !== 'string' || !IDENTIFIER.test(decorator)) {
    invalid(`option \`decorator\` must be a JavaScript identifier such as "propelAuth" (got ${describe(decorator, secret)})`)
  }

  return {
    authUrl: authUrl.href,
    issuer,
    authHostname: authUrl.hostname,
    apiKey,
    verifierKeyPem,
    apiBaseUrl: apiBaseUrl.origin + apiBaseUrl.pathname.replace(/\/+$/, ''),
    decorator,
    requestDecorators: resolveRequestDecorators(opts.requestDecorators, secret),
    clockTolerance: numberInRange('clockTolerance', opts.clockTolerance, 0, 'seconds', 0, MAX_CLOCK_TOLERANCE_S,
      '; more leeway than a few minutes keeps expired tokens working'),
    cacheMax: resolveCache(opts.cache),
    apiKeyCache: resolveApiKeyCache(opts.apiKeyCache),
    apiKeyValidation: resolveApiKeyValidation(opts.apiKeyValidation),
    // 0 is refused rather than read as "no timeout" or "the default": a key fetch with no time limit could hang a boot.
    timeout: wholeNumberInRange('timeout', opts.timeout, DEFAULT_TIMEOUT_MS, 'milliseconds', 1, MAX_TIMEOUT_MS),
    retries: wholeNumberInRange('retries', opts.retries, DEFAULT_RETRIES, 'attempts', 0, MAX_RETRIES),
    keyRefreshCooldown: numberInRange('keyRefreshCooldown', opts.keyRefreshCooldown, DEFAULT_KEY_REFRESH_COOLDOWN_S, 'seconds', MIN_KEY_REFRESH_COOLDOWN_S, Number.MAX_VALUE,
      '; a shorter cooldown lets forged tokens make PropelAuth fetch the key over and over'),
    openapi: resolveOpenApi(opts.openapi, secret),
    warnings: urlRules.warnings,
    ...resolveAppShapeOptions(opts)
  }
}
