import type { PropelAuthDecorator } from '../decorator.js'
import type { PropelAuthHook } from '../guards/guard-tag.js'
import { invalidOption, rejectUnknownKeys } from './option-checks.js'
import { checkGuardHook, checkPublicPaths, type DenyByDefaultOptions } from './scope-options.js'
import { isPlainObject } from '../util/is-plain-object.js'

// The plugin option `denyByDefault`, checked at registration. What it does to
// routes is the route policy's business; here it is only read.

/** The plugin option `denyByDefault`: guard the app's routes unless they opt out. */
export interface DenyByDefaultOption extends DenyByDefaultOptions {
  /** The default guard, from the decorator. Default `(auth) => auth.requireUser`. */
  guard?: ((auth: PropelAuthDecorator) => PropelAuthHook) | undefined
}

export interface ResolvedDenyByDefault {
  guard: (auth: PropelAuthDecorator) => PropelAuthHook
  options: DenyByDefaultOptions
}

const requireUserGuard = (auth: PropelAuthDecorator): PropelAuthHook => auth.requireUser

export function resolveDenyByDefault (value: unknown): ResolvedDenyByDefault | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return { guard: requireUserGuard, options: {} }
  if (!isPlainObject(value)) invalidOption('option `denyByDefault` must be true, or { guard: (auth) => auth.requireUser, hook, publicPaths }')
  rejectUnknownKeys(value, ['guard', 'hook', 'publicPaths'], 'denyByDefault')
  const { guard = requireUserGuard, hook, publicPaths } = value as DenyByDefaultOption
  if (typeof guard !== 'function') {
    invalidOption('option `denyByDefault.guard` must be a function of the decorator returning a guard, e.g. (auth) => auth.requireUser')
  }
  return {
    guard,
    options: { hook: checkGuardHook('option `denyByDefault.hook`', hook), publicPaths: checkPublicPaths('option `denyByDefault.publicPaths`', publicPaths) }
  }
}
