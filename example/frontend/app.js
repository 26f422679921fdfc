// The example's frontend, run by the browser as is (no build step). It uses
// PropelAuth's browser client the way an app does: ask it for the signed-in
// user's access token, send that token to the backend, and let the client
// send the user to the auth URL's pages to sign in, sign up or manage their
// account.
import { createClient } from '@propelauth/javascript'

const authUrl = document.querySelector('meta[name="propelauth-auth-url"]').content
const client = createClient({ authUrl, enableBackgroundTokenRefresh: true })

const element = (id) => document.getElementById(id)

/** Calls the backend, with the token if there is one; answers `{ status, body }`. */
async function callBackend (path, accessToken) {
  const headers = accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }
  const response = await fetch(path, { headers })
  return { status: response.status, body: await response.text() }
}

function showResults (rows) {
  const cells = rows.map(({ label, status, body }) => {
    const row = document.createElement('tr')
    for (const [text, isCode] of [[label, false], [String(status), false], [body, true]]) {
      const cell = document.createElement('td')
      if (isCode) {
        const code = document.createElement('code')
        code.textContent = text
        cell.append(code)
      } else {
        cell.textContent = text
      }
      row.append(cell)
    }
    return row
  })
  element('results').replaceChildren(...cells)
}

/** The routes of example/app.ts this user can try: whoami, and each org route for each of their orgs. */
async function tryRoutes (info) {
  const token = info?.accessToken
  const rows = [{ label: 'GET /api/whoami', ...await callBackend('/api/whoami', token) }]
  for (const org of info?.orgHelper?.getOrgs() ?? []) {
    for (const route of ['check', 'admin_or_owner', 'admin_only', 'billing']) {
      const path = `/api/org/${org.orgId}/${route}`
      rows.push({ label: `GET ${path} (${org.orgName}, ${org.userAssignedRole})`, ...await callBackend(path, token) })
    }
    // A token for this org alone (an active-org token): the backend sees the user in that org only.
    const { accessToken } = await client.getAccessTokenForOrg(org.orgId)
    if (accessToken !== null) rows.push({ label: `GET /api/whoami with ${org.orgName}'s org token`, ...await callBackend('/api/whoami', accessToken) })
  }
  showResults(rows)
}

async function render () {
  let info = null
  let status = 'Not signed in'
  try {
    info = await client.getAuthenticationInfoOrNull()
  } catch (error) {
    status = `The auth URL ${authUrl} did not answer (${error?.message ?? error}): is it running, and does it allow this page's origin?`
  }
  const signedIn = info !== null
  if (signedIn) {
    const name = [info.user.firstName, info.user.lastName].filter(Boolean).join(' ')
    status = `Signed in as ${info.user.email}${name === '' ? '' : ` (${name})`}`
  }
  element('status').textContent = status
  element('sign-in').hidden = signedIn
  element('sign-up').hidden = signedIn
  element('account').hidden = !signedIn
  element('sign-out').hidden = !signedIn
  await tryRoutes(info)
}

element('sign-in').addEventListener('click', () => client.redirectToLoginPage({ postLoginRedirectUrl: window.location.href }))
element('sign-up').addEventListener('click', () => client.redirectToSignupPage({ postSignupRedirectUrl: window.location.href }))
element('account').addEventListener('click', () => client.redirectToAccountPage({ redirectBackToUrl: window.location.href }))
element('sign-out').addEventListener('click', async () => {
  await client.logout(false)
  await render()
})

await render()
