import { invalidOption } from './option-checks.js'

// The options `protect` and `denyByDefault` take, for a scope or for the whole
// app (the plugin option `denyByDefault`), and their checks.

/** The lifecycle hooks a guard can run in. */
export type GuardHookName = 'onRequest' | 'preValidation' | 'preHandler'

export interface ProtectOptions {
  /** Where the guard runs. Default `onRequest`: before the body is read, so an anonymous request gets 401, not a 400 about its body. */
  hook?: GuardHookName | undefined
}

export interface DenyByDefaultOptions extends ProtectOptions {
  /**
   * Paths whose routes stay public, each with everything under it, e.g.
   * `['/docs']` for @fastify/swagger-ui's page, its JSON and its assets.
   */
  publicPaths?: readonly string[] | undefined
}

const GUARD_HOOKS: readonly GuardHookName[] = ['onRequest', 'preValidation', 'preHandler']

/** Checks the `hook` option of `protect` and `denyByDefault`; `where` names it in the error. */
export function checkGuardHook (where: string, value: unknown): GuardHookName {
  if (value === undefined) return 'onRequest'
  if (!GUARD_HOOKS.includes(value as GuardHookName)) invalidOption(`${where} expects hook to be one of ${GUARD_HOOKS.join(', ')}`)
  return value as GuardHookName
}

/** Checks the `publicPaths` option of `denyByDefault`; `where` names it in the error. */
export function checkPublicPaths (where: string, value: unknown): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((path) => typeof path !== 'string' || !path.startsWith('/'))) {
    invalidOption(`${where} expects an array of paths starting with "/", e.g. ['/docs']`)
  }
  return Object.freeze([...value])
}
