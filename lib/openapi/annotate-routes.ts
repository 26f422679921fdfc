import { createRequire } from 'node:module'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { OpenApiRegistrationOrderError } from '../errors.js'
import type { ResolvedOptions } from '../options/plugin-options.js'
import { guardsOf, isPublicRoute } from '../route-policy/guards-of-route.js'
import { propelAuthSecurityScheme } from './security-scheme.js'
import { ANNOTATION_KEY, isAnnotation, type Annotation } from './annotation.js'
import { annotationFor, publicAnnotation } from './guard-requirements.js'
import { errorBodySchema, guardResponse, type GuardHeader, type GuardResponse } from './guard-responses.js'
import { recordRouteDeclaredOn } from '../route-policy/protect.js'

// Auth-aware OpenAPI documents for @fastify/swagger, with no work from the user.
//
// How: an `onRoute` hook finds the routes our guards protect and leaves a note
// on their schema under an `x-` key (swagger copies `x-` keys onto the
// operation). The `swagger` decorator is wrapped so that, after swagger has
// built the document, each noted operation gets its `security`, the responses
// its guards can send (401/403; 429/502/503 for the API-key guards) and its
// requirement, and the security scheme is added to `components.securitySchemes`.
//
// Why not set `schema.security` directly: swagger throws while building the
// document when a route names a scheme missing from `components`, and the user's
// swagger options (where `components` lives) are out of reach when swagger is
// registered first. Why not put 401/403 in `schema.response`: those schemas also
// drive serialization, so a user with another serializer compiler (say, zod's)
// would get a 500 in place of each 401, and a route with no response schema
// would lose its documented 200. Documenting only in the document changes no
// runtime behaviour, in every registration order.

/** Swagger 2.0 has no bearer scheme: the header itself is the key. */
const swagger2SecurityDefinition = Object.freeze({
  type: 'apiKey',
  in: 'header',
  name: 'Authorization',
  description: 'A PropelAuth access token (or, on routes that take one, an end-user API key), sent as `Bearer <token>`.'
})

// --- the document ------------------------------------------------------------------

function openApiHeader (header: GuardHeader): Record<string, unknown> {
  return { description: header.description, schema: { type: header.type } }
}

function swagger2Header (header: GuardHeader): Record<string, unknown> {
  return { type: header.type, description: header.description }
}

function openApiResponse ({ description, header, example }: GuardResponse): Record<string, unknown> {
  if (example === undefined) return { description }
  return {
    description,
    ...(header === undefined ? {} : { headers: { [header.name]: openApiHeader(header) } }),
    content: { 'application/json': { schema: errorBodySchema(), example: { ...example } } }
  }
}

function swagger2Response ({ description, header, example }: GuardResponse): Record<string, unknown> {
  if (example === undefined) return { description }
  return {
    description,
    ...(header === undefined ? {} : { headers: { [header.name]: swagger2Header(header) } }),
    schema: errorBodySchema(),
    examples: { 'application/json': { ...example } }
  }
}

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function applyAnnotation (operation: Json, annotation: Annotation, openapi: boolean, schemes: Set<string>): void {
  if (annotation.security !== null) {
    operation.security = annotation.security.map((requirement) => ({ ...requirement }))
    // Other strategies' schemes are the app's to define; ours is added when missing.
    const foreign = new Set(Array.isArray(annotation.foreign?.schemes) ? annotation.foreign.schemes : [])
    for (const requirement of annotation.security) {
      for (const name of Object.keys(requirement)) if (!foreign.has(name)) schemes.add(name)
    }
  }
  const responses: Json = isObject(operation.responses) ? operation.responses : {}
  for (const status of annotation.statuses) {
    const response = guardResponse(status, annotation)
    if (response === undefined) continue
    const own = responses[status]
    if (own === undefined) {
      responses[status] = openapi ? openApiResponse(response) : swagger2Response(response)
    } else if (isObject(own)) {
      // The route's own response wins, but the guard does send its header (the challenge, Retry-After).
      const header = response.header
      if (header === undefined) continue
      const headers: Json = isObject(own.headers) ? own.headers : {}
      if (!Object.keys(headers).some((name) => name.toLowerCase() === header.name.toLowerCase())) {
        headers[header.name] = openapi ? openApiHeader(header) : swagger2Header(header)
        own.headers = headers
      }
    }
  }
  operation.responses = responses
  if (annotation.requirement === '') return
  operation.description = typeof operation.description === 'string' && operation.description !== ''
    ? `${operation.description}\n\n${annotation.requirement}`
    : annotation.requirement
}

