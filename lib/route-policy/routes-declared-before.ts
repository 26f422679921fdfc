import type { FastifyInstance, RouteOptions } from 'fastify'
import type { PropelAuthHook } from '../guards/guard-tag.js'
import { optsOut } from './guards-of-route.js'
import type { DefaultGuard } from './protect.js'

// The route policy decides each route's guards in an `onRoute` hook, and Fastify
// runs a plugin's `onRoute` hooks only for the routes declared after the plugin
// has loaded. Routes declared earlier escape it: those of the app's own scope
// declared before `register` (or after it, when it was not awaited: the plugin
// loads later) and those of child plugins registered before it. Fastify keeps no
// public list of routes, but a lifecycle hook added to the app's scope reaches
// every route of it and of its children, whenever they were declared, since
// Fastify hands such a hook to the children that exist already. So, when
// routes exist before the plugin loads, deny by default adds its guard there
// too, for the routes its `onRoute` hook did not see.

const kSeen = Symbol.for('fastify-propelauth.route-seen')

/** Marks a route as seen by the plugin's `onRoute` hook: the hooks it was given decide its protection. */
export function markSeen (route: RouteOptions): void {
  const config: Record<symbol, unknown> = { ...(route.config as object | undefined), [kSeen]: true }
  route.config = config as RouteOptions['config']
}

/** A route line of find-my-way's tree: a path, then its methods in brackets. */
const ROUTE_LINE = /\((?:[A-Z]+)(?:, [A-Z]+)*\)/

/** Whether routes were declared before this point that the plugin's `onRoute` hook did not see. */
export function routesDeclaredBefore (fastify: FastifyInstance): boolean {
  return ROUTE_LINE.test(fastify.printRoutes())
}

/**
 * Guards every route of `scope` that the `onRoute` hook did not see with the
 * policy's guard, at request time, unless it opts out (`config.propelAuth.public`,
 * `publicPaths`). A route it saw is left to the hooks it was given; so is a
 * request that matched no route (Fastify's 404).
 */
export function guardRoutesNotSeen (scope: FastifyInstance, policy: DefaultGuard): void {
  const { guard, publicPaths } = policy
  const guardIfNotSeen: PropelAuthHook = function guardIfNotSeen (request, reply, done) {
    const { config, url } = request.routeOptions
    if ((config as unknown as Record<symbol, unknown>)[kSeen] === true || request.is404 || url === undefined || optsOut(url, config, publicPaths)) {
      done()
      return
    }
    guard(request, reply, done)
  }
  scope.addHook(policy.hook, guardIfNotSeen)
}
