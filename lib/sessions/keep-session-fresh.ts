import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { SessionUnavailableError } from '../errors.js'
import { setSessionAccessToken } from '../sources/session-token.js'
import { User } from '../token/user.js'
import type { TokenVerifier } from '../token/verifier.js'
import type { AuthUrlCalls } from './auth-url-calls.js'
import type { RefreshOnce } from './refresh-once.js'
import type { SessionCookieJar, SessionCookies } from './session-cookies.js'

// The session stage, before any guard: one `onRequest` hook reads the session's
// cookies and, when the access token no longer verifies and a refresh token is
// there, refreshes it on the server within the same request; the reply carries
// the new cookies. The access token is then left on the request for the
// `'session'` token source. A refresh PropelAuth refuses (400 or 401: signed
// out, disabled, locked, deleted, or no longer in the active org) ends the
// session, and the request goes on as signed out; one PropelAuth does not answer
// keeps the session and answers 503, so that the next request tries again.

export interface SessionStage {
  jar: SessionCookieJar
  verifier: TokenVerifier
  refreshOnce: RefreshOnce
  calls: AuthUrlCalls
}

export type RefreshedSession =
  | { kind: 'live', accessToken: string, user: User }
  | { kind: 'signed-out' }
  | { kind: 'unavailable', error: Error }

function verified (verifier: TokenVerifier, token: string): User | undefined {
  const user = verifier.verifyToken(token)
  return user instanceof User ? user : undefined
}

/**
 * The session of a request, refreshed if need be; the reply gets the new
 * cookies, or loses the dead ones. `force` refreshes even a valid access token
 * (a change of active org).
 */
export async function refreshSession (stage: SessionStage, request: FastifyRequest, reply: FastifyReply, session: SessionCookies, activeOrgId = session.activeOrgId): Promise<RefreshedSession> {
  const { jar, verifier, refreshOnce } = stage
  const refreshToken = session.refreshToken
  if (refreshToken === undefined) return { kind: 'signed-out' }
  let outcome = await refreshOnce.refresh(refreshToken, activeOrgId)
  // Out of the active org (it was left, or deleted) but still signed in: the session goes on without it.
  if (outcome.kind === 'refused' && activeOrgId !== undefined && activeOrgId === session.activeOrgId) {
    outcome = await refreshOnce.refresh(refreshToken, undefined)
    if (outcome.kind === 'tokens') jar.writeActiveOrg(reply, undefined)
  }
  if (outcome.kind === 'unavailable') {
    request.log.warn({ err: outcome.error }, 'fastify-propelauth: the session could not be refreshed; PropelAuth did not answer')
    return outcome
  }
  if (outcome.kind === 'refused') {
    request.log.info(`fastify-propelauth: PropelAuth refused to refresh the session (${outcome.status}): signed out`)
    jar.clearTokens(reply, session)
    return { kind: 'signed-out' }
  }
  let user = verified(verifier, outcome.tokens.accessToken)
  if (user === undefined) {
    // The tokens a refresh gave a moment ago, handed to a late request with the
    // rotated refresh token, may have expired since (short-lived tokens, a busy
    // server): their own refresh token gets fresh ones.
    const next = await refreshOnce.refresh(outcome.tokens.refreshToken, activeOrgId)
    if (next.kind === 'tokens') {
      outcome = next
      user = verified(verifier, next.tokens.accessToken)
    }
  }
  if (user === undefined) {
    request.log.warn('fastify-propelauth: the access token PropelAuth gave on refresh does not verify; the session is ended')
    jar.clearTokens(reply, session)
    return { kind: 'signed-out' }
  }
  jar.writeTokens(reply, outcome.tokens, session)
  return { kind: 'live', accessToken: outcome.tokens.accessToken, user }
}

/** The `onRequest` hook of the session stage; routes under `skipPrefix` (the auth routes) manage the session themselves. */
export function createSessionHook (stage: SessionStage, skipPrefix: string) {
  const prefix = `${skipPrefix}/`
  // Callback style: a session whose access token is valid, every request's case
  // but one per half hour, goes through without a promise.
  return function keepSessionFresh (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    // The raw URL, not `routeOptions`, whose getter builds an object on every read.
    if (request.url.startsWith(prefix)) {
      done()
      return
    }
    const session = stage.jar.read(request)
    if (session.accessToken !== undefined && (session.refreshToken === undefined || verified(stage.verifier, session.accessToken) !== undefined)) {
      // Valid, or nothing to refresh it with: the guards judge it.
      setSessionAccessToken(request, session.accessToken)
      done()
      return
    }
    if (session.refreshToken === undefined) {
      done()
      return
    }
    refreshSession(stage, request, reply, session).then((refreshed) => {
      if (refreshed.kind === 'unavailable') {
        done(new SessionUnavailableError())
        return
      }
      if (refreshed.kind === 'live') setSessionAccessToken(request, refreshed.accessToken)
      done()
    }, done)
  }
}
