// Beside @fastify/auth, which owns `app.auth`: this plugin's decorator is
// `app.propelAuth`, declared once in PropelAuthTypes and passed to `register`.
import fastifyAuth, { type FastifyAuthFunction } from '@fastify/auth'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from 'fastify-propelauth'

declare module 'fastify-propelauth' {
  interface PropelAuthTypes {
    decorator: 'propelAuth'
  }
}

/** The options an app reads from its environment; the decorator names are the app's own. */
export type AuthOptions = Pick<FastifyPropelAuthOptions, 'authUrl' | 'apiKey' | 'tokenVerificationMetadata'>

/** A second way in, for @fastify/auth to try after PropelAuth: a partner's static key. */
export function partnerKey (key: string): FastifyAuthFunction {
  return function partnerKey (request, _reply, done) {
    done(request.headers['x-partner-key'] === key ? undefined : new Error('Not a partner'))
  }
}

export async function buildApp (auth: AuthOptions, partner: string): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(fastifyAuth)
  await app.register(propelAuth, { ...auth, decorator: 'propelAuth' })

  app.get('/api/whoami', { onRequest: app.propelAuth.requireUser }, async (request) => {
    return { userId: app.propelAuth.user(request).userId }
  })

  // A signed-in PropelAuth user or a partner (@fastify/auth's default relation is OR).
  app.get('/api/reports', { preHandler: app.auth([app.propelAuth.requireUser, partnerKey(partner)]) }, async (request) => {
    return { by: request.user?.userId ?? 'partner' }
  })

  // Both, in one @fastify/auth composition: an org admin calling through the partner's gateway.
  app.get('/api/org/:orgId/reports', {
    preHandler: app.auth([app.propelAuth.requireOrgMemberWithMinimumRole('Admin'), partnerKey(partner)], { relation: 'and' })
  }, async (request) => {
    return { org: app.propelAuth.org(request).orgName }
  })
  return app
}
