import { DEFAULT_REQUEST_DECORATORS, type RequestDecoratorNames } from './declared-names.js'
import { resolveDenyByDefault } from './deny-by-default-option.js'
import { describeValue, invalidOption, numberInRange, rejectUnknownKeys, wholeNumberInRange } from './option-checks.js'
import {
  DEFAULT_API_BASE_URL,
  DEFAULT_CACHE_MAX,
  DEFAULT_KEY_REFRESH_COOLDOWN_S,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  MAX_CLOCK_TOLERANCE_S,
  MAX_RETRIES,
  MAX_TIMEOUT_MS,
  MIN_KEY_REFRESH_COOLDOWN_S,
  type OpenApiOptions,
  type ResolvedOptions
} from './plugin-options.js'
import { parseHttpUrl, type UrlRules } from './url-policy.js'
import { readVerifierKey } from '../key/read-verifier-key.js'
import { checkLogLevel, DEFAULT_REFUSAL_LOG_LEVEL } from '../guards/refusal-log.js'
import { readsSession, resolveTokenFrom } from '../sources/resolve-token-from.js'
import { resolveSessions } from './sessions-option.js'
import { ENVIRONMENT_VARIABLES, withEnvironment } from './environment.js'
import { InvalidOptionError } from '../errors.js'
import { isPlainObject } from '../util/is-plain-object.js'

// Checks the options given to `register` and fills in the defaults, one named
// step per option; a wrong option fails with FST_PROPELAUTH_INVALID_OPTION
// saying what to write instead, and no message ever shows the API key.

const KNOWN_OPTIONS = [
  'authUrl', 'apiKey', 'tokenVerificationMetadata', 'apiBaseUrl', 'allowInsecureHttp', 'decorator', 'requestDecorators', 'clockTolerance',
  'cache', 'apiKeyCache', 'apiKeyValidation', 'timeout', 'retries', 'keyRefreshCooldown', 'openapi',
  // where tokens come from, deny by default, log levels
  'tokenFrom', 'denyByDefault', 'logLevels',
  // server-run sign-in
  'sessions'
]

function resolveCache (value: unknown): number {
  if (value === undefined || value === true) return DEFAULT_CACHE_MAX
  if (value === false) return 0
  if (!isPlainObject(value)) {
    invalidOption(`option \`cache\` must be false or { max: <entries> } (got ${describeValue(value)})`)
  }
  rejectUnknownKeys(value, ['max'], 'cache')
  const max = (value as { max?: unknown }).max
  if (max === undefined) return DEFAULT_CACHE_MAX
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    invalidOption(`option \`cache.max\` must be a whole number of entries, 1 or more; use cache: false to turn the cache off (got ${describeValue(max)})`)
  }
  return max
}

const DEFAULT_API_KEY_CACHE = Object.freeze({ max: 1000, ttl: 30, invalidTtl: 5 })
/** Longest an API key validation is reused: a revoked key must stop working soon. */
const MAX_API_KEY_CACHE_TTL_S = 600
/** Longest a refused key is refused without asking: a key created meanwhile elsewhere must work soon. */
const MAX_API_KEY_INVALID_TTL_S = 60

function resolveApiKeyCache (value: unknown): ResolvedOptions['apiKeyCache'] {
  if (value === undefined || value === true) return { ...DEFAULT_API_KEY_CACHE }
  if (value === false) return { max: 0, ttl: 0, invalidTtl: 0 }
  if (!isPlainObject(value)) {
    invalidOption(`option \`apiKeyCache\` must be false or { max: <entries>, ttl: <seconds>, invalidTtl: <seconds> } (got ${describeValue(value)})`)
  }
  rejectUnknownKeys(value, ['max', 'ttl', 'invalidTtl'], 'apiKeyCache')
  const { max, ttl, invalidTtl } = value as { max?: unknown, ttl?: unknown, invalidTtl?: unknown }
  return {
    max: wholeNumberInRange('apiKeyCache.max', max, DEFAULT_API_KEY_CACHE.max, 'entries', 1, Number.MAX_SAFE_INTEGER),
    ttl: wholeNumberInRange('apiKeyCache.ttl', ttl, DEFAULT_API_KEY_CACHE.ttl, 'seconds', 1, MAX_API_KEY_CACHE_TTL_S),
    invalidTtl: wholeNumberInRange('apiKeyCache.invalidTtl', invalidTtl, DEFAULT_API_KEY_CACHE.invalidTtl, 'seconds', 0, MAX_API_KEY_INVALID_TTL_S)
  }
}

