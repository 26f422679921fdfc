import type { FastifyInstance, RouteOptions } from 'fastify'
import { OpenApiRegistrationOrderError } from '../errors.js'
import type { ResolvedOptions } from '../options/plugin-options.js'
import { guardsOf, isPublicRoute } from '../route-policy/guards-of-route.js'
import { ANNOTATION_KEY } from './annotation.js'
import { annotationFor, publicAnnotation, type RouteFacts } from './guard-requirements.js'
import { ensureWrapped, swaggerOf } from './swagger-decorator.js'
import { recordRouteDeclaredOn } from '../route-policy/protect.js'

// Auth-aware OpenAPI documents for @fastify/swagger, with no work from the user.
//
// How: an `onRoute` hook finds the routes our guards protect and leaves a note
// on their schema under an `x-` key (swagger copies `x-` keys onto the
// operation). The `swagger` decorator is wrapped so that, after swagger has
// built the document, each noted operation gets its `security`, the responses
// its guards can send (401/403; 429/502/503 for the API-key guards) and its
// requirement, and the security scheme is added to the document (OpenAPI 3's
// `components.securitySchemes`, Swagger 2's `securityDefinitions`). The wrapper
// keeps each note too, and finds the operation by method and path when an
// app's `transform` or `transformObject` dropped the `x-` key on the way.
//
// Why not set `schema.security` directly: swagger throws while building the
// document when a route names a scheme missing from `components`, and the user's
// swagger options (where `components` lives) are out of reach when swagger is
// registered first. Why not put 401/403 in `schema.response`: those schemas also
// drive serialization, so a user with another serializer compiler (say, zod's)
// would get a 500 in place of each 401, and a route with no response schema
// would lose its documented 200. Documenting only in the document changes no
// runtime behaviour, in every registration order.

type OpenApiOptions = ResolvedOptions['openapi']

/** A guarded route declared while no swagger was in sight. */
interface UndocumentedRoute { scope: object, method: string, url: string }

/**
 * Documents guarded routes for @fastify/swagger, registered before or after this
 * plugin; does nothing visible without it. Also records which scopes declared
 * routes, for `protect`.
 */
export function setupOpenApi (fastify: FastifyInstance, options: OpenApiOptions): void {
  const undocumented: UndocumentedRoute[] = []

  fastify.addHook('onRoute', function annotateGuardedRoute (this: FastifyInstance, route) {
    recordRouteDeclaredOn(this)
    if (options.enabled) annotateRoute(route, this, options, undocumented)
  })

  if (!options.enabled) return
  fastify.addHook('onReady', async function checkNothingUndocumented () {
    // Swagger registered after these routes cannot see them (it collects routes
    // as they are declared): fail loudly rather than publish a partial document.
    const missed = undocumented.find(({ scope }) => swaggerOf(scope) !== undefined)
    if (missed !== undefined) throw registrationOrderError(missed)
  })
}

/** Notes on `route`'s schema what its guards require, or lists it in `undocumented` when no swagger can see it. */
function annotateRoute (route: RouteOptions, scope: FastifyInstance, options: OpenApiOptions, undocumented: UndocumentedRoute[]): void {
  const schema = route.schema as Record<string, unknown> | undefined
  // Hidden routes (swagger-ui's own among them) are never documented: leave them be.
  if (schema?.hide === true) return
  const guards = guardsOf(route, scope)
  const isPublic = guards.length === 0 && isPublicRoute(route, scope)
  if (guards.length === 0 && !isPublic) return
  if (swaggerOf(scope) === undefined) {
    if (!isPublic) undocumented.push({ scope, method: String(route.method), url: route.url })
    return
  }
  const annotation = isPublic
    ? publicAnnotation(schema)
    : annotationFor(guards, schema, options.securitySchemeName, factsOf(route))
  ensureWrapped(scope, { methods: methodsOf(route), url: route.url, annotation })
  // A new object: schemas are often shared between routes (and with the HEAD twin).
  route.schema = { ...schema, [ANNOTATION_KEY]: annotation } as RouteOptions['schema']
}

/** The route's methods as the document keys its operations. */
function methodsOf (route: RouteOptions): string[] {
  return [route.method].flat().map((method) => method.toLowerCase())
}

/**
 * What the annotation needs of the route: its methods, and whether
 * @fastify/websocket serves upgrades on it besides plain requests (`wsHandler`;
 * a `websocket: true` route is hidden from the document by @fastify/websocket).
 */
function factsOf (route: RouteOptions): RouteFacts {
  return { methods: methodsOf(route), upgrades: typeof (route as { wsHandler?: unknown }).wsHandler === 'function' }
}

function registrationOrderError ({ method, url }: UndocumentedRoute): Error {
  return new OpenApiRegistrationOrderError(`${method} ${url} is guarded but was declared before @fastify/swagger was registered, so it cannot be documented. Register @fastify/swagger (before or after fastify-propelauth) before declaring routes: \`await app.register(swagger, …)\`, then the routes, or put the routes in a plugin registered after swagger`)
}
