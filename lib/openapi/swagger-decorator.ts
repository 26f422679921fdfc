import { applyAnnotations } from './annotate-document.js'
import type { RouteNote } from './annotation.js'
import { toYaml } from './render-yaml.js'

// @fastify/swagger builds its document when it is first asked for, after every
// route is declared, and caches it. Wrapping its `swagger` decorator is how the
// annotations reach that document, whichever plugin was registered first.

// Symbol.for: two copies of this plugin in one app wrap a decorator once between them.
const kDocumenting = Symbol.for('fastify-propelauth.documenting-swagger')
/** The notes of the routes a wrapper documents, shared the same way. */
const kRouteNotes = Symbol.for('fastify-propelauth.route-notes')
type SwaggerFunction = ((options?: { yaml?: boolean }) => unknown) & { [kDocumenting]?: true, [kRouteNotes]?: RouteNote[] }

/** The documents our annotations changed: swagger's own YAML of them would still carry the notes. */
const annotatedDocs = new WeakSet<object>()

/** The `swagger` decorator @fastify/swagger put on `scope` or one of its parents, if any. */
export function swaggerOf (scope: object): SwaggerFunction | undefined {
  const swagger = (scope as { swagger?: unknown }).swagger
  return typeof swagger === 'function' ? swagger as SwaggerFunction : undefined
}

/**
 * Replaces the decorator where swagger defined it, so that every scope (and
 * @fastify/swagger-ui) calls the wrapper, and gives each wrapper `note`. Every
 * swagger up the chain sees the route (a parent's `onRoute` hooks run for its
 * children's routes), so each one is wrapped, not only the nearest.
 */
export function ensureWrapped (scope: object, note: RouteNote): void {
  for (let owner: object | null = scope; owner !== null; owner = Object.getPrototypeOf(owner)) {
    if (!Object.hasOwn(owner, 'swagger')) continue
    const holder = owner as { swagger: unknown }
    const swagger = holder.swagger as SwaggerFunction
    if (typeof swagger !== 'function') continue
    if (swagger[kDocumenting] !== true) holder.swagger = wrapSwagger(swagger)
    ;(holder.swagger as SwaggerFunction)[kRouteNotes]?.push(note)
  }
}

function wrapSwagger (original: SwaggerFunction): SwaggerFunction {
  const notes: RouteNote[] = []
  const swagger: SwaggerFunction = function swagger (this: unknown, options) {
    const doc = original.call(this) as object
    // Once per document: swagger caches it, and a note applied twice would repeat its description.
    if (!annotatedDocs.has(doc) && applyAnnotations(doc, notes)) annotatedDocs.add(doc)
    if (options?.yaml !== true) return doc
    // Swagger would rebuild the YAML from the routes, notes and all: render ours.
    return annotatedDocs.has(doc) ? toYaml(doc) : original.call(this, options)
  }
  Object.defineProperty(swagger, kDocumenting, { value: true })
  Object.defineProperty(swagger, kRouteNotes, { value: notes })
  return swagger
}
