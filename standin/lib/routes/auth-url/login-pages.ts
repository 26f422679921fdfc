import type { FastifyInstance, FastifyReply } from 'fastify'
import type { StandInContext } from '../../context.js'
import { html, type SafeHtml } from '../../auth-url/html.js'
import {
  afterSignIn,
  currentSession,
  formOf,
  formText,
  fromOwnPage,
  refuseForeignPost,
  returnUrlOrRefuse,
  sendPage,
  signInAndRedirect
} from '../../auth-url/hosted.js'
import { AUTH_URL_PATHS, HOSTED_FORM_PATHS } from '../../auth-url/paths.js'
import { MFA_ATTEMPTS, MFA_WAIT_SECONDS } from '../../auth-url/sessions.js'
import { Fields } from '../../http.js'
import type { StoredUser } from '../../records.js'
import { accountRefusal, tooManyFailedSignIns, verifyMfaCode, verifyPassword } from '../../sign-in.js'
import { checkPassword, checkUnique, confirmationLink } from '../user-accounts.js'
import { createUser } from '../../changes/users.js'
import { sendMfaPhoneCode } from '../../changes/sign-ins.js'

type PageQuery = { Querystring: Record<string, unknown> }

/** Signup parameters a page passes on (PropelAuth's client adds `userSignupQueryParameters` to both pages' URLs). */
const MAX_SIGNUP_PARAMETERS = 20

function signupParameters (query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'rt' && typeof value === 'string' && Object.keys(out).length < MAX_SIGNUP_PARAMETERS) out[key] = value
  }
  return out
}

const START_OVER = html`<p><a href="${AUTH_URL_PATHS.login}">Sign in</a></p>`

function loginForm (rt: string, email: string, parameters: Record<string, string>): SafeHtml {
  return html`<form method="post" action="${HOSTED_FORM_PATHS.login}">
<input type="hidden" name="rt" value="${rt}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p>No account yet? <a href="${withRtParam(AUTH_URL_PATHS.signup, rt, parameters)}">Sign up</a></p>`
}

function signupForm (rt: string, values: { email: string, firstName: string, lastName: string }, parameters: Record<string, string>): SafeHtml {
  return html`<form method="post" action="${HOSTED_FORM_PATHS.signup}">
<input type="hidden" name="rt" value="${rt}">
<input type="hidden" name="signup_parameters" value="${new URLSearchParams(parameters).toString()}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${values.email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
<label for="first_name">First name</label>
<input id="first_name" name="first_name" autocomplete="given-name" value="${values.firstName}">
<label for="last_name">Last name</label>
<input id="last_name" name="last_name" autocomplete="family-name" value="${values.lastName}">
<button type="submit">Sign up</button>
</form>
<p>Already have an account? <a href="${withRtParam(AUTH_URL_PATHS.login, rt, parameters)}">Sign in</a></p>`
}

function mfaForm (user: StoredUser, signIn: string): SafeHtml {
  const where = user.mfa?.type === 'Phone'
    ? `the code sent to your phone ending ${user.mfa.phones[0]?.suffix ?? ''}`
    : 'the code from your authenticator app'
  return html`<p>Enter ${where}.</p>
<form method="post" action="${HOSTED_FORM_PATHS.mfa}">
<input type="hidden" name="sign_in" value="${signIn}">
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">Verify</button>
</form>`
}

/** Says when to come back, for an answer past the limit of failed sign-ins. */
function withRetryAfter (reply: FastifyReply, seconds: number | undefined): FastifyReply {
  return seconds === undefined ? reply : reply.header('retry-after', String(seconds))
}

/** A page link that keeps the raw `rt` and the signup parameters. */
function withRtParam (path: string, rt: string, parameters: Record<string, string>): string {
  const query = new URLSearchParams(parameters)
  if (rt !== '') query.set('rt', rt)
  const qs = query.toString()
  return qs === '' ? path : `${path}?${qs}`
}

/**
 * The hosted login and sign-up pages PropelAuth's browser client sends users
 * to (`redirectToLoginPage`, `redirectToSignupPage`), with the return URL in
 * `rt`, and the MFA step of a sign-in. A wrong password, a disabled or locked
 * account or a wrong code gets the page again with a message, and no session;
 * so does an email past the limit of failed sign-ins, with 429 and `Retry-After`.
 */
