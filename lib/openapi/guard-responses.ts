import {
  ApiKeyRateLimitedError,
  ApiKeyValidationBusyError,
  ApiKeyValidationUnavailableError,
  InvalidApiKeyError,
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

/** The answers whose text does not depend on the guard; 401s are built from `UNAUTHORIZED`. */
const RESPONSES: Record<Exclude<GuardStatus, '401'>, GuardResponse> = {
  403: {
    description: 'Forbidden: the user is not a member of the org, or lacks the role or permission this route requires; `code` says which: FST_PROPELAUTH_NOT_ORG_MEMBER, FST_PROPELAUTH_INSUFFICIENT_ROLE, FST_PROPELAUTH_WRONG_ROLE or FST_PROPELAUTH_MISSING_PERMISSION.',
    header: { name: 'WWW-Authenticate', type: 'string', description: 'RFC 6750 challenge: `Bearer error="insufficient_scope", …`' },
    example: errorExample(new NotOrgMemberError(), 'Forbidden')
  },
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

/** What the guards of `annotation` answer with `status`; undefined for a status this version does not know. */
export function guardResponse (status: GuardStatus, annotation: Annotation): GuardResponse | undefined {
  if (status !== '401') return Object.hasOwn(RESPONSES, status) ? RESPONSES[status] : undefined
  // The annotation came through swagger as JSON: keep only variants this version knows.
  const variants = annotation.unauthorized.filter((variant) => Object.hasOwn(UNAUTHORIZED, variant))
  const foreign = Array.isArray(annotation.foreign?.refusing) ? annotation.foreign.refusing.map(String) : []
  if (foreign.length === 0) return unauthorizedResponse(variants.length > 0 ? variants : ['access-token'])
  const theirs = `the refusal of the ${foreign.map((name) => `\`${name}\``).join(' or ')} strategy, with its own body and headers`
  if (variants.length === 0) return { description: `Unauthorized: ${theirs}.` }
  const ours = unauthorizedResponse(variants)
  return { ...ours, description: `${ours.description} Or ${theirs}.` }
}

/**
 * The 401 of a route whose guards send the 401s of `variants`, with the first one's
 * example. With several guards it lists every code any of them sends, a safe
 * over-approximation (a later guard may never see some requests).
 */
function unauthorizedResponse (variants: UnauthorizedVariant[]): GuardResponse {
  const challenges = challengesByCode(variants)
  return {
    description: `Unauthorized: the credentials are missing, malformed, invalid or expired; \`code\` says which: ${either([...challenges.keys()])}.`,
    header: {
      name: 'WWW-Authenticate',
      type: 'string',
      description: `RFC 6750 challenge, by \`code\`: ${[...challenges].map(([code, challenge]) => `${code}: \`${challenge}\``).join('; ')}`
    },
    example: UNAUTHORIZED[variants[0]].example
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
