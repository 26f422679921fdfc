import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { answerPreflight, credentialedCors, refuseOrigin } from '../auth-url/cors.js'
import { sameSecret } from '../passwords.js'

/** Lifetime of tokens from the development login. */
export const LOGIN_TOKEN_MINUTES = 60

// One message for every failure, so the answer never tells which of the email
// or the password was wrong (or whether the account exists).
const INVALID_CREDENTIALS = 'Incorrect email or password'

// Swagger UI's password flow sends these besides the form's Content-Type
// (Authorization carries its client_id:client_secret, empty here).
const REQUEST_HEADERS = 'Content-Type, Accept, Authorization, X-Requested-With'

/**
 * `POST /login`: a development login in the style of an OAuth2 password flow
 * (FastAPI's OAuth2PasswordBearer tutorial). It takes a form with `username`
 * (the email) and `password` of a seeded user and answers
 * `{ access_token, token_type: 'bearer' }`, a PropelAuth-shaped token for that
 * user. PropelAuth itself has no such endpoint: it exists so that Swagger UI's
 * Authorize dialog can sign in as a seeded user. It starts no session: the
 * hosted login page (`GET /login`) posts its form to `/hosted/login` instead.
 */
export function loginRoutes (app: FastifyInstance, context: StandInContext): void {
  const { origins } = context

  app.options('/login', async (request, reply) => await answerPreflight(request, reply.header('cache-control', 'no-store'), origins, 'POST', REQUEST_HEADERS))

  app.post('/login', async (request, reply) => {
    // The answer carries a token: no cache may keep it.
    reply.header('cache-control', 'no-store')
    // Swagger UI posts from the app's origin (another port), so pages of the
    // project's origins may read the answer; others get no grant. A form post
    // needs no preflight, so theirs is refused here, before it can sign in.
    if (!credentialedCors(request, reply, origins)) return await refuseOrigin(reply, origins, request.headers.origin)
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>
    const grantType = form.grant_type
    if (grantType !== undefined && grantType !== 'password') {
      return await reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'Only the password grant is supported' })
    }
    const { username, password } = form
    if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
      return await reply.code(400).send({ error: 'invalid_request', error_description: 'Send username (the email) and password as an application/x-www-form-urlencoded form' })
    }
    const user = context.state.findUserByEmail(username)
    if (user === undefined || !sameSecret(password, user.password) || !user.enabled || user.locked) {
      return await reply.code(403).send({ error: 'invalid_grant', error_description: INVALID_CREDENTIALS })
    }
    user.lastActiveAt = context.state.nowSeconds()
    const accessToken = await context.mint({
      ...context.state.tokenOptionsFor(user, undefined, context.features.orgs),
      loginMethod: { login_method: 'password' },
      expiresIn: LOGIN_TOKEN_MINUTES * 60
    })
    return { access_token: accessToken, token_type: 'bearer' }
  })
}
