import { createRequire } from 'node:module'
import { test } from 'tap'
import { harness, SEEDED, sharedKeyPair } from './helpers/harness.js'
import { authorize, CALLBACK, refreshWith, signInCookie } from './helpers/ssr.js'

// PropelAuth's own Next.js library (@propelauth/nextjs, its app-router route
// handlers) against the stand-in: the check that the stand-in speaks the
// protocol as that library reads it, not as our tests think it does. The
// handlers need only a request with `nextUrl`, `cookies.get` and `headers`,
// faked here; the library reads its settings from the environment.

const require = createRequire(import.meta.url)

interface FakeRequest {
  nextUrl: URL
  headers: Headers
  method: string
  cookies: { get: (name: string) => { value: string } | undefined }
}

type Handler = (req: FakeRequest, context: { params: { slug: string } }) => Promise<Response>

function fakeRequest (url: string, cookies: Record<string, string>, method = 'GET'): FakeRequest {
  return {
    nextUrl: new URL(url),
    headers: new Headers(),
    method,
    cookies: { get: (name) => cookies[name] === undefined ? undefined : { value: cookies[name] } }
  }
}

/** The cookies a response sets, `name → value` ('' for a cleared one). */
function setCookies (response: Response): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]
    const at = pair.indexOf('=')
    out[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return out
}

test('@propelauth/nextjs 0.3.17 signs in, refreshes, switches org and signs out against the stand-in', async (t) => {
  const { standIn } = await harness(t)
  const saved = { ...process.env }
  t.teardown(() => {
    for (const name of ['PROPELAUTH_AUTH_URL', 'PROPELAUTH_API_KEY', 'PROPELAUTH_VERIFIER_KEY', 'PROPELAUTH_REDIRECT_URI']) {
      if (saved[name] === undefined) Reflect.deleteProperty(process.env, name)
      else process.env[name] = saved[name]
    }
  })
  process.env.PROPELAUTH_AUTH_URL = standIn.authUrl
  process.env.PROPELAUTH_API_KEY = standIn.apiKey
  process.env.PROPELAUTH_VERIFIER_KEY = (await sharedKeyPair()).publicKeyPem
  process.env.PROPELAUTH_REDIRECT_URI = CALLBACK
  const { getRouteHandlers } = require('@propelauth/nextjs/server/app-router') as { getRouteHandlers: () => { getRouteHandler: Handler, postRouteHandler: Handler } }
  const { getRouteHandler, postRouteHandler } = getRouteHandlers()
  const app = 'http://localhost:3000'

  const login = await getRouteHandler(fakeRequest(`${app}/api/auth/login`, {}), { params: { slug: 'login' } })
  t.equal(login.status, 302)
  const authorizeUrl = new URL(login.headers.get('location')!)
  t.equal(authorizeUrl.pathname, '/propelauth/ssr/authorize')
  const stateCookie = setCookies(login).__pa_state

  // The browser: signed in at the auth URL, it is sent back to the app with a code.
  const cookie = await signInCookie(standIn)
  const back = await authorize(standIn, authorizeUrl.pathname + authorizeUrl.search, cookie)
  t.equal(back.status, 302)
  const callbackUrl = back.headers.get('location')!

  const callback = await getRouteHandler(fakeRequest(callbackUrl, { __pa_state: stateCookie }), { params: { slug: 'callback' } })
  t.equal(callback.status, 302, 'the library accepted the code and the token')
  t.equal(callback.headers.get('location'), '/')
  const signedIn = setCookies(callback)
  t.ok(signedIn.__pa_at)
  t.ok(signedIn.__pa_rt)

  const info = await getRouteHandler(fakeRequest(`${app}/api/auth/userinfo`, { __pa_rt: signedIn.__pa_rt }), { params: { slug: 'userinfo' } })
  t.equal(info.status, 200)
  const body = await info.json() as { userinfo: Record<string, unknown>, accessToken: string }
  t.equal(body.userinfo.user_id, SEEDED.member)
  const rotated = setCookies(info).__pa_rt
  t.not(rotated, signedIn.__pa_rt, 'the refresh token rotated')

  const orgSwitch = await postRouteHandler(fakeRequest(`${app}/api/auth/set-active-org?active_org_id=${SEEDED.acme}`, { __pa_rt: rotated }, 'POST'), { params: { slug: 'set-active-org' } })
  t.equal(orgSwitch.status, 200)
  t.equal(((await orgSwitch.json()) as { activeOrgId: string }).activeOrgId, SEEDED.acme)
  const inOrg = setCookies(orgSwitch)
  t.equal(inOrg.__pa_org_id, SEEDED.acme)
  const notMember = await postRouteHandler(fakeRequest(`${app}/api/auth/set-active-org?active_org_id=no-such-org`, { __pa_rt: inOrg.__pa_rt }, 'POST'), { params: { slug: 'set-active-org' } })
  t.equal(notMember.status, 401, 'not a member: refused, and the library does not throw')

  const logout = await postRouteHandler(fakeRequest(`${app}/api/auth/logout`, { __pa_rt: inOrg.__pa_rt }, 'POST'), { params: { slug: 'logout' } })
  t.equal(logout.status, 200)
  t.equal((await refreshWith(standIn, inOrg.__pa_rt)).status, 401, 'the stand-in revoked the token the library signed out with')
  const after = await getRouteHandler(fakeRequest(`${app}/api/auth/userinfo`, { __pa_rt: inOrg.__pa_rt }), { params: { slug: 'userinfo' } })
  t.equal(after.status, 401)
})
