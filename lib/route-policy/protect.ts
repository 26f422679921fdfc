import type { FastifyInstance } from 'fastify'
import { guardInfoOf, type GuardInfo, type PropelAuthHook } from '../guards/guard-tag.js'
import { checkGuardHook, checkPublicPaths, type DenyByDefaultOptions, type GuardHookName, type ProtectOptions } from '../options/scope-options.js'
import { invalidOption } from '../options/option-checks.js'

// Protecting a whole encapsulated scope with `scope.addHook('onRequest', guard)`
// works, but the route options Fastify hands to `onRoute` hold only route-level
// hooks, so such routes would be protected yet documented as public. `protect`
// adds the hook *and* records the guard on the scope, where the OpenAPI
// annotation (the OpenAPI annotation) reads it back; child scopes inherit it through the
// prototype chain, exactly as they inherit the hook.

export interface PropelAuthScopes {
  /**
   * Runs `guard` on every route of `scope` (an encapsulated plugin's instance)
   * and documents those routes as protected in the OpenAPI document. Call it
   * before the scope declares its routes; call it again to add another guard.
   */
  // The scope may carry any type provider or logger: its generics do not matter here.
  protect: (scope: FastifyInstance<any, any, any, any, any>, guard: PropelAuthHook, options?: ProtectOptions) => void
  /**
   * Deny by default: guards every route declared on `scope` (and its child
   * scopes) with `guard`, except the routes that opt out with
   * `config: { propelAuth: { public: true } }` or lie under `publicPaths`, and
   * those with a guard of this plugin of their own, which replaces the default
   * (a request is verified once). Call it before the scope declares its routes.
   */
  denyByDefault: (scope: FastifyInstance<any, any, any, any, any>, guard: PropelAuthHook, options?: DenyByDefaultOptions) => void
}

/** The deny-by-default policy of a scope, read by the route audit. */
export interface DefaultGuard {
  guard: PropelAuthHook
  hook: GuardHookName
  publicPaths: readonly string[]
}

const kScopeGuards = Symbol.for('fastify-propelauth.scope-guards')
const kDefaultGuard = Symbol.for('fastify-propelauth.default-guard')

/** Instances that declared a route, seen by the `onRoute` hook of the OpenAPI annotation. */
const scopesWithRoutes = new WeakSet<object>()

export function recordRouteDeclaredOn (scope: object): void {
  scopesWithRoutes.add(scope)
}

/** The guards protecting every route declared on `scope`, its own and its parents'. */
export function scopeGuards (scope: object): readonly GuardInfo[] {
  return (scope as { [kScopeGuards]?: readonly GuardInfo[] })[kScopeGuards] ?? []
}

/** The deny-by-default policy in force on `scope`: its own, or its nearest parent's. */
export function defaultGuardOf (scope: object): DefaultGuard | undefined {
  return (scope as { [kDefaultGuard]?: DefaultGuard })[kDefaultGuard]
}

/** The checks `protect` and `denyByDefault` share; returns the guard's info and hook. */
function checkScopeGuard (method: string, scope: unknown, guard: unknown, options: ProtectOptions): { info: GuardInfo, hook: GuardHookName } {
  if (typeof scope !== 'object' || scope === null || typeof (scope as { addHook?: unknown }).addHook !== 'function') {
    invalidOption(`${method}(scope, guard) expects the Fastify instance of an encapsulated plugin as \`scope\``)
  }
  const info = guardInfoOf(guard)
  if (info === undefined) {
    invalidOption(`${method}(scope, guard) expects one of the guards of app.auth as \`guard\`, e.g. app.auth.requireUser or app.auth.requireOrgMember()`)
  }
  const hook = checkGuardHook(`${method}(scope, guard, { hook })`, options.hook)
  // Fastify would still run the hook for routes declared earlier (hooks are
  // collected at ready), but their documentation was already decided: refuse.
  if (scopesWithRoutes.has(scope)) {
    invalidOption(`${method}(scope, guard) must be called before the scope declares its routes, or routes declared earlier would be protected but documented as public`)
  }
  return { info, hook }
}

export const denyByDefault: PropelAuthScopes['denyByDefault'] = function denyByDefault (scope, guard, options = {}) {
  const { hook } = checkScopeGuard('denyByDefault', scope, guard, options)
  const publicPaths = checkPublicPaths('denyByDefault(scope, guard, { publicPaths })', options.publicPaths)
  // The guard is added to each route as it is declared (the route audit), not to the
  // scope: a route that opts out, or brings a guard of its own, then runs no default guard at all.
  const policy: DefaultGuard = Object.freeze({ guard, hook, publicPaths })
  Object.defineProperty(scope, kDefaultGuard, { value: policy, configurable: true, writable: false, enumerable: false })
}

export const protect: PropelAuthScopes['protect'] = function protect (scope, guard, options = {}) {
  const { info, hook } = checkScopeGuard('protect', scope, guard, options)
  scope.addHook(hook, guard)
  const inherited = scopeGuards(scope)
  Object.defineProperty(scope, kScopeGuards, { value: Object.freeze([...inherited, info]), configurable: true, writable: false, enumerable: false })
}
