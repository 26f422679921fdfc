import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { browserHeaders, forwardToAuthRoute } from './auth-forward.js'
import { problemPage, signedInPage, signedOutPage, type OrgView } from './ssr-view.js'

// The server-rendered page: sign-in run by the server (the plugin's option
// `sessions`), with no frontend JavaScript. `GET /ssr` is guarded by
// `app.auth.pages.requireUser`, so a browser that is not signed in goes to
// PropelAuth's hosted login and comes back here. Its forms post to routes of
// this file, which call the plugin's auth routes (they answer JSON) and redirect
// back (303), so each click ends on a page.

export interface SsrPageOptions {
  /** Where the app is reached, as in `sessions.redirectUri` (http://localhost:3000). */
  baseUrl: string
  /** PropelAuth's hosted account page, where the user can end their PropelAuth session too. */
  accountUrl?: string
}

const AUTH = '/api/auth'
const PAGE = '/ssr'
const SIGNED_OUT = '/ssr/signed-out'
/** The example's org routes (example/app.ts), as the page shows them. */
const ORG_ROUTES = ['check', 'admin_only', 'admin_or_owner', 'billing']

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

interface UserinfoAnswer {
  userinfo?: { org_id_to_org_info?: Record<string, { org_id: string, org_name: string, user_role: string }> }
}

export async function ssrPage (app: FastifyInstance, options: SsrPageOptions): Promise<void> {
  const canonical = new URL(options.baseUrl)

  // The session's cookies, and the sign-in's `state`, belong to the host name
  // the browser used: a sign-in started on 127.0.0.1 would come back to the
  // redirect URI's localhost without its state. On loopback, where both names
  // reach the app, the page sends the browser to the redirect URI's name first.
  app.addHook('onRequest', async (request, reply) => {
    const hostname = request.hostname.toLowerCase()
    if (request.method === 'GET' && hostname !== canonical.hostname && LOOPBACK_HOSTS.has(hostname) && LOOPBACK_HOSTS.has(canonical.hostname)) {
      return await reply.redirect(new URL(request.url, canonical).href, 302)
    }
  })

  // HTML forms post application/x-www-form-urlencoded, which Fastify does not parse by itself.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  const html = (reply: FastifyReply, status: number, page: string): FastifyReply =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page)

  /** What `GET url` answers this browser, called in-process with its session. */
  async function answerOf (request: FastifyRequest, url: string): Promise<{ status: number, message: string }> {
    const answer = await app.inject({ method: 'GET', url, headers: browserHeaders(request) })
    let message = answer.body
    try { message = answer.json().message ?? message } catch {}
    return { status: answer.statusCode, message }
  }

  app.get(PAGE, { onRequest: app.auth.pages.requireUser }, async (request, reply) => {
    const user = app.auth.user(request)
    // The user's orgs: with an active org, the access token names only that one,
    // so the list comes from PropelAuth's userinfo, through the plugin's route.
    const info = await app.inject({ method: 'GET', url: `${AUTH}/userinfo`, headers: browserHeaders(request) })
    const orgInfo = info.statusCode === 200 ? (info.json() as UserinfoAnswer).userinfo?.org_id_to_org_info ?? {} : {}
    const activeOrg = user.getActiveOrg()
    const orgs: OrgView[] = []
    for (const org of Object.values(orgInfo)) {
      const routes = []
      for (const route of ORG_ROUTES) {
        const path = `/api/org/${org.org_id}/${route}`
        routes.push({ path, ...await answerOf(request, path) })
      }
      orgs.push({ orgId: org.org_id, name: org.org_name, role: org.user_role, active: org.org_id === activeOrg?.orgId, routes })
    }
    return html(reply, 200, signedInPage({
      name: [user.firstName, user.lastName].filter(Boolean).join(' ') || (user.email ?? user.userId),
      email: user.email ?? '',
      userId: user.userId,
      activeOrg: activeOrg === undefined ? undefined : { name: activeOrg.orgName, role: activeOrg.userAssignedRole },
      orgs
    }))
  })

  app.post<{ Body: { active_org_id?: string } }>(`${PAGE}/org`, async (request, reply) => {
    const orgId = typeof request.body?.active_org_id === 'string' ? request.body.active_org_id : ''
    const answer = await forwardToAuthRoute(app, request, reply, 'POST', `${AUTH}/set-active-org?active_org_id=${encodeURIComponent(orgId)}`)
    if (answer.statusCode !== 200) return html(reply, answer.statusCode, problemPage(answer.statusCode, String(answer.body.message ?? 'The org was not switched.')))
    return await reply.redirect(PAGE, 303)
  })

  app.post(`${PAGE}/logout`, async (request, reply) => {
    const answer = await forwardToAuthRoute(app, request, reply, 'POST', `${AUTH}/logout`)
    if (answer.statusCode !== 200) return html(reply, answer.statusCode, problemPage(answer.statusCode, String(answer.body.message ?? 'You were not signed out.')))
    return await reply.redirect(SIGNED_OUT, 303)
  })

  // Public: after signing out, /ssr itself would send the browser straight back to sign in.
  app.get(SIGNED_OUT, async (_request, reply) => html(reply, 200, signedOutPage(`${AUTH}/login?return_to_path=${encodeURIComponent(PAGE)}`, options.accountUrl)))
}
