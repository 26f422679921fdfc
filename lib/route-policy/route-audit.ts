import type { FastifyInstance, RouteOptions } from 'fastify'
import { allOf, outcomeOf } from './composition.js'
import { InvalidOptionError } from '../errors.js'
import type { GuardInfo } from '../guards/guard-tag.js'
import { logsQueryParameter } from '../sources/redact-query-parameters.js'
import type { LogLevel } from '../guards/refusal-log.js'
import { guardsOf, isPublicRoute } from './guards-of-route.js'
import { defaultGuardOf } from './protect.js'
import { markSeen } from './routes-declared-before.js'

// Deny by default and the audit of what is public. One `onRoute` hook, added
// before the OpenAPI annotation's so that the documentation sees the default
// guard as the route's own:
// - under a deny-by-default policy (`denyByDefault`), a route with no guard of
//   this plugin and no opt-out gets the default guard as a route hook, so a
//   route with a guard of its own runs only that one (one verification);
// - every route that no guard can refuse is recorded, and listed at `ready`;
// - a route whose guard cannot work there (an org guard reading a parameter the
//   route does not have, a cookie without @fastify/cookie) fails at declaration.

/** A route that no guard protects, as `unprotectedRoutes()` lists it. */
export interface UnprotectedRoute {
  method: string
  url: string
  /**
   * `public`: opted out of deny by default (`config.propelAuth.public`, `publicPaths`);
   * `optional`: only guards that never refuse (`optionalUser`); `unguarded`: no guard of this plugin.
   */
  reason: 'public' | 'optional' | 'unguarded'
}

export interface PropelAuthRouteAudit {
  /**
   * The routes that no guard of this plugin protects, as declared so far: complete
   * once the app is ready (it is logged then). Routes declared before the plugin
   * loaded, or guarded by hooks added without `protect`, are not seen: the line
   * logged at `ready` says when there are such routes.
   */
  unprotectedRoutes: () => readonly UnprotectedRoute[]
}

function methodsOf (route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method.map(String) : [String(route.method)]
}

/** The guards a route runs, those inside compositions included. */
function everyGuard (guards: readonly GuardInfo[]): GuardInfo[] {
  return guards.flatMap((guard) => [guard, ...everyGuard((guard.composition?.members ?? []).filter((member): member is GuardInfo => !('scheme' in member)))])
}

/** An org guard that finds the org in `:orgId` on a route without that parameter would refuse every request. */
function checkOrgParameter (route: RouteOptions, guards: readonly GuardInfo[]): void {
  const guard = everyGuard(guards).find((info) => info.readsOrgIdParam === true)
  if (guard === undefined || /:orgId(?![\w$])/.test(route.url)) return
  throw new InvalidOptionError(`${methodsOf(route).join(',')} ${route.url} is guarded by an org guard (${guard.requirement}) that reads the org from the route parameter \`:orgId\`, but the route has no such parameter: add \`:orgId\` to the path, or tell the guard where the org is, e.g. requireOrgMember({ orgId: (request) => request.headers['x-org-id'] }) or { orgName: (request) => … }`)
}

/** What a route's token sources need: @fastify/cookie for cookies, a redacted request log for query tokens. */
function checkCarriers (scope: FastifyInstance, route: RouteOptions, guards: GuardInfo[], warned: Set<string>): void {
  if (guards.some((guard) => guard.readsCookies === true) && !scope.hasDecorator('parseCookie')) {
    throw new InvalidOptionError(`${methodsOf(route).join(',')} ${route.url} takes the access token from a cookie, but @fastify/cookie is not registered: \`await app.register(cookie)\` (import cookie from '@fastify/cookie') before declaring the route`)
  }
  if (scope.initialConfig.disableRequestLogging === true) return
  for (const name of new Set(guards.flatMap((guard) => guard.queryParameters ?? []))) {
    if (warned.has(name) || !logsQueryParameter(scope.log, name)) continue
    warned.add(name)
    scope.log.warn(`fastify-propelauth: ${route.url} takes access tokens from the query parameter \`${name}\`, and Fastify logs request URLs as they came; create Fastify with logger: { serializers: { req: redactQueryParameters(['${name}']) } } (from fastify-propelauth) to keep tokens out of the log`)
  }
}

