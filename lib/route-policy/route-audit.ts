import type { FastifyInstance, RouteOptions } from 'fastify'
import { allOf, outcomeOf } from './composition.js'
import { InvalidOptionError } from '../errors.js'
import type { GuardInfo } from '../guards/guard-tag.js'
import { logsQueryParameter } from '../sources/redact-query-parameters.js'
import type { LogLevel } from '../guards/refusal-log.js'
import { guardsOf, isPublicRoute } from './guards-of-route.js'
import { defaultGuardOf } from './protect.js'

// Deny by default and the audit of what is public. One `onRoute` hook, added
// before the OpenAPI annotation's so that the documentation sees the default
// guard as the route's own:
// - under a deny-by-default policy (`denyByDefault`), a route with no guard of
//   this plugin and no opt-out gets the default guard as a route hook, so a
//   route with a guard of its own runs only that one (one verification);
// - every route that no guard can refuse is recorded, and listed at `ready`.

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
   * was registered, or guarded by hooks added without `protect`, are not seen.
   */
  unprotectedRoutes: () => readonly UnprotectedRoute[]
}

function methodsOf (route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method.map(String) : [String(route.method)]
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

/** Adds the deny-by-default and audit hook; returns the audit's part of the decorator. */
export function setupRouteAudit (fastify: FastifyInstance, logLevel: LogLevel): PropelAuthRouteAudit {
  const unprotected: UnprotectedRoute[] = []
  const warned = new Set<string>()

  fastify.addHook('onRoute', function guardByDefault (this: FastifyInstance, route) {
    const policy = defaultGuardOf(this)
    const isPublic = isPublicRoute(route, this)
    let guards = guardsOf(route, this)
    if (policy !== undefined && !isPublic && guards.length === 0) {
      const own = route[policy.hook] as unknown
      // A new array: hook arrays may be shared between routes.
      route[policy.hook] = [policy.guard, ...(Array.isArray(own) ? own : own === undefined ? [] : [own])] as RouteOptions['onRequest']
      guards = guardsOf(route, this)
    }
    checkCarriers(this, route, guards, warned)
    if (allOf(guards.map(outcomeOf)).refusal !== undefined) return
    const reason: UnprotectedRoute['reason'] = isPublic ? 'public' : guards.length > 0 ? 'optional' : 'unguarded'
    for (const method of methodsOf(route)) unprotected.push(Object.freeze({ method, url: route.url, reason }))
  })

  if (logLevel !== 'silent') {
    fastify.addHook('onReady', async function logUnprotectedRoutes () {
      const list = unprotected.map(({ method, url, reason }) => `${method} ${url} (${reason})`)
      fastify.log[logLevel]({ unprotectedRoutes: unprotected }, list.length === 0
        ? 'fastify-propelauth: every route is protected by a guard'
        : `fastify-propelauth: ${list.length} route(s) protected by no guard: ${list.join(', ')}`)
    })
  }

  return { unprotectedRoutes: () => Object.freeze([...unprotected]) }
}
