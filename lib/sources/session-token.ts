import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { CrossSiteRule } from './token-from.js'

// The access token of a server-run session, as the session hook left it on the
// request once the session was read and, if need be, refreshed. A leaf: the
// hook (lib/sessions) writes it, the `'session'` token source reads it, and
// neither has to load the other.

/**
 * The session's cookies ride on every request a browser sends, other sites'
 * included: the cross-site rule of cookie tokens applies to the session source
 * and to the unsafe auth routes alike.
 */
export const SESSION_CROSS_SITE_RULE: CrossSiteRule = Object.freeze({ checkCrossSite: true, trustedOrigins: new Set<string>(), carrier: 'the session cookies' })

const kSessionAccessToken = Symbol('fastify-propelauth.session-access-token')

type WithSessionToken = FastifyRequest & { [kSessionAccessToken]: string | null }

/**
 * Declares the slot on every request, so that each request object is built with
 * it: a property added later would change the object's shape per request, and
 * slow down every property read that follows (measured: about 8 µs a request).
 */
export function declareSessionSlot (fastify: FastifyInstance): void {
  fastify.decorateRequest(kSessionAccessToken as unknown as string, null)
}

/** Puts the session's current access token on the request. */
export function setSessionAccessToken (request: FastifyRequest, token: string): void {
  (request as WithSessionToken)[kSessionAccessToken] = token
}

/** The session's current access token, or undefined when the request has no live session. */
export function sessionAccessTokenOf (request: FastifyRequest): string | undefined {
  return (request as WithSessionToken)[kSessionAccessToken] ?? undefined
}
