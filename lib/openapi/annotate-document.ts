import { isPlainObject } from '../util/is-plain-object.js'
import { ANNOTATION_KEY, isAnnotation, type Annotation, type RouteNote, type SecurityRequirement } from './annotation.js'
import type { DocumentWriter, Json } from './document-writer.js'
import { guardResponse, type GuardHeader, type GuardResponse } from './guard-responses.js'
import { openApi3Writer } from './openapi3-writer.js'
import { documentPathsOf } from './operation-path.js'
import { swagger2Writer } from './swagger2-writer.js'

/**
 * Turns the annotations swagger copied onto operations into `security`, the
 * guards' responses (401/403; 429/502/503 for the API-key guards) and descriptions,
 * and makes sure every scheme they name exists. An operation that lost its
 * annotation to an app's transform gets its route's from `notes`.
 * Mutates `doc` (swagger's cached document) and returns whether it changed.
 */
export function applyAnnotations (doc: unknown, notes: readonly RouteNote[]): boolean {
  if (!isPlainObject(doc) || !isPlainObject(doc.paths)) return false
  // Only OpenAPI 3 documents have an `openapi` version; Swagger 2 ones have `swagger`.
  const writer = typeof doc.openapi === 'string' ? openApi3Writer : swagger2Writer
  /** The schemes the operations name, to define where the document lacks them. */
  const schemes = new Set<string>()
  /** The operations annotated so far: a note never annotates one twice. */
  const annotated = new Set<Json>()
  let changed = false
  for (const item of Object.values(doc.paths)) if (isPlainObject(item)) unshareOperations(item)
  for (const item of Object.values(doc.paths)) {
    if (isPlainObject(item) && annotatePathItem(item, writer, schemes, annotated)) changed = true
  }
  for (const note of notes) {
    for (const [method, operation] of operationsOf(note, doc, doc.paths)) {
      if (annotated.has(operation)) continue
      annotateOperation(operation, method, note.annotation, writer, schemes)
      annotated.add(operation)
      changed = true
    }
  }
  if (schemes.size > 0) writer.addSecuritySchemes(doc, schemes)
  return changed
}

/** The operations of `note`'s route in `paths`, with their methods, one per method, under the first path swagger may have filed it at. */
function operationsOf ({ methods, url }: RouteNote, doc: Json, paths: Json): Array<[method: string, operation: Json]> {
  const operations: Array<[string, Json]> = []
  for (const method of methods) {
    for (const path of documentPathsOf(url, doc)) {
      const item = paths[path]
      const operation = isPlainObject(item) ? item[method] : undefined
      if (isPlainObject(operation)) {
        operations.push([method, operation])
        break
      }
    }
  }
  return operations
}

/** Annotates the operations of one path; true when any carried an annotation (now removed). */
function annotatePathItem (item: Json, writer: DocumentWriter, schemes: Set<string>, annotated: Set<Json>): boolean {
  const found = new Map<string, Annotation>()
  let changed = false
  for (const [method, operation] of Object.entries(item)) {
    if (!isPlainObject(operation) || !(ANNOTATION_KEY in operation)) continue
    const annotation = operation[ANNOTATION_KEY]
    // Removed even when unreadable: no note of ours is published.
    delete operation[ANNOTATION_KEY]
    changed = true
    if (!isAnnotation(annotation)) continue
    found.set(method, annotation)
    annotateOperation(operation, method, annotation, writer, schemes)
    annotated.add(operation)
  }
  annotateHeadTwin(item, found, writer, schemes, annotated)
  return changed
}

/**
 * Swagger gives the methods of one route (`method: ['GET', 'PUT']`) one operation
 * object between them. Each gets its own, with its own responses, since their
 * answers may differ: a PUT can be refused as cross-site, a GET not. Done before
 * any is annotated, as a note found by path (below) has no key to tell them by.
 */