const DEFAULT_API_KEY_VALIDATION = Object.freeze({ concurrency: 10, maxQueued: 1000 })
const MAX_API_KEY_VALIDATION_CONCURRENCY = 1000
const MAX_API_KEY_VALIDATION_QUEUE = 100_000

function resolveApiKeyValidation (value: unknown): ResolvedOptions['apiKeyValidation'] {
  if (value === undefined) return { ...DEFAULT_API_KEY_VALIDATION }
  if (!isPlainObject(value)) {
    invalidOption(`option \`apiKeyValidation\` must be { concurrency: <calls>, maxQueued: <requests> } (got ${describeValue(value)})`)
  }
  rejectUnknownKeys(value, ['concurrency', 'maxQueued'], 'apiKeyValidation')
  const { concurrency, maxQueued } = value as { concurrency?: unknown, maxQueued?: unknown }
  return {
    concurrency: wholeNumberInRange('apiKeyValidation.concurrency', concurrency, DEFAULT_API_KEY_VALIDATION.concurrency, 'calls', 1, MAX_API_KEY_VALIDATION_CONCURRENCY),
    maxQueued: wholeNumberInRange('apiKeyValidation.maxQueued', maxQueued, DEFAULT_API_KEY_VALIDATION.maxQueued, 'requests', 0, MAX_API_KEY_VALIDATION_QUEUE)
  }
}

function resolveOpenApi (value: unknown, secret: string | undefined): ResolvedOptions['openapi'] {
  if (value === undefined || value === true) return { enabled: true, securitySchemeName: 'propelauth' }
  if (value === false) return { enabled: false, securitySchemeName: 'propelauth' }
  if (!isPlainObject(value)) {
    invalidOption(`option \`openapi\` must be a boolean or { securitySchemeName, annotateRoutes } (got ${describeValue(value)})`)
  }
  const { securitySchemeName = 'propelauth', annotateRoutes = true } = value as OpenApiOptions
  if (typeof securitySchemeName !== 'string' || !/^[\w.-]+$/.test(securitySchemeName)) {
    invalidOption(`option \`openapi.securitySchemeName\` must match /^[\\w.-]+$/ (got ${describeValue(securitySchemeName, secret)})`)
  }
  if (typeof annotateRoutes !== 'boolean') {
    invalidOption(`option \`openapi.annotateRoutes\` must be a boolean (got ${describeValue(annotateRoutes)})`)
  }
  return { enabled: annotateRoutes, securitySchemeName }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function resolveRequestDecorators (value: unknown, secret: string | undefined): RequestDecoratorNames {
  if (value === undefined) return { ...DEFAULT_REQUEST_DECORATORS }
  if (!isPlainObject(value)) {
    invalidOption(`option \`requestDecorators\` must be { user, org }, the names request.user and request.org take instead, e.g. { user: 'propelAuthUser', org: 'propelAuthOrg' } (got ${describeValue(value, secret)})`)
  }
  rejectUnknownKeys(value, ['user', 'org'], 'requestDecorators')
  const { user = DEFAULT_REQUEST_DECORATORS.user, org = DEFAULT_REQUEST_DECORATORS.org } = value as Record<string, unknown>
  for (const [name, chosen] of [['user', user], ['org', org]] as const) {
    if (typeof chosen !== 'string' || !IDENTIFIER.test(chosen)) {
      invalidOption(`option \`requestDecorators.${name}\` must be a JavaScript identifier such as "propelAuth${name === 'user' ? 'User' : 'Org'}" (got ${describeValue(chosen, secret)})`)
    }
  }
  if (user === org) {
    invalidOption(`options \`requestDecorators.user\` and \`requestDecorators.org\` must be two different names (both are ${describeValue(user, secret)})`)
  }
  return { user: user as string, org: org as string }
}

function resolveLogLevels (value: unknown, denyByDefault: boolean): ResolvedOptions['logLevels'] {
  if (value !== undefined && (!isPlainObject(value))) {
    invalidOption(`option \`logLevels\` must be { refusals, unprotectedRoutes } (got ${describeValue(value)})`)
  }
  const levels = (value ?? {}) as Record<string, unknown>
  rejectUnknownKeys(levels, ['refusals', 'unprotectedRoutes'], 'logLevels')
  return {
    refusals: checkLogLevel('logLevels.refusals', levels.refusals, DEFAULT_REFUSAL_LOG_LEVEL),
    // Without deny by default every route is listed: no news worth `info`.
    unprotectedRoutes: checkLogLevel('logLevels.unprotectedRoutes', levels.unprotectedRoutes, denyByDefault ? 'info' : 'debug')
  }
}

/** Reads `apiKey` first: every message after it is built so that it never contains the key. */
function readApiKey (value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    invalidOption('option `apiKey` must be a non-empty string: the key from PropelAuth\'s Backend Integration page')
  }
  // Surrounding whitespace (a key read from a file ends with a newline) is dropped,
  // as fetch would drop it from the header. Anything else that cannot go into an
  // HTTP header would make every call fail later with a bare "invalid
  // authorization header"; say so now instead.
  const apiKey = value.trim()
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    invalidOption('option `apiKey` must be printable ASCII with no inner spaces or control characters; check what was copied along with the key')
  }
  return apiKey
}

