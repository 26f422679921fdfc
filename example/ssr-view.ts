// The HTML of the server-rendered page (example/ssr-page.ts): plain markup and
// forms, no script, so it works with JavaScript off. Every value is escaped.

const escape = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export interface OrgView {
  orgId: string
  name: string
  role: string
  active: boolean
  /** What each of the example's org routes answered, for this user, in this org. */
  routes: Array<{ path: string, status: number, message: string }>
}

export interface SignedInView {
  name: string
  email: string
  userId: string
  activeOrg: { name: string, role: string } | undefined
  orgs: OrgView[]
}

function layout (title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}.ok{color:#070}.no{color:#a00}form{display:inline}</style>
</head><body>${body}</body></html>`
}

function orgSection (org: OrgView): string {
  const rows = org.routes.map((route) =>
    `<tr><td><code>GET ${escape(route.path)}</code></td><td class="${route.status < 300 ? 'ok' : 'no'}">${route.status}</td><td>${escape(route.message)}</td></tr>`).join('')
  const switcher = org.active
    ? '<strong>(active)</strong>'
    : `<form method="post" action="/ssr/org"><input type="hidden" name="active_org_id" value="${escape(org.orgId)}"><button type="submit">Make ${escape(org.name)} active</button></form>`
  return `<section data-org-id="${escape(org.orgId)}"><h3>${escape(org.name)} — ${escape(org.role)} ${switcher}</h3>
<table><thead><tr><th>Route</th><th>Status</th><th>Answer</th></tr></thead><tbody>${rows}</tbody></table></section>`
}

export function signedInPage (view: SignedInView): string {
  const active = view.activeOrg === undefined ? 'none' : `<span id="active-org">${escape(view.activeOrg.name)}</span>, as <span id="active-role">${escape(view.activeOrg.role)}</span>`
  return layout('Signed in — server-rendered page', `<h1>Hello, <span id="name">${escape(view.name)}</span></h1>
<p>Email: <span id="email">${escape(view.email)}</span> · user ID <code>${escape(view.userId)}</code></p>
<p>Active org: ${active}</p>
<form method="post" action="/ssr/logout"><button type="submit" id="sign-out">Sign out</button></form>
<h2>What the org routes answer you</h2>
<p>Each route was called in-process with this session. With an active org, the session's access token speaks for that org only, so the routes of the others answer 403.</p>
${view.orgs.length === 0 ? '<p>You are in no org.</p>' : view.orgs.map(orgSection).join('\n')}`)
}

export function signedOutPage (signInPath: string, accountUrl: string | undefined): string {
  const hosted = accountUrl === undefined
    ? ''
    : `<p>You are still signed in to PropelAuth itself, so signing in again may not ask for your password: sign out there on <a href="${escape(accountUrl)}">your account page</a>.</p>`
  return layout('Signed out', `<h1>Signed out</h1><p>This app's session is over, and PropelAuth has revoked its refresh token.</p>
<p><a id="sign-in" href="${escape(signInPath)}">Sign in again</a></p>${hosted}`)
}

export function problemPage (status: number, message: string): string {
  return layout('Not done', `<h1>Not done (${status})</h1><p>${escape(message)}</p><p><a href="/ssr">Back to the page</a></p>`)
}
