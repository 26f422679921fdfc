import type { FastifyRequest } from 'fastify'
import { quoted } from '../token/rejection.js'
import type { CrossSiteRule } from './token-from.js'

// A cookie rides along on requests that other sites make the browser send, so a
// token read from a cookie is taken only from requests this site made (CSRF),
// and from WebSocket connections that this site's pages opened.

/** A token taken from a cookie, on a cross-site request with an unsafe method or a WebSocket upgrade from another origin. */
export class CrossSiteRefusal {
  constructor (readonly detail: string) {}
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const FIX = "trust that origin with trustedOrigins, or set crossSite: 'allow' if the app has its own CSRF defence"

/** Whether `origin` names this server: its host (and port), as the request reached it. */
function isOwnOrigin (request: FastifyRequest, origin: string): boolean {
  let host: string | undefined
  try {
    host = new URL(origin).host
  } catch {}
  return host !== undefined && host === request.host.toLowerCase()
}

/**
 * A WebSocket upgrade is a GET, yet a page of any origin can open one, and the
 * browser sends the cookie along: the connection then reads and acts as the
 * user (cross-site WebSocket hijacking). Browsers always send `Origin` on a
 * WebSocket handshake, so it must name this server or a trusted origin; a
 * handshake without one comes from no browser.
 */
function webSocketProblem (request: FastifyRequest, rule: CrossSiteRule): string | undefined {
  const origin = request.headers.origin
  if (origin === undefined || rule.trustedOrigins.has(origin) || isOwnOrigin(request, origin)) return undefined
  return `a WebSocket upgrade carrying the token in ${rule.carrier} came from Origin ${quoted(origin)}, not this server (${quoted(request.host)}); ${FIX}`
}

/**
 * Whether a request with a cookie-carried token must be refused as cross-site,
 * and why. A WebSocket upgrade (`isUpgrade`) is judged by its `Origin` alone.
 * Other requests follow Go's `net/http` CrossOriginProtection: safe methods
 * pass; otherwise a browser's `Sec-Fetch-Site` decides (`same-origin` or `none`
 * pass), and without it the `Origin`, when sent, must name this server's host.
 * Requests with neither header come from no browser, which is what CSRF needs.
 */
export function crossSiteProblem (request: FastifyRequest, rule: CrossSiteRule, isUpgrade: boolean): string | undefined {
  if (!rule.checkCrossSite) return undefined
  if (isUpgrade) return webSocketProblem(request, rule)
  if (SAFE_METHODS.has(request.method)) return undefined
  const origin = request.headers.origin
  if (typeof origin === 'string' && rule.trustedOrigins.has(origin)) return undefined
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return undefined
    return `a ${request.method} request carrying the token in ${rule.carrier} came from another site (Sec-Fetch-Site: ${quoted(site)}, Origin: ${origin === undefined ? 'none' : quoted(origin)}); ${FIX}`
  }
  if (origin === undefined || isOwnOrigin(request, origin)) return undefined
  return `a ${request.method} request carrying the token in ${rule.carrier} came from Origin ${quoted(origin)}, not this server (${quoted(request.host)}); ${FIX}`
}
