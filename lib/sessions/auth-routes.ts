import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify'
import {
  ActiveOrgRefusedError,
  CrossSiteRequestError,
  InvalidReturnPathError,
  NoSessionError,
  SessionUnavailableError,
  SignInCodeRefusedError,
  SignInStateMismatchError
} from '../errors.js'
import type { ResolvedSessions } from '../options/sessions-option.js'
import { crossSiteProblem } from '../sources/cross-site.js'
import { SESSION_CROSS_SITE_RULE } from '../sources/session-token.js'
import { User } from '../token/user.js'
import { refreshSession, type SessionStage } from './keep-session-fresh.js'
import { safeReturnPath } from './return-path.js'
import { sendSignInProblem, wantsPage } from './sign-in-page.js'
import type { SessionCookies } from './session-cookies.js'

// PropelAuth's server-side login routes, with the names, methods and statuses
// of its Next.js library, so that a dashboard set up for Next.js (redirect
// after login: /api/auth/callback; after logout: /api/auth/logout) works as it is:
//
//   GET  login, signup    a fresh `state` in a cookie, then to the auth URL's authorize page
//   GET  callback         the code exchanged for the session's tokens, then to the return path
//   GET  userinfo         the signed-in user (as PropelAuth's userinfo answers it) and the active org
//   POST set-active-org   the session's tokens scoped to another org of the user's
//   POST logout           the refresh token revoked with PropelAuth, the cookies cleared
//   GET  logout           where PropelAuth's hosted logout lands: clears the cookies of a dead session

export interface AuthRoutesOptions {
  sessions: ResolvedSessions
  stage: SessionStage
  /** The auth URL's origin, where browsers are sent to sign in. */
  authOrigin: string
}

/** The `state` of a sign-in: 32 random bytes, as PropelAuth's library makes it. */
const newState = (): string => randomBytes(32).toString('hex')

function sameState (expected: string | undefined, received: unknown): boolean {
  if (expected === undefined || typeof received !== 'string' || received.length !== expected.length) return false
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received))
}

/** Unsafe requests on the auth routes come from this site's pages only: another site could otherwise log a user out, or switch their org. */
function refuseCrossSite (request: FastifyRequest): void {
  const problem = crossSiteProblem(request, SESSION_CROSS_SITE_RULE, false)
  if (problem !== undefined) {
    request.log.info(`fastify-propelauth: ${problem}`)
    throw new CrossSiteRequestError()
  }
}

function firstQueryValue (request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}

/**
 * The routes live in a scope of their own, whose only change is its body
 * parsing: the two POST routes read nothing from the body, and a plain HTML
 * form (`application/x-www-form-urlencoded`, which Fastify does not parse by
 * default) must reach them, to be refused as cross-site or served, rather than
 * answered 415. Hooks and decorators of the app still apply.
 */
export function registerAuthRoutes (fastify: FastifyInstance, options: AuthRoutesOptions): void {
  fastify.register(async function propelAuthSessionRoutes (scope) {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT }, (_request, _body, done) => { done(null, undefined) })
    addAuthRoutes(scope, options)
  })
}

/** Bytes a POST to an auth route may carry: a form's few fields, with room to spare. */
const FORM_BODY_LIMIT = 16_384

/**
 * After a POST, a browser that navigated (a form) goes to a page; a script
 * (`fetch`, whose `Accept` has no text/html) gets the JSON PropelAuth's library answers.
 */
function answerPost (request: FastifyRequest, reply: FastifyReply, json: Record<string, unknown>, landing: string): FastifyReply {
  if (wantsPage(request)) return reply.redirect(landing, 303)
  return reply.code(200).send(json)
}

