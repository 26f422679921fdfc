// Server-side sign-in as PropelAuth's Next.js library drives it, without a
// browser: the authorize redirect by hand, then the app server's calls.
import type { StandIn } from '../../index.js'
import { readResponse, type ApiResponse } from './harness.js'
import { sessionCookieSet, submit } from './auth-url.js'

export const CALLBACK = 'http://localhost:3000/api/auth/callback'

export function authorizePath (redirectUri: string, state = 'a'.repeat(64), signup = false): string {
  return `/propelauth/ssr/authorize?${new URLSearchParams({ redirect_uri: redirectUri, state, signup: String(signup) }).toString()}`
}

/** GET the authorize URL on the auth URL, as the browser follows the app's redirect. */
export async function authorize (standIn: StandIn, path: string, cookie?: string, accept = 'text/html'): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept }
  if (cookie !== undefined) headers.cookie = cookie
  return await readResponse(await fetch(standIn.authUrl + path, { headers, redirect: 'manual' }))
}

/** Signs in on the hosted login form and gives the session cookie (`name=value`). */
export async function signInCookie (standIn: StandIn, email = 'member@acme.test'): Promise<string> {
  const answer = await submit(standIn, '/hosted/login', { email, password: 'password' })
  const cookie = sessionCookieSet(answer)
  if (cookie === undefined) throw new Error(`no session for ${email}: ${answer.status}`)
  return cookie
}

/** A code for `redirectUri`, from a signed-in browser. */
export async function codeFor (standIn: StandIn, cookie: string, redirectUri = CALLBACK): Promise<string> {
  const answer = await authorize(standIn, authorizePath(redirectUri), cookie)
  if (answer.status !== 302) throw new Error(`authorize answered ${answer.status}`)
  return new URL(answer.headers.get('location')!).searchParams.get('code')!
}

/** A POST as the Next.js library makes it: JSON, `Authorization: Bearer <API key>`. */
export async function appPost (standIn: StandIn, path: string, body: unknown, apiKey = standIn.apiKey): Promise<ApiResponse> {
  return await readResponse(await fetch(standIn.authUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body)
  }))
}

export async function exchange (standIn: StandIn, code: string, redirectUri = CALLBACK, apiKey?: string): Promise<ApiResponse> {
  return await appPost(standIn, '/propelauth/ssr/token', { redirect_uri: redirectUri, code }, apiKey)
}

export async function refreshWith (standIn: StandIn, refreshToken: string, activeOrgId?: string): Promise<ApiResponse> {
  const query = activeOrgId === undefined ? '' : `?${new URLSearchParams({ with_active_org_support: 'true', active_org_id: activeOrgId }).toString()}`
  return await appPost(standIn, `/api/backend/v1/refresh_token${query}`, { refresh_token: refreshToken })
}

export async function userinfo (standIn: StandIn, accessToken: string): Promise<ApiResponse> {
  return await readResponse(await fetch(`${standIn.authUrl}/propelauth/oauth/userinfo`, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }
  }))
}

/** Signs `email` in on an app: its refresh and access tokens. */
export async function appSignIn (standIn: StandIn, email = 'member@acme.test'): Promise<{ cookie: string, accessToken: string, refreshToken: string }> {
  const cookie = await signInCookie(standIn, email)
  const answer = await exchange(standIn, await codeFor(standIn, cookie))
  if (answer.status !== 200) throw new Error(`token answered ${answer.status}`)
  return { cookie, accessToken: answer.body.access_token, refreshToken: answer.body.refresh_token }
}