/** Routes sharing a first path segment, past this many, are logged as one line: `/docs/… (15 routes, public)`. */
const GROUP_AT = 3

/** The routes of the `ready` line, short: those under one first segment with one reason grouped. */
function summarize (routes: readonly UnprotectedRoute[]): string[] {
  const groups = new Map<string, UnprotectedRoute[]>()
  for (const route of routes) {
    const first = route.url.split('/')[1] ?? ''
    const key = `${first}\u0000${route.reason}`
    groups.set(key, [...(groups.get(key) ?? []), route])
  }
  return [...groups.values()].map((group) => {
    if (group.length < GROUP_AT) return group.map(({ method, url, reason }) => `${method} ${url} (${reason})`).join(', ')
    const first = group[0].url.split('/')[1] ?? ''
    return `/${first}/… (${group.length} routes, ${group[0].reason})`
  })
}

/** What the `ready` line says: never that a route is protected when the audit could not see it. */
function auditLine (routes: readonly UnprotectedRoute[], declaredBefore: 'guarded' | 'unknown' | undefined): string {
  const listed = routes.length === 0
    ? declaredBefore === undefined ? 'every route is protected by a guard' : 'every route declared after the plugin is protected by a guard'
    : `${routes.length} route(s) protected by no guard: ${summarize(routes).join(', ')}`
  if (declaredBefore === undefined) return `fastify-propelauth: ${listed}`
  const before = declaredBefore === 'guarded'
    ? 'routes declared before the plugin loaded are not listed; deny by default guards them when they are requested, unless they opt out'
    : 'routes declared before the plugin loaded are not listed, and whether they are guarded is not known'
  return `fastify-propelauth: ${listed}; ${before}. Register the plugin with \`await app.register(propelAuth, …)\` before declaring routes to have every route listed`
}

/**
 * Adds the deny-by-default and audit hook; returns the audit's part of the
 * decorator. `declaredBefore`: routes exist that the hook cannot see, guarded at
 * request time by deny by default (`guarded`) or not (`unknown`).
 */
export function setupRouteAudit (fastify: FastifyInstance, logLevel: LogLevel, declaredBefore: () => 'guarded' | 'unknown' | undefined): PropelAuthRouteAudit {
  const unprotected: UnprotectedRoute[] = []
  const warned = new Set<string>()

  fastify.addHook('onRoute', function guardByDefault (this: FastifyInstance, route) {
    markSeen(route)
    const policy = defaultGuardOf(this)
    const isPublic = isPublicRoute(route, this)
    let guards = guardsOf(route, this)
    if (policy !== undefined && !isPublic && guards.length === 0) {
      const own = route[policy.hook] as unknown
      // A new array: hook arrays may be shared between routes.
      route[policy.hook] = [policy.guard, ...(Array.isArray(own) ? own : own === undefined ? [] : [own])] as RouteOptions['onRequest']
      guards = guardsOf(route, this)
    }
    checkOrgParameter(route, guards)
    checkCarriers(this, route, guards, warned)
    if (allOf(guards.map(outcomeOf)).refusal !== undefined) return
    const reason: UnprotectedRoute['reason'] = isPublic ? 'public' : guards.length > 0 ? 'optional' : 'unguarded'
    for (const method of methodsOf(route)) unprotected.push(Object.freeze({ method, url: route.url, reason }))
  })

  if (logLevel !== 'silent') {
    fastify.addHook('onReady', async function logUnprotectedRoutes () {
      fastify.log[logLevel]({ unprotectedRoutes: unprotected }, auditLine(unprotected, declaredBefore()))
    })
  }

  return { unprotectedRoutes: () => Object.freeze([...unprotected]) }
}
