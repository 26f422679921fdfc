import type { FastifyInstance, FastifyReply } from 'fastify'
import type { StandInContext } from '../context.js'
import { answerPreflight, credentialedCors, refuseOrigin } from '../auth-url/cors.js'
import { tooManyFailedSignIns, verifyMfaCode, verifyPassword } from '../sign-in.js'
import { recordSignIn } from '../changes/sign-ins.js'

/** Lifetime of tokens from the development login. */
export const LOGIN_TOKEN_MINUTES = 60

// One message for every failure, so the answer never tells which of the email
// or the password was wrong (or whether the account exists).
const INVALID_CREDENTIALS = 'Incorrect email or password'
const MFA_REQUIRED = 'This user signs in with MFA: send the code from their authenticator app or phone as mfa_code'

// Swagger UI's password flow sends these besides the form's Content-Type
// (Authorization carries its client_id:client_secret, empty here).
const REQUEST_HEADERS = 'Content-Type, Accept, Authorization, X-Requested-With'

type LoginError = 'invalid_request' | 'unsupported_grant_type' | 'invalid_grant' | 'mfa_required' | 'rate_limited'

async function refuse (reply: FastifyReply, status: number, error: LoginError, description: string): Promise<FastifyReply> {
  return await reply.code(status).send({ error, error_description: description })
}

/**
 * `POST /login`: a development login in the style of an OAuth2 password flow
 * (FastAPI's OAuth2PasswordBearer tutorial). It takes a form with `username`
 * (the email) and `password` of a seeded user, and `mfa_code` for a user
 * with MFA, and answers `{ access_token, token_type: 'bearer' }`, a
 * PropelAuth-shaped token for that user. Its password and code checks, and its
 * limit on failures, are the hosted login's. PropelAuth itself has no such
 * endpoint: it exists so that Swagger UI's Authorize dialog can sign in as a
 * seeded user. It starts no session: the hosted login page (`GET /login`)
 * posts its form to `/hosted/login` instead.
 */
export function loginRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state, origins } = context

  app.options('/login', async (request, reply) => await answerPreflight(request, reply.header('cache-control', 'no-store'), origins, 'POST', REQUEST_HEADERS))

  app.post('/login', async (request, reply) => {
    // The answer carries a token: no cache may keep it.
    reply.header('cache-control', 'no-store')
    // Swagger UI posts from the app's origin (another port), so pages of the
    // project's origins may read the answer; others get no grant. A form post
    // needs no preflight, so theirs is refused here, before it can sign in or
    // count a failure against someone's limit.
    if (!credentialedCors(request, reply, origins)) return await refuseOrigin(reply, origins, request.headers.origin)
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>
    const grantType = form.grant_type
    if (grantType !== undefined && grantType !== 'password') {
      return await refuse(reply, 400, 'unsupported_grant_type', 'Only the password grant is supported')
    }
    const { username, password, mfa_code: mfaCode } = form
    if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '' || (mfaCode !== undefined && typeof mfaCode !== 'string')) {
      return await refuse(reply, 400, 'invalid_request', 'Send username (the email), password and, for a user with MFA, mfa_code as an application/x-www-form-urlencoded form')
    }
    const tooMany = async (seconds: number): Promise<FastifyReply> =>
      await refuse(reply.header('retry-after', String(seconds)), 429, 'rate_limited', tooManyFailedSignIns(seconds))

    const check = verifyPassword(state, username, password)
    if (check.outcome === 'wait') return await tooMany(check.seconds)
    // A disabled or locked user gets the same answer too: nothing else.
    if (check.outcome !== 'correct') return await refuse(reply, 403, 'invalid_grant', INVALID_CREDENTIALS)
    const { user } = check
    // The hosted login asks these users for their code; this door asks for it too.
    if (user.mfa !== null) {
      if (mfaCode === undefined || mfaCode.trim() === '') return await refuse(reply, 403, 'mfa_required', MFA_REQUIRED)
      const mfa = verifyMfaCode(state, context.mfaCode, user, mfaCode)
      if (mfa.outcome === 'wait') return await tooMany(mfa.seconds)
      if (mfa.outcome === 'incorrect') return await refuse(reply, 403, 'invalid_grant', 'Incorrect MFA code')
    }
    recordSignIn(state, user)
    const accessToken = await context.mint({
      ...state.tokenOptionsFor(user, undefined, context.features.orgs),
      loginMethod: { login_method: 'password' },
      expiresIn: LOGIN_TOKEN_MINUTES * 60
    })
    return { access_token: accessToken, token_type: 'bearer' }
  })
}
