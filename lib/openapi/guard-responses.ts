import {
  ApiKeyRateLimitedError,
  ApiKeyValidationBusyError,
  ApiKeyValidationUnavailableError,
  CrossSiteRequestError,
  InvalidApiKeyError,
  InvalidAuthorizationHeaderError,
  MissingCredentialsError,
  MissingTokenError,
  NotOrgMemberError
} from '../errors.js'
import { INVALID_API_KEY_CHALLENGE, NO_CREDENTIALS_CHALLENGE } from '../guards/challenges.js'
import { ACCESS_TOKEN_REFUSALS } from '../guards/refusal-errors.js'
import type { Annotation, GuardStatus, UnauthorizedVariant } from './annotation.js'
import { ErrorResponseSchema } from './schemas.js'

// What the guards of a route answer when they refuse it: the description, the
// header and an example body of each status, in no document format. The
// writers of OpenAPI 3 and Swagger 2 lay the same answer out each their own way.

/** One answer of a route's guards, as a document describes it. */
export interface GuardResponse {
  description: string
  /** The header the guard sets on this answer, if any. */
  header?: GuardHeader
  /** Absent when another strategy's answer is not ours to describe. */
  example?: Record<string, unknown>
}

/** A header a guard sets on its answer, typed as a document states it. */
export interface GuardHeader { name: string, type: 'string' | 'integer', description: string }

// Plain JSON, taken once: the schema objects are the user's too (exported), and
// each response gets its own copy, so that no document shares an object with another.
const errorSchema = JSON.parse(JSON.stringify(ErrorResponseSchema)) as Record<string, unknown>

/** The JSON Schema of every refusal's body, a new copy on each call. */
export function errorBodySchema (): Record<string, unknown> {
  return structuredClone(errorSchema)
}

function errorExample (error: Error & { statusCode?: number, code?: string }, statusText: string): Record<string, unknown> {
  return { statusCode: error.statusCode, code: error.code, error: statusText, message: error.message }
}

/** The answers whose text does not depend on the guard; 401s are built from `UNAUTHORIZED`, 403s by `forbiddenResponse`. */
const RESPONSES: Record<Exclude<GuardStatus, '401' | '403'>, GuardResponse> = {
  429: {
    description: 'Too Many Requests: PropelAuth rate-limits attempts with this API key (FST_PROPELAUTH_API_KEY_RATE_LIMITED); retry later.',
    header: { name: 'Retry-After', type: 'integer', description: 'Seconds to wait before retrying, when PropelAuth said how long' },
    example: errorExample(new ApiKeyRateLimitedError(), 'Too Many Requests')
  },
  502: {
    description: 'Bad Gateway: the API key could not be checked because PropelAuth is unreachable, failing, refusing the integration key or answering with something that is not a validation (FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE); the key may be fine, so retry later.',
    example: errorExample(new ApiKeyValidationUnavailableError(), 'Bad Gateway')
  },
  503: {
    description: 'Service Unavailable: too many API keys are waiting to be checked with PropelAuth (FST_PROPELAUTH_API_KEY_VALIDATION_BUSY); the key was not looked at, so retry later.',
    header: { name: 'Retry-After', type: 'integer', description: 'Seconds to wait before retrying' },
    example: errorExample(new ApiKeyValidationBusyError(), 'Service Unavailable')
  }
}

// The 401s by variant: each `code` the guards can send, with the `WWW-Authenticate`
// challenge they always set with it, and the body of a request with no credentials.
// Taken from the guards' own errors and challenges, so that the document cannot
// drift from what they send.
type Answers = ReadonlyArray<readonly [code: string, challenge: string]>
// The access-token refusals once some credentials came: all but MISSING_TOKEN.
const ACCESS_TOKEN_REFUSED: Answers = ACCESS_TOKEN_REFUSALS.filter(([code]) => code !== new MissingTokenError().code)
const UNAUTHORIZED: Record<UnauthorizedVariant, { answers: Answers, example: Record<string, unknown> }> = {
  'access-token': {
    answers: ACCESS_TOKEN_REFUSALS,
    example: errorExample(new MissingTokenError(), 'Unauthorized')
  },
  'access-token-without-header': {
    answers: ACCESS_TOKEN_REFUSALS.filter(([code]) => code !== new InvalidAuthorizationHeaderError().code),
    example: errorExample(new MissingTokenError(), 'Unauthorized')
  },
  'api-key': {
    answers: [[new MissingCredentialsError('API key').code, NO_CREDENTIALS_CHALLENGE], [new InvalidApiKeyError().code, INVALID_API_KEY_CHALLENGE]],
    example: errorExample(new MissingCredentialsError('API key'), 'Unauthorized')
  },
  'token-or-api-key': {
    // A malformed header or a JWT goes to requireUser, anything else is checked as an API key.
    answers: [
      [new MissingCredentialsError('access token or API key').code, NO_CREDENTIALS_CHALLENGE],
      [new InvalidApiKeyError().code, INVALID_API_KEY_CHALLENGE],
      ...ACCESS_TOKEN_REFUSED
    ],
    example: errorExample(new MissingCredentialsError('access token or API key'), 'Unauthorized')
  }
}

