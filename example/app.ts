import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import propelAuthWebhooks from '../lib/webhooks/index.js'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { apiRoutes } from './api-routes.js'
import { apiDocs } from './docs.js'
import { frontend } from './frontend.js'
import { ssrPage } from './ssr-page.js'

export interface ExampleOptions {
  /**
   * Where browsers reach the app (`http://localhost:3000`): turns on server-run
   * sign-in, with its callback at `<baseUrl>/api/auth/callback`, and the
   * server-rendered page at /ssr.
   */
  baseUrl?: string
  /** Development only: the stand-in's URL; /docs then offers its password login (example/docs.ts). */
  standInUrl?: string
  /** Serve the frontend page (PropelAuth's browser client) at `/`. Default true. */
  frontend?: boolean
  /** The webhook endpoint's signing secret: receive PropelAuth's events at /webhooks/propelauth. */
  webhookSecret?: string
}

/**
 * The example app: the routes of PropelAuth's backend guides, guarded by this
 * plugin. Built by a function so tests can run it with `inject`.
 */
export async function buildApp (auth: FastifyPropelAuthOptions & { authUrl: string }, server: FastifyServerOptions = {}, example: ExampleOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(server)
  await app.register(propelAuth, example.baseUrl === undefined ? auth : withSessions(auth, example.baseUrl))
  // OpenAPI document and Swagger UI at /docs; before the routes, so it sees them.
  await app.register(apiDocs, { standInUrl: example.standInUrl })
  if (example.webhookSecret !== undefined) {
    // PropelAuth's events: one log line each (its type and delivery id, no personal data), and a
    // user signed out, disabled, locked or deleted loses their earlier tokens at once.
    await app.register(propelAuthWebhooks, {
      secret: example.webhookSecret,
      revokeTokens: true,
      onOtherEvent: (event, delivery) => { delivery.request.log.info({ webhook: { eventType: event.event_type, id: delivery.id } }, `PropelAuth event ${event.event_type}`) }
    })
  }

  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => {
    return { user_id: app.auth.user(request).userId }
  })

  app.get('/api/whoami_optional', { onRequest: app.auth.optionalUser }, async (request) => {
    return request.user === null ? { user_id: null } : { user_id: request.user.userId }
  })

  app.get('/api/org/:orgId/check', { onRequest: app.auth.requireOrgMember() }, async (request) => {
    return { message: `You are a member of ${app.auth.org(request).orgName}` }
  })

  app.get('/api/org/:orgId/admin_only', { onRequest: app.auth.requireOrgMemberWithExactRole('Admin') }, async (request) => {
    return { message: `You are an Admin of ${app.auth.org(request).orgName}` }
  })

  app.get('/api/org/:orgId/admin_or_owner', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => {
    return { message: `You are at least an Admin of ${app.auth.org(request).orgName}` }
  })

  app.get('/api/org/:orgId/billing', { onRequest: app.auth.requireOrgMemberWithPermission('can_view_billing') }, async (request) => {
    return { message: `You can view the billing of ${app.auth.org(request).orgName}` }
  })

  // Routes that use PropelAuth's backend API through the plugin (example/api-routes.ts).
  await app.register(apiRoutes)

  // The frontend half: a page at / that signs in with PropelAuth's browser client and calls the routes above.
  if (example.frontend !== false) await app.register(frontend, { authUrl: auth.authUrl })

  // The server-rendered half: /ssr, signed in by the server through /api/auth/*.
  if (example.baseUrl !== undefined) await app.register(ssrPage, { baseUrl: example.baseUrl, accountUrl: `${new URL(auth.authUrl).origin}/account` })

  return app
}

/**
 * The options with server-run sign-in. The session is picked up by the guards
 * after the bearer token, so the API routes answer a signed-in browser as they
 * answer a token, and /ssr shows what they answer; an active org is picked at
 * sign-in (the user's first), so the page has one to show.
 */
function withSessions (auth: FastifyPropelAuthOptions & { authUrl: string }, baseUrl: string): FastifyPropelAuthOptions & { authUrl: string } {
  return {
    ...auth,
    tokenFrom: ['authorization', 'session'],
    sessions: {
      redirectUri: new URL('/api/auth/callback', baseUrl).href,
      defaultActiveOrg: (user) => user.getOrgs()[0]?.orgId
    }
  }
}