export function loginPageRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  /**
   * The login and sign-up pages: a bad `rt` gets a page saying why; a browser
   * that is signed in already goes straight on, as PropelAuth's pages do;
   * others get the form, which keeps `rt` and the signup parameters.
   */
  const formPage = (path: string, title: string, form: (rt: string, parameters: Record<string, string>) => SafeHtml): void => {
    app.get<PageQuery>(path, async (request, reply) => {
      const returnUrl = await returnUrlOrRefuse(context, reply, request.query.rt, START_OVER)
      if (returnUrl === undefined) return reply
      if (currentSession(context, request) !== undefined) return await reply.header('cache-control', 'no-store').redirect(afterSignIn(returnUrl.url), 303)
      const rt = typeof request.query.rt === 'string' ? request.query.rt : ''
      return await sendPage(reply, 200, title, form(rt, signupParameters(request.query)))
    })
  }
  formPage(AUTH_URL_PATHS.login, 'Sign in', (rt, parameters) => loginForm(rt, '', parameters))
  formPage(AUTH_URL_PATHS.signup, 'Sign up', (rt, parameters) => signupForm(rt, { email: '', firstName: '', lastName: '' }, parameters))

  app.post(HOSTED_FORM_PATHS.login, async (request, reply) => {
    if (!fromOwnPage(request)) return await refuseForeignPost(reply, START_OVER)
    const form = formOf(request.body)
    const rt = formText(form, 'rt')
    const again = async (message: string, status: number, retryAfter?: number): Promise<FastifyReply> =>
      await sendPage(withRetryAfter(reply, retryAfter), status, 'Sign in', loginForm(rt, formText(form, 'email'), {}), message)
    const returnUrl = await returnUrlOrRefuse(context, reply, form.rt, START_OVER)
    if (returnUrl === undefined) return reply

    const fields = Fields.body(request)
    const given = { email: fields.string('email', { required: true }), password: fields.string('password', { required: true }) }
    if (!fields.ok) return await again('Enter your email and your password.', 400)
    const check = verifyPassword(state, given.email!, given.password!)
    if (check.outcome === 'wait') return await again(`${tooManyFailedSignIns(check.seconds)}.`, 429, check.seconds)
    // The same message whether the account exists or the password is wrong.
    if (check.outcome === 'incorrect') return await again('Incorrect email or password.', 403)
    if (check.outcome === 'refused') return await again(`${check.message}.`, 403)

    const { user } = check
    if (user.mfa !== null) {
      const signIn = state.ids.hex(24)
      state.sessions.awaitMfa(signIn, { userId: user.userId, rt: returnUrl.url, expiresAt: state.nowSeconds() + MFA_WAIT_SECONDS, attemptsLeft: MFA_ATTEMPTS })
      // The page says a code went to the first phone: PropelAuth would text it now.
      if (user.mfa.type === 'Phone' && user.mfa.phones.length > 0) sendMfaPhoneCode(state, user, user.mfa.phones[0])
      return await sendPage(reply, 200, 'Verify it is you', mfaForm(user, signIn))
    }
    return await signInAndRedirect(context, reply, user, returnUrl.url)
  })

  app.post(HOSTED_FORM_PATHS.mfa, async (request, reply) => {
    if (!fromOwnPage(request)) return await refuseForeignPost(reply, START_OVER)
    const form = formOf(request.body)
    const signIn = formText(form, 'sign_in')
    const pending = signIn === '' ? undefined : state.sessions.pendingMfa(signIn, state.nowSeconds())
    const user = pending === undefined ? undefined : state.users.get(pending.userId)
    if (pending === undefined || user === undefined || accountRefusal(user) !== undefined) {
      return await sendPage(reply, 400, 'Sign in', START_OVER, 'This sign-in has expired or is not known: sign in again.')
    }
    const code = formText(form, 'code').trim()
    if (code === '') return await sendPage(reply, 400, 'Verify it is you', mfaForm(user, signIn), 'Enter the verification code.')
    const check = verifyMfaCode(state, context.mfaCode, user, code)
    if (check.outcome === 'wait') {
      return await sendPage(withRetryAfter(reply, check.seconds), 429, 'Verify it is you', mfaForm(user, signIn), `${tooManyFailedSignIns(check.seconds)}.`)
    }
    if (check.outcome === 'incorrect') {
      pending.attemptsLeft--
      if (pending.attemptsLeft <= 0) {
        state.sessions.endMfa(signIn)
        return await sendPage(reply, 403, 'Sign in', START_OVER, 'Too many incorrect codes: sign in again.')
      }
      return await sendPage(reply, 403, 'Verify it is you', mfaForm(user, signIn), 'Incorrect verification code.')
    }
    state.sessions.endMfa(signIn)
    return await signInAndRedirect(context, reply, user, pending.rt)
  })

  app.post(HOSTED_FORM_PATHS.signup, async (request, reply) => {
    if (!fromOwnPage(request)) return await refuseForeignPost(reply, START_OVER)
    const form = formOf(request.body)
    const rt = formText(form, 'rt')
    const parameters = signupParameters(Object.fromEntries(new URLSearchParams(formText(form, 'signup_parameters'))))
    const values = { email: formText(form, 'email'), firstName: formText(form, 'first_name'), lastName: formText(form, 'last_name') }
    const returnUrl = await returnUrlOrRefuse(context, reply, form.rt, START_OVER)
    if (returnUrl === undefined) return reply

    const fields = Fields.body(request)
    const email = fields.email('email', { required: true })
    const password = fields.string('password', { required: true })
    checkPassword(fields, 'password', password)
    checkUnique(state, fields, { email })
    if (!fields.ok) {
      const problems = Object.entries(fields.errors).map(([name, messages]) => `${name.replace('_', ' ')}: ${messages.join(', ')}`)
      return await sendPage(reply, 400, 'Sign up', signupForm(rt, values, parameters), `${problems.join('. ')}.`)
    }
    const user = state.newUser({
      userId: state.ids.uuid(),
      email: email!,
      password,
      firstName: values.firstName === '' ? undefined : values.firstName,
      lastName: values.lastName === '' ? undefined : values.lastName,
      signupQueryParameters: parameters
    })
    createUser(state, user)
    // PropelAuth asks a new user to confirm their address; the email is in `state.outbox`.
    state.sendEmail({ to: user.email, kind: 'email_confirmation', link: confirmationLink(context.authUrl, user) })
    return await signInAndRedirect(context, reply, user, returnUrl.url)
  })
}
