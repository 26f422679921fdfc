import type { FastifyInstance } from 'fastify'
import { Transport } from '../api/transport.js'
import type { PropelAuthTokenGuards } from '../guards/token-guards.js'
import type { ResolvedSessions } from '../options/sessions-option.js'
import type { TokenVerifier } from '../token/verifier.js'
import { createAuthUrlCalls } from './auth-url-calls.js'
import { registerAuthRoutes } from './auth-routes.js'
import { createSessionHook, type SessionStage } from './keep-session-fresh.js'
import { createPageGuards } from './page-guards.js'
import { RefreshOnce } from './refresh-once.js'
import { SessionCookieJar } from './session-cookies.js'
import { declareSessionSlot } from '../sources/session-token.js'

// Server-run sign-in, wired: cookies, the session stage before the guards, the
// auth routes, and the guards for pages.

export interface SessionsSetup {
  sessions: ResolvedSessions
  verifier: TokenVerifier
  /** The auth URL's origin: PropelAuth's library sends the sign-in's calls there, not to the backend API's host. */
  authOrigin: string
  apiKey: string
  authHostname: string
  timeout: number
  /** The session guards (`app.auth.from('session')`), which the page guards wrap. */
  sessionGuards: PropelAuthTokenGuards
}

/** Sets the sessions up on `fastify`; returns the guards for pages. */
export async function setupSessions (fastify: FastifyInstance, setup: SessionsSetup): Promise<PropelAuthTokenGuards> {
  // @fastify/cookie parses and writes the cookies. Registered here unless the app already has it.
  if (!fastify.hasDecorator('parseCookie')) {
    const { default: cookie } = await import('@fastify/cookie')
    await fastify.register(cookie)
  }
  const transport = new Transport({ apiBaseUrl: setup.authOrigin, apiKey: setup.apiKey, authHostname: setup.authHostname, timeout: setup.timeout, retries: 0 })
  fastify.addHook('onClose', async () => transport.close())
  const calls = createAuthUrlCalls(transport, setup.timeout)
  const stage: SessionStage = {
    jar: new SessionCookieJar(setup.sessions.secureCookies),
    verifier: setup.verifier,
    refreshOnce: new RefreshOnce(calls),
    calls
  }
  declareSessionSlot(fastify)
  fastify.addHook('onRequest', createSessionHook(stage, setup.sessions.prefix))
  registerAuthRoutes(fastify, { sessions: setup.sessions, stage, authOrigin: setup.authOrigin })
  return createPageGuards(setup.sessionGuards, `${setup.sessions.prefix}/login`)
}
