import type { CarrierScheme } from './carrier-schemes.js'

/**
 * The scheme of routes guarded by the session of server-run sign-in: the
 * browser sends the session's cookie by itself, so Swagger UI's "Try it out"
 * works from a browser signed in on the same site.
 */
export const propelAuthSessionScheme = Object.freeze({
  type: 'apiKey',
  in: 'cookie',
  name: '__pa_at',
  description: 'The session of server-run sign-in: HttpOnly cookies the browser sends by itself; the access token is `__pa_at` (`__pa_at_0`, `__pa_at_1`, … when split), refreshed on the server with `__pa_rt`.'
})

/**
 * The bearer scheme this plugin names in `security` and adds to an OpenAPI 3
 * document when the app has not defined one by that name. Frozen: it is public,
 * and each document gets its own copy.
 */
export const propelAuthSecurityScheme = Object.freeze({
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: 'A PropelAuth access token (or, on routes that take one, an end-user API key), sent as `Authorization: Bearer <token>`.'
})

/**
 * The OpenAPI 3 scheme of a route that reads the token from a cookie, a query
 * parameter or the session. A cookie is an `apiKey` in the cookie: a browser
 * signed in on the same site sends it by itself, so Swagger UI's "Try it out" works.
 */
export function carrierSecurityScheme (scheme: CarrierScheme): Record<string, unknown> {
  switch (scheme.in) {
    case 'session': return { ...propelAuthSessionScheme }
    case 'cookie': return {
      type: 'apiKey',
      in: 'cookie',
      name: scheme.name,
      description: `A PropelAuth access token in the cookie \`${scheme.name}\`, which a browser signed in on this site sends by itself.`
    }
    case 'query': return {
      type: 'apiKey',
      in: 'query',
      name: scheme.name,
      description: `A PropelAuth access token in the query parameter \`${scheme.name}\`, read on WebSocket upgrades only.`
    }
  }
}