/**
 * Turns the annotations swagger copied onto operations into `security`, the
 * guards' responses (401/403; 429/502/503 for the API-key guards) and descriptions,
 * and makes sure every scheme they name exists.
 * Mutates `doc` (swagger's cached document) and returns whether it changed.
 */
export function applyAnnotations (doc: unknown): boolean {
  if (!isObject(doc) || !isObject(doc.paths)) return false
  const openapi = typeof doc.openapi === 'string'
  const schemes = new Set<string>()
  let changed = false
  for (const item of Object.values(doc.paths)) {
    if (!isObject(item)) continue
    const found = new Map<string, Annotation>()
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation) || !(ANNOTATION_KEY in operation)) continue
      const annotation = operation[ANNOTATION_KEY]
      delete operation[ANNOTATION_KEY]
      changed = true
      if (!isAnnotation(annotation)) continue
      found.set(method, annotation)
      applyAnnotation(operation, annotation, openapi, schemes)
    }
    // With `exposeHeadRoutes` and an operationId, swagger documents the HEAD
    // twin from a copy of the route taken when the route was declared: if
    // swagger's hook ran before ours, the copy lacks the annotation of its GET.
    const get = item.get
    const head = item.head
    const getAnnotation = found.get('get')
    if (getAnnotation !== undefined && isObject(get) && isObject(head) && !found.has('head') &&
      typeof get.operationId === 'string' && head.operationId === `${get.operationId}-head`) {
      applyAnnotation(head, getAnnotation, openapi, schemes)
    }
  }
  if (schemes.size > 0) {
    if (openapi) {
      const components: Json = isObject(doc.components) ? doc.components : {}
      // Copied, never mutated: swagger shares this object with the user's options.
      const existing = isObject(components.securitySchemes) ? components.securitySchemes : {}
      const securitySchemes: Json = { ...existing }
      for (const name of schemes) securitySchemes[name] ??= { ...propelAuthSecurityScheme }
      components.securitySchemes = securitySchemes
      doc.components = components
    } else {
      const definitions: Json = { ...(isObject(doc.securityDefinitions) ? doc.securityDefinitions : {}) }
      for (const name of schemes) definitions[name] ??= { ...swagger2SecurityDefinition }
      doc.securityDefinitions = definitions
    }
  }
  return changed
}

// --- wrapping the `swagger` decorator --------------------------------------------

const kDocumenting = Symbol.for('fastify-propelauth.documenting-swagger')
type SwaggerFunction = ((options?: { yaml?: boolean }) => unknown) & { [kDocumenting]?: true }

const annotatedDocs = new WeakSet<object>()
const yamlOf = new WeakMap<object, string>()

let stringifyYaml: ((value: unknown) => string) | undefined
function toYaml (doc: object): string {
  if (stringifyYaml === undefined) {
    try {
      // The same `yaml` package swagger itself renders with.
      const require = createRequire(import.meta.url)
      const yaml = createRequire(require.resolve('@fastify/swagger'))('yaml') as { stringify: (value: unknown, options: object) => string }
      stringifyYaml = (value) => yaml.stringify(value, { strict: false })
    } catch {
      // JSON is YAML too.
      stringifyYaml = (value) => JSON.stringify(value, null, 2)
    }
  }
  let text = yamlOf.get(doc)
  if (text === undefined) {
    text = stringifyYaml(doc)
    yamlOf.set(doc, text)
  }
  return text
}