/**
 * What the guards of `annotation` answer with `status` on one operation;
 * `crossSite` when that operation can be refused as a cross-site request.
 * Undefined for a status this version does not know.
 */
export function guardResponse (status: GuardStatus, annotation: Annotation, crossSite: boolean): GuardResponse | undefined {
  if (status === '403') return forbiddenResponse(annotation.statuses.includes('403'), crossSite)
  if (status !== '401') return Object.hasOwn(RESPONSES, status) ? RESPONSES[status] : undefined
  // The annotation came through swagger as JSON: keep only variants this version knows.
  const variants = annotation.unauthorized.filter((variant) => Object.hasOwn(UNAUTHORIZED, variant))
  const missingTokenMessage = typeof annotation.missingTokenMessage === 'string' ? annotation.missingTokenMessage : undefined
  const foreign = Array.isArray(annotation.foreign?.refusing) ? annotation.foreign.refusing.map(String) : []
  if (foreign.length === 0) return unauthorizedResponse(variants.length > 0 ? variants : ['access-token'], missingTokenMessage)
  const theirs = `the refusal of the ${foreign.map((name) => `\`${name}\``).join(' or ')} strategy, with its own body and headers`
  if (variants.length === 0) return { description: `Unauthorized: ${theirs}.` }
  const ours = unauthorizedResponse(variants, missingTokenMessage)
  return { ...ours, description: `${ours.description} Or ${theirs}.` }
}

const ORG_CODES = 'FST_PROPELAUTH_NOT_ORG_MEMBER, FST_PROPELAUTH_INSUFFICIENT_ROLE, FST_PROPELAUTH_WRONG_ROLE or FST_PROPELAUTH_MISSING_PERMISSION'
const CROSS_SITE = 'FST_PROPELAUTH_CROSS_SITE_REQUEST: the access token came from a cookie on a request another site made the browser send, or on a WebSocket upgrade from another origin, and is refused before it is even checked (cross-site request forgery)'
const INSUFFICIENT_SCOPE = 'RFC 6750 challenge: `Bearer error="insufficient_scope", …`'

/** The 403 of an org guard (`org`), of a cookie token on a cross-site request (`crossSite`), or of either. */
function forbiddenResponse (org: boolean, crossSite: boolean): GuardResponse {
  // The cross-site refusal sends no challenge: it is no fault of the token.
  if (!org) return { description: `Forbidden: ${CROSS_SITE}.`, example: errorExample(new CrossSiteRequestError(), 'Forbidden') }
  const example = errorExample(new NotOrgMemberError(), 'Forbidden')
  if (!crossSite) {
    return {
      description: `Forbidden: the user is not a member of the org, or lacks the role or permission this route requires; \`code\` says which: ${ORG_CODES}.`,
      header: { name: 'WWW-Authenticate', type: 'string', description: INSUFFICIENT_SCOPE },
      example
    }
  }
  return {
    description: `Forbidden; \`code\` says why: ${ORG_CODES} when the user is not a member of the org, or lacks the role or permission this route requires; ${CROSS_SITE}.`,
    header: { name: 'WWW-Authenticate', type: 'string', description: `${INSUFFICIENT_SCOPE} with the org codes; none with FST_PROPELAUTH_CROSS_SITE_REQUEST` },
    example
  }
}

/**
 * The 401 of a route whose guards send the 401s of `variants`, with the first one's
 * example, its message `missingTokenMessage` when given (a guard reading other
 * sources than the header). With several guards it lists every code any of them
 * sends, a safe over-approximation (a later guard may never see some requests).
 */
function unauthorizedResponse (variants: UnauthorizedVariant[], missingTokenMessage: string | undefined): GuardResponse {
  const challenges = challengesByCode(variants)
  const { example } = UNAUTHORIZED[variants[0]]
  return {
    description: `Unauthorized: the credentials are missing, malformed, invalid or expired; \`code\` says which: ${either([...challenges.keys()])}.`,
    header: {
      name: 'WWW-Authenticate',
      type: 'string',
      description: `RFC 6750 challenge, by \`code\`: ${[...challenges].map(([code, challenge]) => `${code}: \`${challenge}\``).join('; ')}`
    },
    example: missingTokenMessage !== undefined && example.code === new MissingTokenError().code ? { ...example, message: missingTokenMessage } : example
  }
}

/** Each 401 code of `variants` once, in order, with the challenge sent with it. */
function challengesByCode (variants: UnauthorizedVariant[]): Map<string, string> {
  const challenges = new Map<string, string>()
  for (const variant of variants) {
    for (const [code, challenge] of UNAUTHORIZED[variant].answers) if (!challenges.has(code)) challenges.set(code, challenge)
  }
  return challenges
}

/** `a, b or c`. */
function either (codes: string[]): string {
  return codes.length > 1 ? `${codes.slice(0, -1).join(', ')} or ${codes[codes.length - 1]}` : codes.join('')
}
