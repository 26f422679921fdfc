import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { guardInfoOf, tagGuard, type GuardInfo, type PropelAuthHook } from '../guards/guard-tag.js'
import type { PropelAuthTokenGuards } from '../guards/token-guards.js'
import { safeReturnPath } from './return-path.js'
import { wantsPage } from './sign-in-page.js'

// The guards for pages: those of the session, except that a browser that is not
// signed in is sent to sign in, and brought back to where it was, instead of
// getting a 401 it cannot act on. An htmx request (`HX-Request`) gets its 401
// with `HX-Redirect`, which htmx follows with a full navigation; a program (no
// text/html in `Accept`) gets the usual 401 body and challenge. A 403 (signed
// in, not allowed) stays a 403 for all.

/** The path a browser should come back to: the page itself, or for htmx the page that made the request. */
function returnPathOf (request: FastifyRequest): string | undefined {
  if (request.headers['hx-request'] === 'true') {
    const current = request.headers['hx-current-url']
    if (typeof current !== 'string') return undefined
    try {
      const url = new URL(current)
      return url.host === request.host ? safeReturnPath(url.pathname + url.search) : undefined
    } catch {
      return undefined
    }
  }
  return safeReturnPath(request.url)
}

function pageGuard (guard: PropelAuthHook, loginPath: string): PropelAuthHook {
  const page: PropelAuthHook = function (this: unknown, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    guard.call(this as never, request, reply, (error?: Error & { statusCode?: number }) => {
      if (error?.statusCode !== 401) {
        done(error)
        return
      }
      const returnTo = returnPathOf(request)
      const signIn = returnTo === undefined ? loginPath : `${loginPath}?return_to_path=${encodeURIComponent(returnTo)}`
      if (request.headers['hx-request'] === 'true') {
        reply.header('hx-redirect', signIn)
        done(error)
      } else if ((request.method === 'GET' || request.method === 'HEAD') && wantsPage(request)) {
        reply.header('cache-control', 'no-store').redirect(signIn, 302)
      } else {
        done(error)
      }
    })
  }
  const info = guardInfoOf(guard)
  // Every guard of `guards` is tagged: the page guard requires what it requires.
  return tagGuard(page, info as GuardInfo)
}

/** `guards` (reading the session), made to send browsers to `loginPath`. */
export function createPageGuards (guards: PropelAuthTokenGuards, loginPath: string): PropelAuthTokenGuards {
  const wrap = <A extends unknown[]>(factory: (...args: A) => PropelAuthHook) => (...args: A) => pageGuard(factory(...args), loginPath)
  return {
    requireUser: pageGuard(guards.requireUser, loginPath),
    optionalUser: guards.optionalUser,
    requireOrgMember: wrap(guards.requireOrgMember),
    requireOrgMemberWithMinimumRole: wrap(guards.requireOrgMemberWithMinimumRole),
    requireOrgMemberWithExactRole: wrap(guards.requireOrgMemberWithExactRole),
    requireOrgMemberWithPermission: wrap(guards.requireOrgMemberWithPermission),
    requireOrgMemberWithAllPermissions: wrap(guards.requireOrgMemberWithAllPermissions)
  }
}
