import type { CarrierScheme } from './carrier-schemes.js'
import { withSchemes, type DocumentWriter, type Json } from './document-writer.js'
import { errorBodySchema } from './guard-responses.js'

/** Swagger 2.0 has no bearer scheme: the header itself is the key. */
const swagger2SecurityDefinition = Object.freeze({
  type: 'apiKey',
  in: 'header',
  name: 'Authorization',
  description: 'A PropelAuth access token (or, on routes that take one, an end-user API key), sent as `Bearer <token>`.'
})

/** Swagger 2.0 has no cookie scheme: the `Cookie` header stands for it. */
const swagger2SessionDefinition = Object.freeze({
  type: 'apiKey',
  in: 'header',
  name: 'Cookie',
  description: 'The session of server-run sign-in: HttpOnly cookies (`__pa_at`, `__pa_rt`) the browser sends by itself.'
})

/**
 * The definition of a route that reads the token from a cookie, a query parameter
 * or the session. Swagger 2.0 has no cookie location: the `Cookie` header stands
 * for a cookie, and the description (the route's too) names the cookie read.
 */
function carrierDefinition (scheme: CarrierScheme): Json {
  switch (scheme.in) {
    case 'session': return { ...swagger2SessionDefinition }
    case 'cookie': return {
      type: 'apiKey',
      in: 'header',
      name: 'Cookie',
      description: `A PropelAuth access token in the cookie \`${scheme.name}\`, which a browser signed in on this site sends by itself (Swagger 2.0 has no cookie location: the \`Cookie\` header stands for it).`
    }
    case 'query': return {
      type: 'apiKey',
      in: 'query',
      name: scheme.name,
      description: `A PropelAuth access token in the query parameter \`${scheme.name}\`, read on WebSocket upgrades only.`
    }
  }
}

/**
 * Writes into Swagger 2.0 documents: a header is typed inline, a body has one
 * `schema` and its `examples` by media type, and the schemes are in
 * `securityDefinitions`.
 */
export const swagger2Writer: DocumentWriter = {
  header: (header) => ({ type: header.type, description: header.description }),
  errorBody: (example) => ({ schema: errorBodySchema(), examples: { 'application/json': { ...example } } }),
  addSecuritySchemes (doc, names) {
    doc.securityDefinitions = withSchemes(doc.securityDefinitions, names, swagger2SecurityDefinition, carrierDefinition)
  }
}
