import type { FastifyInstance, FastifyReply } from 'fastify'
import type { StandInContext } from '../context.js'
import { SSR_BACKEND_PATHS } from '../auth-url/paths.js'
import { mintServerAccessToken } from '../auth-url/ssr-access-tokens.js'
import { Fields, OK, sendFieldErrors } from '../http.js'
import { accountRefusal } from '../sign-in.js'

type RefreshQuery = { Querystring: { with_active_org_support?: unknown, active_org_id?: unknown } }

/**
 * A refresh token that no longer refreshes: 401, which PropelAuth's Next.js
 * library (like 400) reads as "signed out" and clears its cookies for.
 */
async function signedOut (reply: FastifyReply): Promise<FastifyReply> {
  return await reply.code(401).send({ user_facing_error: 'The refresh token is not valid: sign in again' })
}

/**
 * The backend API's half of server-side sign-in (the API key is required, as
 * everywhere in the backend API):
 *
 * - `POST /api/backend/v1/refresh_token[?with_active_org_support=true&active_org_id=…]`,
 *   JSON `{ refresh_token }`: `{ refresh_token, access_token: { access_token,
 *   expires_at_seconds } }`. The refresh token rotates every time: the old one
 *   keeps working `REFRESH_TOKEN_GRACE_SECONDS` more, for refreshes racing each
 *   other, then never again. With an active org the access token is scoped to
 *   it (`org_member_info`); a user outside that org gets 401 and keeps the
 *   token (the session survives, only the switch is refused).
 * - `POST /api/backend/v1/logout`, JSON `{ refresh_token }`: that token and
 *   every token rotated from the same sign-in stop working; `{}` even for a
 *   token already dead, since the app clears its cookies either way.
 */
export function refreshTokenRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.post<RefreshQuery>(SSR_BACKEND_PATHS.refreshToken, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const fields = Fields.body(request)
    const oldToken = fields.string('refresh_token', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const { with_active_org_support: orgSupport, active_org_id: activeOrgId } = request.query
    // Only with `with_active_org_support=true` is an active org asked for, as the Next.js library sends it.
    const wantsOrg = orgSupport === 'true' && activeOrgId !== undefined
    if (wantsOrg && (typeof activeOrgId !== 'string' || activeOrgId === '')) {
      return await sendFieldErrors(reply, { active_org_id: ['Give one org id'] })
    }

    const now = state.nowSeconds()
    const grant = state.refreshTokens.find(oldToken!, now)
    const user = grant === undefined ? undefined : state.users.get(grant.userId)
    if (grant === undefined || user === undefined || !state.sessions.holds(grant.session, now)) return await signedOut(reply)
    if (accountRefusal(user) !== undefined) {
      // Locked or disabled however it was done (the state itself, say): signed out for good, as browser sessions are.
      state.endAllSessionsOf(user.userId)
      return await signedOut(reply)
    }
    const orgId = wantsOrg ? activeOrgId as string : undefined
    if (orgId !== undefined && (!context.features.orgs || state.orgs.get(orgId)?.members.has(user.userId) !== true)) {
      return await reply.code(401).send({ user_facing_error: 'The user is not a member of this org' })
    }

    const { accessToken, expiresAtSeconds } = await mintServerAccessToken(context, user, grant.loginMethod, orgId)
    const newToken = state.ids.hex(32)
    state.refreshTokens.issue(newToken, { userId: grant.userId, loginMethod: grant.loginMethod, session: grant.session }, now, grant)
    state.refreshTokens.markRotated(grant, now)
    return { refresh_token: newToken, access_token: { access_token: accessToken, expires_at_seconds: expiresAtSeconds } }
  })

  app.post(SSR_BACKEND_PATHS.logout, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const fields = Fields.body(request)
    const token = fields.string('refresh_token', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    state.refreshTokens.revoke(token!, state.nowSeconds())
    return OK
  })
}
