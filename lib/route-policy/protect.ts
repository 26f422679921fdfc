import type { FastifyInstance } from 'fastify'
import { InvalidOptionError } from '../errors.js'
import { kGuardInfo, type GuardInfo, type PropelAuthHook } from '../guards/token-guards.js'

// Protecting a whole encapsulated scope with `scope.addHook('onRequest', guard)`
// works, but the route options Fastify hands to `onRoute` hold only route-level
// hooks, so such routes would be protected yet documented as public. `protect`
// adds the hook *and* records the guard on the scope, where the OpenAPI
// annotation (lib/openapi.ts) reads it back; child scopes inherit it through the
// prototype chain, exactly as they inherit the hook.

/** The lifecycle hooks a guard can run in. */
export type GuardHookName = 'onRequest' | 'preValidation' | 'preHandler'

export interface ProtectOptions {
  /** Where the guard runs. Default `onRequest`: before the body is read, so an anonymous request gets 401, not a 400 about its body. */
  hook?: GuardHookName
}

export interface DenyByDefaultOptions extends ProtectOptions {
  /**
   * Paths whose routes stay public, each with everything under it, e.g.
   * `['/docs']` for @fastify/swagger-ui's page, its JSON and its assets.
   */
  publicPaths?: readonly string[]
}

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

/** The deny-by-default policy of a scope, read by lib/deny-by-default.ts. */
export interface DefaultGuard {
  guard: PropelAuthHook
  hook: GuardHookName
  publicPaths: readonly string[]
}

export const kScopeGuards = Symbol.for('fastify-propelauth.scope-guards')
const kDefaultGuard = Symbol.for('fastify-propelauth.default-guard')

const GUARD_HOOKS: readonly GuardHookName[] = ['onRequest', 'preValidation', 'preHandler']

/** Instances that declared a route, seen by the `onRoute` hook of lib/openapi.ts. */
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

/** Checks the `hook` option of `protect` and `denyByDefault`; `where` names it in the error. */
export function checkGuardHook (where: string, value: unknown): GuardHookName {
  if (value === undefined) return 'onRequest'
  if (!GUARD_HOOKS.includes(value as GuardHookName)) {
    throw new InvalidOptionError(`${where} expects hook to be one of ${GUARD_HOOKS.join(', ')}`)
  }
  return value as GuardHookName
}

/** Checks the `publicPaths` option of `denyByDefault`; `where` names it in the error. */
export function checkPublicPaths (where: string, value: unknown): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((path) => typeof path !== 'string' || !path.startsWith('/'))) {
    throw new InvalidOptionError(`${where} expects an array of paths starting with "/", e.g. ['/docs']`)
  }
  return Object.freeze([...value])
}

/** The checks `protect` and `denyByDefault` share; returns the guard's info and hook. */
function checkScopeGuard (method: string, scope: unknown, guard: unknown, options: ProtectOptions): { info: GuardInfo, hook: GuardHookName } {
  if (typeof scope !== 'object' || scope === null || typeof (scope as { addHook?: unknown }).addHook !== 'function') {
    throw new InvalidOptionError(`${method}(scope, guard) expects the Fastify instance of an encapsulated plugin as \`scope\``)
  }
  const info = typeof guard === 'function' ? (guard as Partial<Record<typeof kGuardInfo, GuardInfo>>)[kGuardInfo] : undefined
  if (info === undefined) {
    throw new InvalidOptionError(`${method}(scope, guard) expects one of the guards of app.auth as \`guard\`, e.g. app.auth.requireUser or app.auth.requireOrgMember()`)
  }
  const hook = checkGuardHook(`${method}(scope, guard, { hook })`, options.hook)
  // Fastify would still run the hook for routes declared earlier (hooks are
  // collected at ready), but their documentation was already decided: refuse.
  if (scopesWithRoutes.has(scope)) {
    throw new InvalidOptionError(`${method}(scope, guard) must be called before the scope declares its routes, or routes declared earlier would be protected but documented as public`)
  }
  return { info, hook }
}

export const denyByDefault: PropelAuthScopes['denyByDefault'] = function denyByDefault (scope, guard, options = {}) {
  const { hook } = checkScopeGuard('denyByDefault', scope, guard, options)
  const publicPaths = checkPublicPaths('denyByDefault(scope, guard, { publicPaths })', options.publicPaths)
  // The guard is added to each route as it is declared (lib/deny-by-default.ts), not to the
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
