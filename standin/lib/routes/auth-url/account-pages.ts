import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StandInContext } from '../../context.js'
import { html, type SafeHtml } from '../../auth-url/html.js'
import {
  currentSession,
  formOf,
  fromOwnPage,
  redirectToLogin,
  refuseForeignPost,
  returnUrlOrRefuse,
  sendPage,
  withReturnUrl
} from '../../auth-url/hosted.js'
import { AUTH_URL_PATHS, HOSTED_FORM_PATHS, SSR_APP_LOGOUT_PATH } from '../../auth-url/paths.js'
import type { Session } from '../../auth-url/sessions.js'
import { clearSessionCookie, sessionSecret } from '../../auth-url/session-cookie.js'
import { Fields } from '../../http.js'
import type { StoredOrg, StoredUser } from '../../records.js'
import { endSession } from '../../changes/sign-ins.js'
import { updateUser } from '../../changes/users.js'
import { createOrg } from '../../changes/orgs.js'
import { addMember } from '../../changes/memberships.js'

type PageQuery = { Querystring: Record<string, unknown> }

const HOME = html`<p><a href="${AUTH_URL_PATHS.account}">Your account</a></p>`

function backLink (returnTo: string | undefined): SafeHtml {
  return returnTo === undefined ? html`` : html`<p><a href="${returnTo}">Back to the app</a></p>`
}

/** The hidden `rt` of a form, so the page it leads to can still go back. */
function rtField (returnTo: string | undefined): SafeHtml {
  return returnTo === undefined ? html`` : html`<input type="hidden" name="rt" value="${Buffer.from(returnTo).toString('base64')}">`
}

function displayName (user: StoredUser): string {
  return [user.firstName, user.lastName].filter((part) => part !== undefined && part !== '').join(' ')
}

/**
 * The hosted account, org and create-org pages (`redirectToAccountPage`,
 * `redirectToOrgPage`, `redirectToCreateOrgPage`) and signing out from them.
 * Each needs a signed-in browser and sends others to the login page first.
 */
/**
 * Where a browser goes after signing out of a session that signed an app in
 * on its server: that app's logout path, on the origin of its redirect URI,
 * as PropelAuth's dashboard is set up for `@propelauth/nextjs` ("after
 * logout: /api/auth/logout"). There the app finds its refresh token dead
 * (ending the session ended it) and clears its cookies.
 */
function appLogoutUrl (session: Session | undefined): string | undefined {
  return session?.ssrRedirectUri === undefined ? undefined : new URL(SSR_APP_LOGOUT_PATH, session.ssrRedirectUri).href
}