function addAuthRoutes (fastify: FastifyInstance, options: AuthRoutesOptions): void {
  const { sessions, stage, authOrigin } = options
  const { prefix, redirectUri } = sessions
  const loginPath = `${prefix}/login`
  // Not guarded, not in the API's document: these are the sign-in's own pages.
  // `hide` is @fastify/swagger's, read only when the app registers it.
  const routeOptions = { schema: { hide: true } as FastifySchema, config: { propelAuth: { public: true } } }

  function startSignIn (signup: boolean) {
    return async function (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
      const requested = firstQueryValue(request, 'return_to_path')
      const returnTo = requested === undefined ? undefined : safeReturnPath(requested)
      if (requested !== undefined && returnTo === undefined) return sendSignInProblem(request, reply, new InvalidReturnPathError(), loginPath)
      const state = newState()
      // Every query parameter goes on to PropelAuth (a login hint, say), as its library passes them.
      const params = new URLSearchParams()
      for (const [name, value] of Object.entries(request.query as Record<string, unknown>)) {
        if (name === 'redirect_uri' || name === 'state' || name === 'signup') continue
        for (const one of Array.isArray(value) ? value : [value]) if (typeof one === 'string') params.append(name, one)
      }
      params.set('redirect_uri', redirectUri)
      params.set('state', state)
      params.set('signup', String(signup))
      stage.jar.writeSignIn(reply, state, returnTo)
      return reply.header('cache-control', 'no-store').redirect(`${authOrigin}/propelauth/ssr/authorize?${params.toString()}`, 302)
    }
  }

  fastify.get(loginPath, routeOptions, startSignIn(false))
  fastify.get(`${prefix}/signup`, routeOptions, startSignIn(true))

  fastify.get(`${prefix}/callback`, routeOptions, async function callback (request, reply) {
    const signIn = stage.jar.readSignIn(request)
    // Single use: whatever happens next, this state is spent.
    stage.jar.clearSignIn(reply)
    reply.header('cache-control', 'no-store')
    if (!sameState(signIn.state, firstQueryValue(request, 'state'))) return sendSignInProblem(request, reply, new SignInStateMismatchError(), loginPath)
    const code = firstQueryValue(request, 'code')
    if (code === undefined || code === '') return sendSignInProblem(request, reply, new SignInCodeRefusedError(), loginPath)

    const exchanged = await stage.calls.exchangeCode(code, redirectUri)
    if (exchanged.kind === 'unavailable') {
      request.log.warn({ err: exchanged.error }, 'fastify-propelauth: the sign-in code could not be exchanged; PropelAuth did not answer')
      return sendSignInProblem(request, reply, new SessionUnavailableError(), loginPath)
    }
    if (exchanged.kind === 'refused') {
      const hint = exchanged.status === 401 ? '; if every sign-in fails so, check the option `apiKey`' : ''
      request.log.warn(`fastify-propelauth: PropelAuth refused the sign-in code (${exchanged.status})${hint}`)
      return sendSignInProblem(request, reply, new SignInCodeRefusedError(), loginPath)
    }
    const user = stage.verifier.verifyToken(exchanged.tokens.accessToken)
    if (!(user instanceof User)) {
      request.log.warn('fastify-propelauth: the access token of a sign-in does not verify; check `authUrl` and the verification key')
      return sendSignInProblem(request, reply, new SignInCodeRefusedError(), loginPath)
    }

    const before = stage.jar.read(request)
    let tokens = exchanged.tokens
    // The org this browser had chosen, while the user is still a member; else the app's pick.
    const kept = before.activeOrgId !== undefined && user.getOrg(before.activeOrgId) !== undefined ? before.activeOrgId : undefined
    const picked = kept ?? sessions.defaultActiveOrg?.(user)
    let activeOrgId: string | undefined
    if (picked !== undefined && user.getOrg(picked) !== undefined) {
      const scoped = await stage.refreshOnce.refresh(tokens.refreshToken, picked)
      if (scoped.kind === 'tokens') {
        tokens = scoped.tokens
        activeOrgId = picked
      }
    }
    stage.jar.writeTokens(reply, tokens, before)
    stage.jar.writeActiveOrg(reply, activeOrgId)
    return reply.redirect(signIn.returnTo !== undefined && safeReturnPath(signIn.returnTo) !== undefined ? signIn.returnTo : sessions.homePath, 302)
  })

  /** The session's access token, refreshed when it has expired; or the reply already sent. */
  async function liveSession (request: FastifyRequest, reply: FastifyReply, session: SessionCookies): Promise<{ accessToken: string, user: User } | undefined> {
    if (session.accessToken !== undefined) {
      const user = stage.verifier.verifyToken(session.accessToken)
      if (user instanceof User) return { accessToken: session.accessToken, user }
    }
    const refreshed = await refreshSession(stage, request, reply, session)
    if (refreshed.kind === 'unavailable') throw new SessionUnavailableError()
    if (refreshed.kind === 'signed-out') throw new NoSessionError()
    return refreshed
  }

  fastify.get(`${prefix}/userinfo`, routeOptions, async function userinfo (request, reply) {
    reply.header('cache-control', 'no-store')
    const session = stage.jar.read(request)
    const live = await liveSession(request, reply, session)
    if (live === undefined) return reply
    const answer = await stage.calls.userinfo(live.accessToken)
    if (answer.kind === 'unavailable') throw new SessionUnavailableError()
    if (answer.kind === 'refused') throw new NoSessionError()
    const activeOrgId = live.user.activeOrgId ?? session.activeOrgId
    return {
      userinfo: answer.userinfo,
      ...(sessions.exposeAccessToken ? { accessToken: live.accessToken } : {}),
      impersonatorUserId: live.user.impersonatorUserId ?? null,
      activeOrgId: activeOrgId ?? null
    }
  })

  fastify.post(`${prefix}/set-active-org`, routeOptions, async function setActiveOrg (request, reply) {
    refuseCrossSite(request)
    reply.header('cache-control', 'no-store')
    const session = stage.jar.read(request)
    if (session.refreshToken === undefined) throw new NoSessionError()
    const orgId = firstQueryValue(request, 'active_org_id')
    if (orgId === undefined || orgId === '') throw new ActiveOrgRefusedError()
    const scoped = await stage.refreshOnce.refresh(session.refreshToken, orgId)
    if (scoped.kind === 'unavailable') throw new SessionUnavailableError()
    // Not a member (or no such org): refused, and the session goes on as it was.
    if (scoped.kind === 'refused') throw new ActiveOrgRefusedError()
    const user = stage.verifier.verifyToken(scoped.tokens.accessToken)
    if (!(user instanceof User)) throw new SessionUnavailableError()
    stage.jar.writeTokens(reply, scoped.tokens, session)
    stage.jar.writeActiveOrg(reply, orgId)
    return answerPost(request, reply, { activeOrgId: orgId }, safeReturnPath(firstQueryValue(request, 'return_to_path')) ?? sessions.homePath)
  })

  fastify.post(`${prefix}/logout`, routeOptions, async function logout (request, reply) {
    refuseCrossSite(request)
    reply.header('cache-control', 'no-store')
    const session = stage.jar.read(request)
    if (session.refreshToken !== undefined) {
      const revoked = await stage.calls.logout(session.refreshToken)
      if (!revoked.ok) request.log.warn(`fastify-propelauth: PropelAuth did not confirm the logout (${revoked.status ?? 'no answer'}); the cookies are cleared anyway`)
      stage.refreshOnce.forget(session.refreshToken, session.activeOrgId)
    }
    stage.jar.clearTokens(reply, session)
    return answerPost(request, reply, {}, sessions.homePath)
  })

  // Where PropelAuth's hosted logout sends the browser: the refresh token is
  // dead there, and the cookies go; one that still refreshes is kept.
  fastify.get(`${prefix}/logout`, routeOptions, async function loggedOut (request, reply) {
    reply.header('cache-control', 'no-store')
    const session = stage.jar.read(request)
    if (session.refreshToken !== undefined) {
      const refreshed = await refreshSession(stage, request, reply, session)
      if (refreshed.kind === 'unavailable') throw new SessionUnavailableError()
    } else {
      stage.jar.clearTokens(reply, session)
    }
    return reply.redirect(sessions.homePath, 302)
  })
}
