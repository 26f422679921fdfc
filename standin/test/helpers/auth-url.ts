// Calling the stand-in's auth URL as a browser would, without one: forms,
// cookies and Origin headers by hand, redirects not followed.
import type { StandIn } from '../../index.js'
import { readResponse, type ApiResponse } from './harness.js'

export interface BrowserLikeOptions {
  /** The `Cookie` header, e.g. `session.cookieHeader`. */
  cookie?: string
  origin?: string
}

function headersOf (options: BrowserLikeOptions, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { ...extra }
  if (options.cookie !== undefined) headers.cookie = options.cookie
  if (options.origin !== undefined) headers.origin = options.origin
  return headers
}

/** GET a path of the auth URL. */
export async function visit (standIn: StandIn, path: string, options: BrowserLikeOptions = {}): Promise<ApiResponse> {
  return await readResponse(await fetch(standIn.authUrl + path, { headers: headersOf(options), redirect: 'manual' }))
}

/** POST a form to a path of the auth URL; by default from the stand-in's own page, as a browser would say. */
export async function submit (standIn: StandIn, path: string, fields: Record<string, string>, options: BrowserLikeOptions = {}): Promise<ApiResponse> {
  const response = await fetch(standIn.authUrl + path, {
    method: 'POST',
    headers: headersOf({ origin: standIn.authUrl, ...options }, { 'content-type': 'application/x-www-form-urlencoded' }),
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual'
  })
  return await readResponse(response)
}

/** The `name=value` of the session cookie an answer sets, if it sets one with a value. */
export function sessionCookieSet (response: ApiResponse): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]
    if (pair.startsWith('standin_session') && !pair.endsWith('=')) return pair
  }
  return undefined
}

/** The session API as PropelAuth's browser client calls it (credentials and a JSON content type). */
export async function refresh (standIn: StandIn, options: BrowserLikeOptions & { activeOrgId?: string } = {}): Promise<ApiResponse> {
  const query = options.activeOrgId === undefined ? '' : `?active_org_id=${encodeURIComponent(options.activeOrgId)}`
  return await readResponse(await fetch(`${standIn.authUrl}/api/v1/refresh_token${query}`, { headers: headersOf(options, { 'content-type': 'application/json' }) }))
}

export async function logout (standIn: StandIn, options: BrowserLikeOptions = {}): Promise<ApiResponse> {
  return await readResponse(await fetch(`${standIn.authUrl}/api/v1/logout`, { method: 'POST', headers: headersOf(options, { 'content-type': 'application/json' }) }))
}

/** base64 of a return URL, as PropelAuth's client writes `rt`. */
export function rt (url: string): string {
  return Buffer.from(url).toString('base64')
}