/** The verification key given as an option (or none: it is fetched) and the issuer tokens must carry. */
function resolveVerification (value: unknown, authUrl: URL, apiKey: string | undefined): { verifierKeyPem: string | undefined, issuer: string } {
  if (value === undefined) {
    if (apiKey === undefined) {
      invalidOption(`option \`apiKey\` (or the environment variable ${ENVIRONMENT_VARIABLES.apiKey}) is required to fetch the token verification key; ` +
        `pass it, or pass \`tokenVerificationMetadata\` (or set ${ENVIRONMENT_VARIABLES.verifierKey}) to skip the fetch`)
    }
    return { verifierKeyPem: undefined, issuer: authUrl.origin }
  }
  if (!isPlainObject(value)) invalidOption('option `tokenVerificationMetadata` must be { verifierKey, issuer }')
  rejectUnknownKeys(value, ['verifierKey', 'issuer'], 'tokenVerificationMetadata')
  const { verifierKey, issuer } = value
  if (typeof verifierKey !== 'string' || !verifierKey.includes('-----BEGIN')) {
    invalidOption('option `tokenVerificationMetadata.verifierKey` must be the PEM public key from PropelAuth\'s Backend Integration page ("-----BEGIN PUBLIC KEY-----…")')
  }
  // Imported here too (the plugin imports it again, cheaply) so that a wrong key is
  // reported as the wrong option it is, before anything else happens.
  const problem = readVerifierKey(verifierKey)
  if (typeof problem === 'string') invalidOption(`option \`tokenVerificationMetadata.verifierKey\` ${problem}`)
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === '')) {
    invalidOption(`option \`tokenVerificationMetadata.issuer\` must be a non-empty string such as https://auth.example.com (got ${describeValue(issuer, apiKey)})`)
  }
  return { verifierKeyPem: verifierKey, issuer: issuer ?? authUrl.origin }
}

function resolveDecorator (value: unknown, secret: string | undefined): string {
  if (value === undefined) return 'auth'
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    invalidOption(`option \`decorator\` must be a JavaScript identifier such as "propelAuth" (got ${describeValue(value, secret)})`)
  }
  return value
}