export function accountPageRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  /** The signed-in user and the page's return URL, or the answer already sent (login redirect, bad `rt`). */
  const prepare = async (request: FastifyRequest<PageQuery>, reply: FastifyReply, rt: unknown): Promise<{ user: StoredUser, returnTo: string | undefined } | undefined> => {
    const returnUrl = await returnUrlOrRefuse(context, reply, rt, HOME)
    if (returnUrl === undefined) return undefined
    const signedIn = currentSession(context, request)
    if (signedIn === undefined) {
      await redirectToLogin(context, request, reply)
      return undefined
    }
    return { user: signedIn.user, returnTo: returnUrl.url }
  }

  /** The same for a form of these pages, which must also come from one of the stand-in's own pages. */
  const prepareForm = async (request: FastifyRequest, reply: FastifyReply, title: string): Promise<{ user: StoredUser, returnTo: string | undefined } | undefined> => {
    if (!fromOwnPage(request)) {
      await refuseForeignPost(reply, HOME)
      return undefined
    }
    const returnUrl = await returnUrlOrRefuse(context, reply, formOf(request.body).rt, HOME)
    if (returnUrl === undefined) return undefined
    const signedIn = currentSession(context, request)
    if (signedIn === undefined) {
      await sendPage(reply, 401, title, html`<p><a href="${AUTH_URL_PATHS.login}">Sign in</a></p>`, 'You are not signed in.')
      return undefined
    }
    return { user: signedIn.user, returnTo: returnUrl.url }
  }

  const orgsOf = (user: StoredUser): StoredOrg[] => context.features.orgs ? [...state.orgs.values()].filter((org) => org.members.has(user.userId)) : []

  app.get<PageQuery>(AUTH_URL_PATHS.account, async (request, reply) => {
    const ready = await prepare(request, reply, request.query.rt)
    if (ready === undefined) return reply
    const { user, returnTo } = ready
    const orgs = orgsOf(user)
    return await sendPage(reply, 200, 'Your account', html`<p>Signed in as <strong id="signed-in-email">${user.email}</strong>${displayName(user) === '' ? '' : html` (${displayName(user)})`}.</p>
${backLink(returnTo)}
<form method="post" action="${HOSTED_FORM_PATHS.account}">
${rtField(returnTo)}
<label for="first_name">First name</label>
<input id="first_name" name="first_name" autocomplete="given-name" value="${user.firstName ?? ''}">
<label for="last_name">Last name</label>
<input id="last_name" name="last_name" autocomplete="family-name" value="${user.lastName ?? ''}">
<button type="submit">Save</button>
</form>
<h2>Organizations</h2>
${orgs.length === 0 ? html`<p>You are not in any organization.</p>` : html`<ul>${orgs.map((org) => html`<li><a href="${`${AUTH_URL_PATHS.org}?id=${encodeURIComponent(org.orgId)}`}">${org.name}</a>: ${org.members.get(user.userId)!.role}</li>`)}</ul>`}
${context.features.orgs && user.canCreateOrgs ? html`<p><a href="${AUTH_URL_PATHS.createOrg}">Create an organization</a></p>` : ''}
<form method="post" action="${HOSTED_FORM_PATHS.signOut}"><button type="submit">Sign out</button></form>`)
  })

  app.post(HOSTED_FORM_PATHS.account, async (request, reply) => {
    const ready = await prepareForm(request, reply, 'Your account')
    if (ready === undefined) return reply
    const fields = Fields.body(request)
    const firstName = fields.string('first_name')
    const lastName = fields.string('last_name')
    if (!fields.ok) return await sendPage(reply, 400, 'Your account', HOME, 'Names must be text.')
    const named = (name: string | undefined): string | undefined => name === undefined || name.trim() === '' ? undefined : name.trim()
    updateUser(state, ready.user, { firstName: named(firstName), lastName: named(lastName) })
    return await reply.header('cache-control', 'no-store').redirect(withReturnUrl(AUTH_URL_PATHS.account, ready.returnTo), 303)
  })

  app.post(HOSTED_FORM_PATHS.signOut, async (request, reply) => {
    if (!fromOwnPage(request)) return await refuseForeignPost(reply, HOME)
    const secret = sessionSecret(request, context.authUrl)
    let appLogout: string | undefined
    if (secret !== undefined) {
      appLogout = appLogoutUrl(state.sessions.find(secret, state.nowSeconds()))
      endSession(state, secret)
      clearSessionCookie(reply, context.authUrl)
    }
    return await reply.header('cache-control', 'no-store').redirect(context.logoutRedirectUrl ?? appLogout ?? AUTH_URL_PATHS.login, 303)
  })

  app.get<PageQuery>(AUTH_URL_PATHS.org, async (request, reply) => {
    const ready = await prepare(request, reply, request.query.rt)
    if (ready === undefined) return reply
    const { user, returnTo } = ready
    const orgs = orgsOf(user)
    const id = request.query.id
    const org = typeof id === 'string' ? orgs.find((candidate) => candidate.orgId === id) : orgs[0]
    if (org === undefined) {
      const message = id === undefined ? 'You are not in any organization.' : 'You are not a member of this organization.'
      return await sendPage(reply, id === undefined ? 200 : 404, 'Organization', html`${backLink(returnTo)}${HOME}`, message)
    }
    const members = [...org.members.entries()].flatMap(([userId, membership]) => {
      const member = state.users.get(userId)
      return member === undefined ? [] : [html`<tr><td>${member.email}</td><td>${[membership.role, ...membership.additionalRoles].join(', ')}</td></tr>`]
    })
    return await sendPage(reply, 200, org.name, html`<p>Organization id <code>${org.orgId}</code>. Your role: <strong id="your-role">${org.members.get(user.userId)!.role}</strong>.</p>
${backLink(returnTo)}
<h2>Members</h2>
<table><thead><tr><th>Email</th><th>Role</th></tr></thead><tbody>${members}</tbody></table>
${HOME}`)
  })

  const createOrgForm = (returnTo: string | undefined, name: string): SafeHtml => html`<form method="post" action="${HOSTED_FORM_PATHS.createOrg}">
${rtField(returnTo)}
<label for="name">Organization name</label>
<input id="name" name="name" required value="${name}">
<button type="submit">Create</button>
</form>
${backLink(returnTo)}`

  const cannotCreate = (user: StoredUser): string | undefined => {
    if (!context.features.orgs) return 'Organizations are not enabled in this project.'
    if (!user.canCreateOrgs) return 'You may not create organizations.'
    return undefined
  }

  app.get<PageQuery>(AUTH_URL_PATHS.createOrg, async (request, reply) => {
    const ready = await prepare(request, reply, request.query.rt)
    if (ready === undefined) return reply
    const refusal = cannotCreate(ready.user)
    if (refusal !== undefined) return await sendPage(reply, 403, 'Create an organization', HOME, refusal)
    return await sendPage(reply, 200, 'Create an organization', createOrgForm(ready.returnTo, ''))
  })

  app.post(HOSTED_FORM_PATHS.createOrg, async (request, reply) => {
    const ready = await prepareForm(request, reply, 'Create an organization')
    if (ready === undefined) return reply
    const refusal = cannotCreate(ready.user)
    if (refusal !== undefined) return await sendPage(reply, 403, 'Create an organization', HOME, refusal)
    const fields = Fields.body(request)
    const name = fields.string('name', { required: true })
    if (!fields.ok) return await sendPage(reply, 400, 'Create an organization', createOrgForm(ready.returnTo, ''), 'Give the organization a name.')

    const org = state.newOrg({ orgId: state.ids.uuid(), name: name!.trim() })
    createOrg(state, org)
    // Whoever creates an org holds its highest role.
    addMember(state, org, ready.user, state.roleModelFor(org).roleHierarchy[0], [])
    const next = ready.returnTo ?? `${AUTH_URL_PATHS.org}?id=${encodeURIComponent(org.orgId)}`
    return await reply.header('cache-control', 'no-store').redirect(next, 303)
  })
}
