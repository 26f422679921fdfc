import type { RefusalHeaders } from '../errors.js'

// The `WWW-Authenticate` challenges the guards send (RFC 6750 §3): no error code
// when no bearer credentials came, `invalid_token` when some did and were refused,
// `insufficient_scope` on a 403. One place, because the OpenAPI annotation
// documents exactly these next to the error codes they come with.

export const NO_CREDENTIALS_CHALLENGE = 'Bearer'

const invalidToken = (description: string): string => `Bearer error="invalid_token", error_description="${description}"`

export const MALFORMED_HEADER_CHALLENGE = invalidToken('Malformed Authorization header')
export const INVALID_TOKEN_CHALLENGE = invalidToken('The access token is invalid')
export const EXPIRED_TOKEN_CHALLENGE = invalidToken('The access token expired')
export const REVOKED_TOKEN_CHALLENGE = invalidToken('The access token was revoked')
export const INVALID_API_KEY_CHALLENGE = invalidToken('The API key is invalid')

export const FORBIDDEN_CHALLENGE = 'Bearer error="insufficient_scope", error_description="The user lacks the org membership, role or permission this route requires"'

/**
 * Gives `error` the headers its answer must carry. A guard refuses by failing
 * with the error alone and sets nothing on the reply, so that @fastify/auth can
 * try another strategy; Fastify's error handling sends `error.headers`.
 */
export function withHeaders<E extends Error> (error: E, headers: Record<string, string>): E & RefusalHeaders {
  return Object.assign(error, { headers })
}
