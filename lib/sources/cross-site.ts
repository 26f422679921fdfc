import type { FastifyRequest } from 'fastify'
import { quoted } from '../token/rejection.js'
import type { ResolvedCookie } from './token-from.js'

// A cookie rides along on requests that other sites make the browser send, so a
// token read from a cookie is taken only from requests this site made (CSRF).

/** A token taken from a cookie, on a cross-site request with an unsafe method. */
export class CrossSiteRefusal {
  constructor (readonly detail: string) {}
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request with a cookie-carried token must be refused as cross-site,
 * and why. The rule is that of Go's `net/http` CrossOriginProtection: safe methods
 * pass; otherwise a browser's `Sec-Fetch-Site` decides (`same-origin` or `none`
 * pass), and without it the `Origin`, when sent, must name this server's host.
 * Requests with neither header come from no browser, which is what CSRF needs.
 */
export function crossSiteProblem (request: FastifyRequest, cookie: ResolvedCookie): string | undefined {
  if (!cookie.checkCrossSite || SAFE_METHODS.has(request.method)) return undefined
  const origin = request.headers.origin
  if (typeof origin === 'string' && cookie.trustedOrigins.has(origin)) return undefined
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return undefined
    return `a ${request.method} request carrying the token in the \`${cookie.name}\` cookie came from another site (Sec-Fetch-Site: ${quoted(site)}, Origin: ${origin === undefined ? 'none' : quoted(origin)}); trust that origin with trustedOrigins, or set crossSite: 'allow' if the app has its own CSRF defence`
  }
  if (origin === undefined) return undefined
  let host: string | undefined
  try {
    host = new URL(origin).host
  } catch {}
  if (host !== undefined && host === request.host.toLowerCase()) return undefined
  return `a ${request.method} request carrying the token in the \`${cookie.name}\` cookie came from Origin ${quoted(origin)}, not this server (${quoted(request.host)}); trust that origin with trustedOrigins, or set crossSite: 'allow' if the app has its own CSRF defence`
}