function wrapSwagger (original: SwaggerFunction): SwaggerFunction {
  const swagger: SwaggerFunction = function swagger (this: unknown, options) {
    const doc = original.call(this) as object
    if (applyAnnotations(doc)) annotatedDocs.add(doc)
    if (options?.yaml !== true) return doc
    // Swagger would rebuild the YAML from the routes, notes and all: render ours.
    return annotatedDocs.has(doc) ? toYaml(doc) : original.call(this, options)
  }
  Object.defineProperty(swagger, kDocumenting, { value: true })
  return swagger
}

/** The `swagger` decorator @fastify/swagger put on `scope` or one of its parents, if any. */
function swaggerOf (scope: object): SwaggerFunction | undefined {
  const swagger = (scope as { swagger?: unknown }).swagger
  return typeof swagger === 'function' ? swagger as SwaggerFunction : undefined
}

/**
 * Replaces the decorator where swagger defined it, so that every scope (and
 * @fastify/swagger-ui) calls the wrapper. Every swagger up the chain sees the
 * route (a parent's `onRoute` hooks run for its children's routes), so each
 * one is wrapped, not only the nearest.
 */
function ensureWrapped (scope: object): void {
  for (let owner: object | null = scope; owner !== null; owner = Object.getPrototypeOf(owner)) {
    if (!Object.hasOwn(owner, 'swagger')) continue
    const holder = owner as { swagger: unknown }
    const swagger = holder.swagger as SwaggerFunction
    if (typeof swagger === 'function' && swagger[kDocumenting] !== true) holder.swagger = wrapSwagger(swagger)
  }
}

// --- wiring --------------------------------------------------------------------------

/**
 * Documents guarded routes for @fastify/swagger, registered before or after this
 * plugin; does nothing visible without it. Also records which scopes declared
 * routes, for `protect`.
 */
export function setupOpenApi (fastify: FastifyInstance, options: ResolvedOptions['openapi']): void {
  /** Guarded routes declared while no swagger was in sight. */
  const undocumented: Array<{ scope: object, method: string, url: string }> = []

  fastify.addHook('onRoute', function annotateGuardedRoute (this: FastifyInstance, route) {
    recordRouteDeclaredOn(this)
    if (!options.enabled) return
    const schema = route.schema as Record<string, unknown> | undefined
    // Hidden routes (swagger-ui's own among them) are never documented: leave them be.
    if (schema?.hide === true) return
    const guards = guardsOf(route, this)
    const isPublic = guards.length === 0 && isPublicRoute(route, this)
    if (guards.length === 0 && !isPublic) return
    if (swaggerOf(this) === undefined) {
      if (!isPublic) undocumented.push({ scope: this, method: String(route.method), url: route.url })
      return
    }
    ensureWrapped(this)
    // A new object: schemas are often shared between routes (and with the HEAD twin).
    const annotation = isPublic
      ? publicAnnotation(schema)
      : annotationFor(guards, schema, options.securitySchemeName)
    route.schema = { ...schema, [ANNOTATION_KEY]: annotation } as RouteOptions['schema']
  })

  if (!options.enabled) return
  fastify.addHook('onReady', async function checkNothingUndocumented () {
    // Swagger registered after these routes cannot see them (it collects routes
    // as they are declared): fail loudly rather than publish a partial document.
    const missed = undocumented.find(({ scope }) => swaggerOf(scope) !== undefined)
    if (missed !== undefined) {
      throw new OpenApiRegistrationOrderError(`${missed.method} ${missed.url} is guarded but was declared before @fastify/swagger was registered, so it cannot be documented. Register @fastify/swagger (before or after fastify-propelauth) before declaring routes: \`await app.register(swagger, …)\`, then the routes, or put the routes in a plugin registered after swagger`)
    }
  })
}
