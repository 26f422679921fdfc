import type { GuardInfo } from '../guards/guard-tag.js'
import { isPlainObject } from '../util/is-plain-object.js'

// The note a guarded route carries from its schema to the document. The route
// hook writes it, @fastify/swagger copies it onto the operation (it copies
// every `x-` key), and the document writers read it back and remove it. Its
// shape is the one contract between the two sides, so it lives apart from both.

/** Where an operation's annotation travels from the route schema to the document. */
export const ANNOTATION_KEY = 'x-fastify-propelauth'

export type SecurityRequirement = Record<string, string[]>

/** A status a guard may answer: 401/403 by its `kind`, the others as it declares in `extraStatuses`. */
export type GuardStatus = '401' | '403' | NonNullable<GuardInfo['extraStatuses']>[number]

/**
 * Which 401s a guard sends: the access-token ones unless its `unauthorized` says
 * otherwise, all but the malformed header's when it reads no header.
 */
export type UnauthorizedVariant = 'access-token' | 'access-token-without-header' | NonNullable<GuardInfo['unauthorized']>

/** What the route hook records on a guarded route's schema; plain JSON, as it is copied into the document. */
export interface Annotation {
  /** The operation's `security`, or null when the route declares its own or no source of its guards has a scheme. */
  security: SecurityRequirement[] | null
  /** The responses the guards can answer with, besides the route's own. */
  statuses: GuardStatus[]
  /** Sentence appended to the operation's description. */
  requirement: string
  /** The 401 variants of the enforcing guards, in guard order (empty when none enforces). */
  unauthorized: UnauthorizedVariant[]
  /** The message of FST_PROPELAUTH_MISSING_TOKEN the first guard to refuse sends, when not the header's: the 401's example. */
  missingTokenMessage?: string
  /** The operations, by lowercase method, that can be refused with 403 FST_PROPELAUTH_CROSS_SITE_REQUEST. */
  crossSiteOn?: string[]
  /**
   * Security schemes of other strategies (composed with @fastify/auth) named in
   * `security`: the app defines them, and those whose refusal can come back answer 401 their own way.
   */
  foreign?: { schemes: string[], refusing: string[] }
}

/** Whether a value read back from the document is an annotation: it came back through swagger, so it is checked before it is read. */
export function isAnnotation (value: unknown): value is Annotation {
  return isPlainObject(value) && typeof value.requirement === 'string' && Array.isArray(value.statuses) && Array.isArray(value.unauthorized)
}

/**
 * A guarded route's annotation, kept by the `swagger` wrapper beside the one its
 * schema carries: an app's swagger `transform` may rebuild the schema without
 * the `x-` key, or its `transformObject` may drop `x-` keys, and the operation
 * is then found by the route's methods and URL.
 */
export interface RouteNote {
  /** Lower-case, as the document keys operations. */
  methods: string[]
  url: string
  annotation: Annotation
}
