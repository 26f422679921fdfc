import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

// The plugin's auth routes answer JSON (PropelAuth's library calls them from
// JavaScript). A page with no JavaScript posts its forms to routes of the
// example instead, which call the auth route in-process and then redirect the
// browser: these helpers make that call as the browser's own request.

/**
 * The browser's headers that the auth routes judge: its cookies (the session),
 * and what says where the request came from (`Host`, `Origin`,
 * `Sec-Fetch-Site`), so that the cross-site check of the auth routes still
 * sees a form another site posted, and refuses it.
 */
export function browserHeaders (request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' }
  for (const name of ['cookie', 'host', 'origin', 'sec-fetch-site'] as const) {
    const value = request.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  return headers
}

type SameSite = 'lax' | 'strict' | 'none'

/**
 * Calls `url` on `app` in-process as the browser of `request` and copies the
 * cookies it set onto `reply`. `reply.setCookie` overwrites a cookie of the same
 * name this request already set (the session hook's refresh), so the newest
 * tokens are the ones the browser keeps.
 */
export async function forwardToAuthRoute (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, method: 'GET' | 'POST', url: string): Promise<{ statusCode: number, body: Record<string, unknown> }> {
  const answer = await app.inject({ method, url, headers: browserHeaders(request) })
  for (const cookie of answer.cookies as Array<{ name: string, value: string, path?: string, maxAge?: number, expires?: Date, httpOnly?: boolean, secure?: boolean, sameSite?: string }>) {
    reply.setCookie(cookie.name, cookie.value, {
      path: cookie.path,
      maxAge: cookie.maxAge,
      expires: cookie.expires,
      httpOnly: cookie.httpOnly,
      secure: cookie.secure,
      sameSite: cookie.sameSite?.toLowerCase() as SameSite | undefined
    })
  }
  let body: Record<string, unknown> = {}
  try { body = answer.json() } catch {}
  return { statusCode: answer.statusCode, body }
}
