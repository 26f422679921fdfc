import { SESSION_SCHEME_NAME } from '../guards/guard-tag.js'
import { isPlainObject } from '../util/is-plain-object.js'
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
 * defined as a copy of `scheme`, or of `sessionScheme` for the session's.
 */
export function withSchemes (existing: unknown, names: Set<string>, scheme: Json, sessionScheme: Json): Json {
  // Copied, never mutated: swagger shares this object with the user's options.
  const schemes: Json = { ...(isPlainObject(existing) ? existing : {}) }
  for (const name of names) schemes[name] ??= { ...(name === SESSION_SCHEME_NAME ? sessionScheme : scheme) }
  return schemes
}
