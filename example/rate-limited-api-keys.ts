import rateLimit from '@fastify/rate-limit'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'

/**
 * An API your users call with their end-user API keys, behind a rate limit per
 * client address: past 60 requests a minute a client is answered 429 by
 * @fastify/rate-limit, and PropelAuth is not asked about its keys at all.
 */
export async function buildReportsApi (auth: FastifyPropelAuthOptions, server: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(server)
  await app.register(propelAuth, auth)
  // `global: false` and the limiter placed first among the route's hooks: a
  // limiter that @fastify/rate-limit adds itself (global, or `config.rateLimit`)
  // runs after the route's own onRequest hooks, so after the key check.
  await app.register(rateLimit, { global: false })
  const perClient = app.rateLimit({ max: 60, timeWindow: '1 minute' })

  app.get('/api/v1/reports', { onRequest: [perClient, app.auth.requireApiKey] }, async (request) => {
    const key = app.auth.getApiKeyValidation(request)
    return { orgId: request.org?.orgId ?? null, userId: request.user?.userId ?? null, scopes: key?.metadata?.scopes ?? [] }
  })
  return app
}