function unshareOperations (item: Json): void {
  const seen = new Set<unknown>()
  for (const [method, operation] of Object.entries(item)) {
    if (!isPlainObject(operation)) continue
    if (seen.has(operation)) item[method] = { ...operation, responses: { ...(operation.responses as Json) } }
    seen.add(operation)
  }
}

/**
 * With `exposeHeadRoutes` and an operationId, swagger documents the HEAD
 * twin from a copy of the route taken when the route was declared: if
 * swagger's hook ran before ours, the copy lacks the annotation of its GET.
 */
function annotateHeadTwin (item: Json, found: Map<string, Annotation>, writer: DocumentWriter, schemes: Set<string>, annotated: Set<Json>): void {
  const getAnnotation = found.get('get')
  const { get, head } = item
  if (getAnnotation === undefined || found.has('head') || !isPlainObject(get) || !isPlainObject(head)) return
  if (typeof get.operationId === 'string' && head.operationId === `${get.operationId}-head`) {
    annotateOperation(head, 'head', getAnnotation, writer, schemes)
    annotated.add(head)
  }
}

/** `method`: the operation's key in its path item, lowercase. */
function annotateOperation (operation: Json, method: string, annotation: Annotation, writer: DocumentWriter, schemes: Set<string>): void {
  if (annotation.security !== null) setSecurity(operation, annotation.security, annotation.foreign, schemes)
  addGuardResponses(operation, method, annotation, writer)
  appendRequirement(operation, annotation.requirement)
}

/** Sets the operation's `security`, and notes the schemes of ours it names for the document to define. */
function setSecurity (operation: Json, security: SecurityRequirement[], foreign: Annotation['foreign'], schemes: Set<string>): void {
  operation.security = security.map((requirement) => ({ ...requirement }))
  // Other strategies' schemes are the app's to define; ours is added when missing.
  const theirs = new Set(Array.isArray(foreign?.schemes) ? foreign.schemes : [])
  for (const requirement of security) {
    for (const name of Object.keys(requirement)) if (!theirs.has(name)) schemes.add(name)
  }
}

function addGuardResponses (operation: Json, method: string, annotation: Annotation, writer: DocumentWriter): void {
  const responses: Json = isPlainObject(operation.responses) ? operation.responses : {}
  // A cookie token on a cross-site request is refused with 403 on some operations of a route only (unsafe methods, upgrades).
  const crossSite = Array.isArray(annotation.crossSiteOn) && annotation.crossSiteOn.includes(method)
  const statuses = crossSite && !annotation.statuses.includes('403') ? [...annotation.statuses, '403' as const] : annotation.statuses
  for (const status of statuses) {
    const response = guardResponse(status, annotation, crossSite)
    if (response === undefined) continue
    const own = responses[status]
    if (own === undefined) {
      responses[status] = responseOf(response, writer)
    } else if (isPlainObject(own) && response.header !== undefined) {
      // The route's own response wins, but the guard does send its header (the challenge, Retry-After).
      addHeader(own, response.header, writer)
    }
  }
  operation.responses = responses
}

function responseOf ({ description, header, example }: GuardResponse, writer: DocumentWriter): Json {
  // Another strategy's refusal: its body and headers are not ours to describe.
  if (example === undefined) return { description }
  return {
    description,
    ...(header === undefined ? {} : { headers: { [header.name]: writer.header(header) } }),
    ...writer.errorBody(example)
  }
}

/** Adds `header` to `response` unless the route documents it already, in any letter case. */
function addHeader (response: Json, header: GuardHeader, writer: DocumentWriter): void {
  const headers: Json = isPlainObject(response.headers) ? response.headers : {}
  if (Object.keys(headers).some((name) => name.toLowerCase() === header.name.toLowerCase())) return
  headers[header.name] = writer.header(header)
  response.headers = headers
}

/** Appends the requirement sentence to the route's own description, or makes it the description when there is none. */
function appendRequirement (operation: Json, requirement: string): void {
  if (requirement === '') return
  operation.description = typeof operation.description === 'string' && operation.description !== ''
    ? `${operation.description}\n\n${requirement}`
    : requirement
}