/**
 * Runs `resolve`; when it refuses a setting that came from the environment,
 * the message says which variable held it.
 */
function namingVariable<T> (setting: keyof typeof ENVIRONMENT_VARIABLES | undefined, resolve: () => T): T {
  if (setting === undefined) return resolve()
  try {
    return resolve()
  } catch (error) {
    if (error instanceof InvalidOptionError) error.message += ` (read from the environment variable ${ENVIRONMENT_VARIABLES[setting]})`
    throw error
  }
}

/** Validates the options given to `register` and fills in defaults; throws FST_PROPELAUTH_INVALID_OPTION. */
export function resolveOptions (options: unknown): ResolvedOptions {
  if (!isPlainObject(options)) invalidOption('options must be an object such as { authUrl, apiKey }')
  rejectUnknownKeys(options, KNOWN_OPTIONS, '', 'fastify-propelauth')
  const opts = withEnvironment(options)
  const fromEnvironment = (name: keyof typeof ENVIRONMENT_VARIABLES, given: unknown): boolean => given === undefined && opts[name === 'verifierKey' ? 'tokenVerificationMetadata' : name] !== undefined
  const apiKey = fromEnvironment('apiKey', options.apiKey)
    ? namingVariable('apiKey', () => readApiKey(opts.apiKey))
    : readApiKey(opts.apiKey)
  const secret = apiKey

  const allowInsecureHttp = opts.allowInsecureHttp ?? false
  if (typeof allowInsecureHttp !== 'boolean') {
    invalidOption(`option \`allowInsecureHttp\` must be a boolean (got ${describeValue(allowInsecureHttp, secret)})`)
  }
  const urlRules: UrlRules = { secret, allowInsecureHttp, warnings: [] }
  if (opts.authUrl === undefined) {
    invalidOption(`option \`authUrl\` is required, or the environment variable ${ENVIRONMENT_VARIABLES.authUrl}: your PropelAuth auth URL, e.g. https://auth.example.com`)
  }
  const authUrl = namingVariable(fromEnvironment('authUrl', options.authUrl) ? 'authUrl' : undefined,
    () => parseHttpUrl('authUrl', opts.authUrl, 'your PropelAuth auth URL, e.g. https://auth.example.com', urlRules))
  const { verifierKeyPem, issuer } = namingVariable(fromEnvironment('verifierKey', options.tokenVerificationMetadata) ? 'verifierKey' : undefined,
    () => resolveVerification(opts.tokenVerificationMetadata, authUrl, apiKey))
  const apiBaseUrl = parseHttpUrl('apiBaseUrl', opts.apiBaseUrl ?? DEFAULT_API_BASE_URL, 'the PropelAuth backend API, e.g. https://propelauth-api.com', urlRules)
  const denyByDefault = resolveDenyByDefault(opts.denyByDefault)
  const sessions = resolveSessions(opts.sessions, allowInsecureHttp, urlRules.warnings)
  if (sessions !== undefined && apiKey === undefined) invalidOption('option `sessions` needs `apiKey`: the sign-in exchanges its code, and refreshes sessions, with the backend integration API key')
  const tokenFrom = resolveTokenFrom('tokenFrom', opts.tokenFrom ?? 'authorization')
  if (sessions === undefined && readsSession(tokenFrom)) invalidOption('option `tokenFrom` names \'session\', which needs the option `sessions` (server-run sign-in)')

  return {
    authUrl: authUrl.href,
    issuer,
    authHostname: authUrl.hostname,
    apiKey,
    verifierKeyPem,
    apiBaseUrl: apiBaseUrl.origin + apiBaseUrl.pathname.replace(/\/+$/, ''),
    decorator: resolveDecorator(opts.decorator, secret),
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
    tokenFrom,
    denyByDefault,
    logLevels: resolveLogLevels(opts.logLevels, denyByDefault !== undefined),
    sessions
  }
}
