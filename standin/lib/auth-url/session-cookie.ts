import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * The session cookie of the stand-in at `authUrl`. Cookies are not kept apart
 * by port, so two stand-ins on localhost would overwrite each other's cookie
 * if they shared a name: the port is part of it.
 */
export function sessionCookieName (authUrl: string): string {
  const port = new URL(authUrl).port
  return port === '' ? 'standin_session' : `standin_session_${port}`
}

/** The attributes of the session cookie: HttpOnly (no script reads it), SameSite=Lax, the whole auth URL, Secure on https. */
export function sessionCookieAttributes (authUrl: string): { path: '/', httpOnly: true, sameSite: 'lax', secure: boolean } {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: new URL(authUrl).protocol === 'https:' }
}

export function setSessionCookie (reply: FastifyReply, authUrl: string, secret: string, maxAgeSeconds: number): void {
  reply.setCookie(sessionCookieName(authUrl), secret, { ...sessionCookieAttributes(authUrl), maxAge: maxAgeSeconds })
}

export function clearSessionCookie (reply: FastifyReply, authUrl: string): void {
  reply.clearCookie(sessionCookieName(authUrl), sessionCookieAttributes(authUrl))
}

/** The session secret the browser sent, if any. */
export function sessionSecret (request: FastifyRequest, authUrl: string): string | undefined {
  const value = request.cookies[sessionCookieName(authUrl)]
  return value === undefined || value === '' ? undefined : value
}
