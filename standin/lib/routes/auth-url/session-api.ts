import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StandInContext } from '../../context.js'
import { answerPreflight, credentialedCors, refuseOrigin } from '../../auth-url/cors.js'
import { AUTH_URL_PATHS } from '../../auth-url/paths.js'
import { clearSessionCookie, sessionSecret } from '../../auth-url/session-cookie.js'
import type { StoredUser } from '../../records.js'
import { userMetadata } from '../../wire.js'
import { endSession } from '../../changes/sign-ins.js'

type RefreshQuery = { Querystring: { active_org_id?: unknown } }

/** The user as the refresh endpoint describes them: the account's fields, without metadata. */
function refreshUser (context: StandInContext, user: StoredUser): Record<string, unknown> {
  const { metadata, org_id_to_org_info: orgs, ...fields } = userMetadata(context.state, user)
  return fields
}

/**
 * The two calls PropelAuth's browser client makes to the auth URL, with the
 * session cookie (`credentials: 'include'`) and `Content-Type:
 * application/json`, hence a CORS preflight first:
 *
 * - `GET /api/v1/refresh_token[?active_org_id=…]`: the signed-in user's
 *   access token and what the client builds its helpers from. 401 means "not
 *   signed in" to the client (it resolves to null), and, for an org, "not a
 *   member" (`user_not_in_org`).
 * - `POST /api/v1/logout`: ends the session; the client reads `redirect_to`.
 *
 * Both carry sessions or tokens, so no answer may be stored by a cache.
 */
export function sessionApiRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state, origins } = context

  /** Sets the headers every answer has; false for an origin that may not call. */
  const fromAllowedOrigin = (request: FastifyRequest, reply: FastifyReply): boolean => {
    reply.header('cache-control', 'no-store')
    return credentialedCors(request, reply, origins)
  }
  const notSignedIn = async (request: FastifyRequest, reply: FastifyReply, message: string): Promise<FastifyReply> => {
    // A cookie that names no live session is of no use to the browser any more.
    if (sessionSecret(request, context.authUrl) !== undefined) clearSessionCookie(reply, context.authUrl)
    return await reply.code(401).send({ user_facing_error: message })
  }

  for (const [path, methods] of [[AUTH_URL_PATHS.refreshToken, 'GET'], [AUTH_URL_PATHS.logout, 'POST']] as const) {
    app.options(path, async (request, reply) => await answerPreflight(request, reply.header('cache-control', 'no-store'), origins, methods))
  }

  app.get<RefreshQuery>(AUTH_URL_PATHS.refreshToken, async (request, reply) => {
    if (!fromAllowedOrigin(request, reply)) return await refuseOrigin(reply, origins, request.headers.origin)
    const activeOrgId = request.query.active_org_id
    if (activeOrgId !== undefined && (typeof activeOrgId !== 'string' || activeOrgId === '')) {
      return await reply.code(400).send({ active_org_id: ['Give one org id'] })
    }
    const secret = sessionSecret(request, context.authUrl)
    const signedIn = secret === undefined ? undefined : state.sessionUser(secret)
    if (signedIn === undefined) return await notSignedIn(request, reply, 'Not signed in')
    const { session, user } = signedIn
    if (activeOrgId !== undefined && (!context.features.orgs || state.orgs.get(activeOrgId)?.members.has(user.userId) !== true)) {
      return await reply.code(401).send({ user_facing_error: 'The user is not a member of this org' })
    }

    const issuedAt = state.nowSeconds()
    const options = state.tokenOptionsFor(user, activeOrgId, context.features.orgs)
    const accessToken = await context.mint({ ...options, loginMethod: session.loginMethod, issuedAt, expiresIn: context.frontendTokenSeconds })
    user.lastActiveAt = issuedAt
    // The orgs listed are those the token carries: all of them, or the active one alone.
    const orgs = activeOrgId === undefined ? state.orgInfoOf(user.userId) : { [activeOrgId]: state.memberInfo(state.orgs.get(activeOrgId)!, user.userId) }
    return {
      access_token: accessToken,
      // The token's own `exp`: the client refreshes by it.
      expires_at_seconds: issuedAt + context.frontendTokenSeconds,
      org_id_to_org_member_info: context.features.orgs ? orgs : {},
      user: refreshUser(context, user)
    }
  })

  app.post(AUTH_URL_PATHS.logout, async (request, reply) => {
    if (!fromAllowedOrigin(request, reply)) return await refuseOrigin(reply, origins, request.headers.origin)
    const secret = sessionSecret(request, context.authUrl)
    if (secret !== undefined) {
      endSession(state, secret)
      clearSessionCookie(reply, context.authUrl)
    }
    return { redirect_to: `${context.authUrl}${AUTH_URL_PATHS.login}` }
  })
}
