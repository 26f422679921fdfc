import { isPlainObject } from '../util/is-plain-object.js'
import { carrierSchemeNamed, type CarrierScheme } from './carrier-schemes.js'
import type { GuardHeader } from './guard-responses.js'

/** A part of a document, as JSON. */
export type Json = Record<string, unknown>

/**
 * What this plugin writes differently into an OpenAPI 3 and a Swagger 2
 * document. Everything else (which operations, which statuses, what each
 * answer says) is the same in both, and written once by the caller.
 */
export interface DocumentWriter {
  /** A header of a response. */
  header: (header: GuardHeader) => Json
  /** The members of a response that describe its error body, `example` as its example. */
  errorBody: (example: Record<string, unknown>) => Json
  /** Defines the schemes of `names` that `doc` does not define yet, as this plugin's scheme. */
  addSecuritySchemes: (doc: Json, names: Set<string>) => void
}

/**
 * `existing` (the schemes of the document) with each of `names` it lacks
 * defined: a copy of `bearerScheme`, or what `carrierScheme` makes of the
 * cookie, query parameter or session a name stands for.
 */
export function withSchemes (existing: unknown, names: Set<string>, bearerScheme: Json, carrierScheme: (scheme: CarrierScheme) => Json): Json {
  // Copied, never mutated: swagger shares this object with the user's options.
  const schemes: Json = { ...(isPlainObject(existing) ? existing : {}) }
  for (const name of names) {
    const carrier = carrierSchemeNamed(name)
    schemes[name] ??= carrier === undefined ? { ...bearerScheme } : carrierScheme(carrier)
  }
  return schemes
}
