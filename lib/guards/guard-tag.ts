import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

// The guard-tag protocol, shared by every part that makes or reads guards: the
// guards tag the hooks they return with what they require, and protect, deny by
// default, composition and the OpenAPI annotation read the tag back. A leaf
// module, imported by all of them and importing none, so that no part has to
// load another to recognise a guard.

/**
 * A route hook made by this plugin. It works in `onRequest` (recommended: it runs
 * before the body is read), `preValidation` and `preHandler`, and in @fastify/auth.
 */
export type PropelAuthHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

/** One member of a composition: a guard of ours, or another security scheme of the document. */
export type Member = GuardInfo | { scheme: string }

/** What a guard requires, as the OpenAPI annotation and deny by default read it. */
export interface GuardInfo {
  /** `optional` never rejects; `user` may answer 401; `org` may answer 401 or 403. */
  kind: 'optional' | 'user' | 'org'
  /** Human-readable requirement, for route descriptions. */
  requirement: string
  /**
   * Statuses the guard may answer besides those of its `kind`, documented as
   * responses of every route it guards: the API-key guards answer 429 when
   * PropelAuth rate-limits the key, 502 when PropelAuth cannot be asked (or
   * answers with something that is not a validation), 503 when too many keys
   * wait to be checked.
   */
  extraStatuses?: ReadonlyArray<'429' | '502' | '503'>
  /**
   * Which 401s the guard sends, when not the access-token ones of `requireUser`
   * (FST_PROPELAUTH_MISSING_TOKEN, …): `api-key` sends FST_PROPELAUTH_MISSING_CREDENTIALS
   * or FST_PROPELAUTH_INVALID_API_KEY (`requireApiKey`); `token-or-api-key` those two, and
   * requireUser's for a malformed header or an access token it refuses (`requireUserOrApiKey`).
   */
  unauthorized?: 'api-key' | 'token-or-api-key'
  /** The guard finds the org in the route parameter `orgId`: the routes it guards must have one. */
  readsOrgIdParam?: boolean
  /** The guard reads a cookie: the routes it guards need @fastify/cookie. */
  readsCookies?: boolean
  /** Where the guard takes the access token from, in the order it looks; absent: the `Authorization` header alone. */
  carriers?: readonly TokenCarrier[]
  /** Query parameters the guard takes a token from: they must be kept out of the request log. */
  queryParameters?: readonly string[]
  /** For a hook composed with @fastify/auth: what it runs, in which relation. */
  composition?: { relation: 'or' | 'and', members: readonly Member[] }
}

/**
 * One place a guard takes the access token from, as the 401 of a missing
 * token and the OpenAPI annotation name it: plain data, with no function of
 * the app. `crossSite`: a token found there on a request from another site is
 * refused with 403 FST_PROPELAUTH_CROSS_SITE_REQUEST (it rides on a cookie,
 * which browsers send on other sites' requests too). A `function` is the
 * app's own reader, whose place only the app knows.
 */
export type TokenCarrier =
  | { kind: 'authorization' }
  | { kind: 'cookie', name: string, crossSite: boolean }
  | { kind: 'query', name: string }
  | { kind: 'subprotocol', marker: string }
  | { kind: 'function', crossSite: boolean }
  | { kind: 'session' }

/** The name of the security scheme of session-guarded routes in OpenAPI documents. */
export const SESSION_SCHEME_NAME = 'propelauthSession'

// Symbol.for: two copies of the plugin in one app (a bundled dependency, say)
// still recognise each other's guards.
const kGuardInfo = Symbol.for('fastify-propelauth.guard-info')

/** Tags `hook` with what it requires, once: a tag is never replaced. Returns the same function. */
export function tagGuard<Hook extends (...args: never[]) => unknown> (hook: Hook, info: GuardInfo): Hook {
  Object.defineProperty(hook, kGuardInfo, { value: Object.freeze(info) })
  return hook
}

/** What `value` requires when it is a guard of this plugin (or a tagged composition); undefined otherwise. */
export function guardInfoOf (value: unknown): GuardInfo | undefined {
  if (typeof value !== 'function' || !Object.hasOwn(value, kGuardInfo)) return undefined
  return (value as unknown as Record<typeof kGuardInfo, GuardInfo>)[kGuardInfo]
}
