import type { FastifyReply, FastifyRequest } from 'fastify'
import type { StandInContext } from '../context.js'
import type { Session } from './sessions.js'
import type { StoredUser } from '../records.js'
import { AUTH_URL_PATHS } from './paths.js'
import { readReturnUrl, type ReturnUrl } from './origins.js'
import { page, type SafeHtml } from './html.js'
import { sessionSecret, setSessionCookie } from './session-cookie.js'
import { startSession } from '../changes/sign-ins.js'

// What every hosted page shares: how it is sent, who may post its forms, the
// return URL, and signing in.

export type Form = Record<string, unknown>

/** A posted form's fields (anything else, say a JSON list, has none). */
export function formOf (body: unknown): Form {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Form : {}
}

/** A form field as text; '' when absent or not text. */
export function formText (form: Form, name: string): string {
  const value = form[name]
  return typeof value === 'string' ? value : ''
}

/**
 * Sends a hosted page. Pages are about sessions, so no cache keeps them; they
 * load nothing from elsewhere and may not be framed (a login form inside
 * another site's frame invites clickjacking).
 */
export async function sendPage (reply: FastifyReply, status: number, title: string, content: SafeHtml, message?: string): Promise<FastifyReply> {
  return await reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .send(page(title, content, message))
}

/**
 * Whether a form post comes from one of the stand-in's own pages. Browsers
 * send `Origin` with every form post; one from elsewhere is another site
 * posting into the user's session (or signing them in as someone else).
 */
export function fromOwnPage (request: FastifyRequest): boolean {
  const origin = request.headers.origin
  return origin === undefined || origin === `${request.protocol}://${request.host}`
}

export async function refuseForeignPost (reply: FastifyReply, content: SafeHtml): Promise<FastifyReply> {
  return await sendPage(reply, 403, 'Not allowed', content, 'This form accepts posts from the stand-in\'s own pages only.')
}

/** `path?rt=…`, with `rt` as PropelAuth's client encodes it (base64 of the URL). */
export function withReturnUrl (path: string, url: string | undefined, more: Record<string, string> = {}): string {
  const query = new URLSearchParams(more)
  if (url !== undefined) query.set('rt', Buffer.from(url, 'utf8').toString('base64'))
  const text = query.toString()
  return text === '' ? path : `${path}?${text}`
}

/** Reads `rt`; a bad one is answered with a page saying why (nothing else happens), and undefined comes back. */
export async function returnUrlOrRefuse (context: StandInContext, reply: FastifyReply, rt: unknown, content: SafeHtml): Promise<ReturnUrl & { ok: true } | undefined> {
  const returnUrl = readReturnUrl(rt, context.origins)
  if (returnUrl.ok) return returnUrl
  await sendPage(reply, 400, 'Cannot continue', content, returnUrl.problem)
  return undefined
}

/** The signed-in user of this browser, if its session is live. */
export function currentSession (context: StandInContext, request: FastifyRequest): { session: Session, user: StoredUser } | undefined {
  const secret = sessionSecret(request, context.authUrl)
  return secret === undefined ? undefined : context.state.sessionUser(secret)
}

/** Where a signed-in user goes when no page asked to come back: their account page. */
export function afterSignIn (returnTo: string | undefined): string {
  return returnTo ?? AUTH_URL_PATHS.account
}

/** Starts a session for `user`, sets its cookie and sends the browser on (303: the next request is a GET). */
export async function signInAndRedirect (context: StandInContext, reply: FastifyReply, user: StoredUser, returnTo: string | undefined): Promise<FastifyReply> {
  const { secret, session } = startSession(context.state, user, { login_method: 'password' })
  setSessionCookie(reply, context.authUrl, secret, session.expiresAt - session.createdAt)
  return await reply.header('cache-control', 'no-store').redirect(afterSignIn(returnTo), 303)
}

/** Pages for signed-in users send others to the login page, coming back here after. */
export async function redirectToLogin (context: StandInContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return await reply.header('cache-control', 'no-store').redirect(withReturnUrl(AUTH_URL_PATHS.login, `${context.authUrl}${request.url}`), 303)
}
