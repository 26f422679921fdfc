import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StandInContext } from '../../context.js'
import { html } from '../../auth-url/html.js'
import { currentSession, sendPage, withReturnUrl } from '../../auth-url/hosted.js'
import { AUTH_URL_PATHS, SSR_PATHS } from '../../auth-url/paths.js'
import { SSR_CODE_LIFETIME_SECONDS } from '../../auth-url/ssr-codes.js'
import { bearerToken, mintServerAccessToken, readOwnAccessToken } from '../../auth-url/ssr-access-tokens.js'
import { Fields, sendFieldErrors } from '../../http.js'
import { accountRefusal } from '../../sign-in.js'
import { oauthUserinfo } from '../../wire.js'

type AuthorizeQuery = { Querystring: Record<string, unknown> }

const START_OVER = html`<p><a href="${AUTH_URL_PATHS.login}">Sign in</a></p>`

/** Whether the caller reads HTML (a browser following the app's redirect) rather than JSON. */
function wantsHtml (request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html')
}

/**
 * A refused authorize request: a page (or JSON) saying why, with 400, and
 * never a redirect, since the redirect URI is what is in doubt.
 */
async function refuseAuthorize (request: FastifyRequest, reply: FastifyReply, problem: string): Promise<FastifyReply> {
  reply.header('cache-control', 'no-store')
  if (wantsHtml(request)) return await sendPage(reply, 400, 'Cannot sign in', START_OVER, problem)
  return await reply.code(400).send({ error: 'invalid_request', error_description: problem, user_facing_error: problem })
}

/** A code that cannot be exchanged: 400, so that the app does not take it for a wrong API key (401). */
async function invalidGrant (reply: FastifyReply, problem: string): Promise<FastifyReply> {
  return await reply.code(400).send({ error: 'invalid_grant', error_description: problem, user_facing_error: problem })
}

/**
 * The auth URL's half of PropelAuth's server-side sign-in, as
 * `@propelauth/nextjs` speaks it:
 *
 * - `GET /propelauth/ssr/authorize?redirect_uri&state&signup=…`: a browser
 *   with no session is sent to the hosted login (or sign-up, with
 *   `signup=true`), MFA step included, coming back here after; one with a
 *   session goes on to `redirect_uri?code=…&state=…` (302). Only a registered
 *   redirect URI is followed (`redirectUris`; loopback needs none).
 * - `POST /propelauth/ssr/token` (backend API key; the gate answers 401 without
 *   it), JSON `{ redirect_uri, code }`: `{ access_token, refresh_token }`. A
 *   code is spent by its first exchange, lives `SSR_CODE_LIFETIME_SECONDS`,
 *   and only the redirect URI it was issued for may exchange it.
 * - `GET /propelauth/oauth/userinfo` with `Authorization: Bearer <access token>`:
 *   the user, or 401.
 *
 * None of the answers may be stored by a cache: they carry codes and tokens.
 */
export function ssrRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.get<AuthorizeQuery>(SSR_PATHS.authorize, async (request, reply) => {
    const { redirect_uri: redirectUri, state: appState, signup } = request.query
    const target = context.redirectUris.check(redirectUri)
    if (!target.ok) return await refuseAuthorize(request, reply, target.problem)
    if (appState !== undefined && typeof appState !== 'string') return await refuseAuthorize(request, reply, 'The state parameter was given more than once.')
    reply.header('cache-control', 'no-store')

    const signedIn = currentSession(context, request)
    if (signedIn === undefined) {
      // Signing in (or up) comes back here, on the auth URL, where the session cookie now is.
      const page = signup === 'true' ? AUTH_URL_PATHS.signup : AUTH_URL_PATHS.login
      return await reply.redirect(withReturnUrl(page, `${context.authUrl}${request.url}`), 303)
    }

    const { session, user } = signedIn
    const code = state.ids.hex(32)
    state.ssrCodes.issue(code, {
      userId: user.userId,
      redirectUri: redirectUri as string,
      loginMethod: session.loginMethod,
      session,
      expiresAt: state.nowSeconds() + SSR_CODE_LIFETIME_SECONDS
    })
    // A sign-out on the hosted pages goes back to this app (see the sign-out form).
    session.ssrRedirectUri = redirectUri as string
    const location = target.url
    location.searchParams.set('code', code)
    if (appState !== undefined) location.searchParams.set('state', appState)
    // The code is in the URL: no referrer carries it further.
    return await reply.header('referrer-policy', 'no-referrer').redirect(location.href, 302)
  })

  app.post(SSR_PATHS.token, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const fields = Fields.body(request)
    const redirectUri = fields.string('redirect_uri', { required: true })
    const code = fields.string('code', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)

    const now = state.nowSeconds()
    const grant = state.ssrCodes.take(code!, now)
    if (grant === undefined) return await invalidGrant(reply, 'The code is not known, has expired or was used already')
    if (grant.redirectUri !== redirectUri) return await invalidGrant(reply, 'The code was issued for another redirect_uri')
    const user = state.users.get(grant.userId)
    if (user === undefined || accountRefusal(user) !== undefined || !state.sessions.holds(grant.session, now)) {
      return await invalidGrant(reply, 'The user signed out or may not sign in any more')
    }

    const refreshToken = state.ids.hex(32)
    state.refreshTokens.issue(refreshToken, { userId: user.userId, loginMethod: grant.loginMethod, session: grant.session }, now)
    const { accessToken } = await mintServerAccessToken(context, user, grant.loginMethod)
    return { access_token: accessToken, refresh_token: refreshToken }
  })

  app.get(SSR_PATHS.userinfo, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const token = bearerToken(request.headers.authorization)
    const reader = token === undefined ? undefined : readOwnAccessToken(context, token)
    const user = reader === undefined ? undefined : state.users.get(reader.userId)
    if (user === undefined || accountRefusal(user) !== undefined) {
      return await reply.code(401).header('www-authenticate', 'Bearer').send({ user_facing_error: 'Unauthorized: the access token is missing, invalid or expired' })
    }
    const userinfo = oauthUserinfo(state, user)
    if (!context.features.orgs) userinfo.org_id_to_org_info = {}
    return userinfo
  })
}
