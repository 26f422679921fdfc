import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

export interface ApiDocsOptions {
  /** Development only: the stand-in's URL, whose password login /docs then offers (Authorize). */
  standInUrl?: string
}

// The example's seed (example/seed.ts) lets the Admin sign in without MFA, which
// the password form of Swagger UI cannot send.
const SIGN_IN_HINT = 'Development only: sign in as a seeded user without MFA, `admin@acme.test`, `member@acme.test` or ' +
  '`outsider@example.test`, with the password `password` (leave client_id and client_secret empty). ' +
  'The Owner signs in with MFA, which this form cannot send.'

/**
 * API docs for the example: the OpenAPI document from @fastify/swagger and
 * Swagger UI at /docs. fastify-propelauth adds the bearer scheme, each guarded
 * route's security and its 401/403 on its own, so nothing auth-related is
 * configured here but the development sign-in. Register it before declaring
 * routes (swagger collects routes as they are declared); before or after
 * fastify-propelauth does not matter.
 */
export const apiDocs = fp<ApiDocsOptions>(async function apiDocs (app, options) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'fastify-propelauth example',
        version: '1.0.0',
        description: 'The routes of PropelAuth\'s backend guides, guarded by fastify-propelauth. ' +
          'Click **Authorize** and paste a PropelAuth access token (`npm start` prints fresh ones) to try the protected routes.'
      }
    }
  })
  // Loaded only with the stand-in: the stand-in package is a development dependency.
  const login = options.standInUrl === undefined
    ? undefined
    : await (await import('fastify-propelauth-standin/docs-login')).standInDocsLogin({ url: options.standInUrl, description: SIGN_IN_HINT })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Keep the pasted token across reloads of /docs.
    uiConfig: { persistAuthorization: true },
    // With the stand-in, Authorize also offers its password login.
    ...(login === undefined ? {} : { transformSpecification: login.transformSpecification })
  })
}, { name: 'example-api-docs', fastify: '5.x' })
