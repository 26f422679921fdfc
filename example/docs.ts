import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { withDevLogin } from './dev-login.js'

export interface ApiDocsOptions {
  /** Development only: the stand-in's `/login` (absolute URL), offered in Swagger UI as an OAuth2 password flow. */
  devLoginUrl?: string
}

/**
 * API docs for the example: the OpenAPI document from @fastify/swagger and
 * Swagger UI at /docs. fastify-propelauth adds the bearer scheme, each guarded
 * route's security and its 401/403 on its own, so nothing auth-related is
 * configured here. Register it before declaring routes (swagger collects routes
 * as they are declared); before or after fastify-propelauth does not matter.
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
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Keep the pasted token across reloads of /docs.
    uiConfig: { persistAuthorization: true },
    // With the stand-in, Authorize also offers its password login (example/dev-login.ts).
    ...(options.devLoginUrl === undefined ? {} : { transformSpecification: withDevLogin(options.devLoginUrl) })
  })
}, { name: 'example-api-docs', fastify: '5.x' })
