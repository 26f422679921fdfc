import type { RouteOptions } from 'fastify'
import { guardInfoOf, type GuardInfo } from '../guards/guard-tag.js'
import { defaultGuardOf, scopeGuards } from './protect.js'

// Which guards of this plugin protect a route, as the `onRoute` hooks see it:
// those of its scope (`protect`) and those in its own hooks, composed ones
// (composition.ts) included. Read by the OpenAPI annotation and by deny by default.

const ROUTE_HOOKS = ['onRequest', 'preValidation', 'preHandler'] as const

/** What a route can say in `config.propelAuth`. */
export interface PropelAuthRouteConfig {
  /** Under deny by default: this route needs no credentials (no default guard); documented with `security: []`. */
  public?: boolean
}

export function guardsOf (route: RouteOptions, scope: object): GuardInfo[] {
  const found: GuardInfo[] = [...scopeGuards(scope)]
  for (const name of ROUTE_HOOKS) {
    const hooks = route[name] as unknown
    for (const hook of Array.isArray(hooks) ? hooks : [hooks]) {
      const info = guardInfoOf(hook)
      if (info !== undefined) found.push(info)
    }
  }
  return found
}

/** A path of `publicPaths`: the path itself and everything under it. */
function underPath (url: string, path: string): boolean {
  return url === path || url.startsWith(path.endsWith('/') ? path : `${path}/`)
}

/** Whether a route with this URL and config opts out of a deny-by-default policy: `config.propelAuth.public`, or `publicPaths`. */
export function optsOut (url: string, config: unknown, publicPaths: readonly string[]): boolean {
  if ((config as { propelAuth?: PropelAuthRouteConfig } | undefined)?.propelAuth?.public === true) return true
  return publicPaths.some((path) => underPath(url, path))
}

/** Whether a route opted out of deny by default: `config.propelAuth.public`, or a path its scope's policy leaves public. */
export function isPublicRoute (route: RouteOptions, scope: object): boolean {
  return optsOut(route.url, route.config, defaultGuardOf(scope)?.publicPaths ?? [])
}
