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
