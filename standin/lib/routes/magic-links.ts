import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, sendFieldErrors, sendNotFound } from '../http.js'
import { MAGIC_LINK_SECRET } from '../redact.js'
import { accountRefusal } from '../sign-in.js'
import { confirmEmail, createUser } from '../changes/users.js'
import { recordSignIn } from '../changes/sign-ins.js'

/** PropelAuth's default lifetime of a magic link. */
export const DEFAULT_MAGIC_LINK_HOURS = 24

/**
 * `POST /api/backend/v1/magic_link` makes a link that signs the user in; the
 * stand-in also serves the link itself (`GET /magic_link?t=…`, no API key),
 * answering with an access token where PropelAuth would set a session and
 * redirect. A disabled or locked user is refused, as on the hosted login.
 */
export function magicLinkRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.post('/api/backend/v1/magic_link', async (request, reply) => {
    const fields = Fields.body(request)
    const email = fields.email('email', { required: true })
    const redirectToUrl = fields.absoluteUrl('redirect_to_url', { nonEmpty: true })
    const hours = fields.number('expires_in_hours', { min: 1 / 60, max: 24 * 365 }) ?? DEFAULT_MAGIC_LINK_HOURS
    const createIfMissing = fields.boolean('create_new_user_if_one_doesnt_exist') ?? true
    const expireAfterFirstUse = fields.boolean('expire_after_first_use') ?? false
    const requiresInterstitial = fields.boolean('requires_interstitial') ?? false
    const signupParameters = fields.object('user_signup_query_parameters')
    if (signupParameters !== undefined && !Object.values(signupParameters).every((value) => typeof value === 'string')) {
      fields.fail('user_signup_query_parameters', 'Values must be strings')
    }
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)

    let user = state.findUserByEmail(email!)
    if (user === undefined) {
      if (!createIfMissing) return await sendFieldErrors(reply, { email: ['No user has this email'] })
      user = state.newUser({ userId: state.ids.uuid(), email: email!, signupQueryParameters: (signupParameters ?? {}) as Record<string, string> })
      createUser(state, user)
    }
    const now = state.nowSeconds()
    const token = state.ids.hex(24)
    const url = `${context.authUrl}/magic_link?${MAGIC_LINK_SECRET}=${token}`
    state.magicLinks.set(token, {
      token,
      url,
      userId: user.userId,
      email: user.email,
      redirectToUrl,
      createdAt: now,
      expiresAt: now + Math.round(hours * 3600),
      expireAfterFirstUse,
      requiresInterstitial
    })
    state.sendEmail({ to: user.email, kind: 'magic_link', link: url })
    return { url }
  })

  app.get<{ Querystring: Record<string, unknown> }>('/magic_link', async (request, reply) => {
    // Every answer may carry a token, or say which links are live: no cache may keep it.
    reply.header('cache-control', 'no-store')
    const secret = request.query[MAGIC_LINK_SECRET]
    const link = typeof secret === 'string' ? state.magicLinks.get(secret) : undefined
    const user = link === undefined ? undefined : state.users.get(link.userId)
    if (link === undefined || user === undefined || link.expiresAt <= state.nowSeconds()) {
      return await sendNotFound(reply, 'Magic link')
    }
    // Refused before a single-use link is spent, so it works once the account is enabled or unlocked again.
    const refusal = accountRefusal(user)
    if (refusal !== undefined) return await reply.code(403).send({ user_facing_error: refusal })
    if (link.expireAfterFirstUse) state.magicLinks.delete(link.token)
    confirmEmail(state, user)
    recordSignIn(state, user)
    const accessToken = await context.mint({
      ...state.tokenOptionsFor(user, undefined, context.features.orgs),
      loginMethod: { login_method: 'magic_link' },
      expiresIn: 60 * 60
    })
    return { access_token: accessToken, token_type: 'bearer', redirect_to_url: link.redirectToUrl }
  })
}
