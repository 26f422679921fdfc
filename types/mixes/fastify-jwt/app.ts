// Beside @fastify/jwt, which owns `request.user`: this plugin's user and org are
// `request.propelAuthUser` and `request.propelAuthOrg`, declared once in
// PropelAuthTypes and passed to `register`.
import fastifyJwt from '@fastify/jwt'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from 'fastify-propelauth'

declare module 'fastify-propelauth' {
  interface PropelAuthTypes {
    user: 'propelAuthUser'
    org: 'propelAuthOrg'
  }
}

// @fastify/jwt's own typing of its tokens and of `request.user`.
declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string, scope: string }
    user: { sub: string, scope: string }
  }
}

/** The options an app reads from its environment; the decorator names are the app's own. */
export type AuthOptions = Pick<FastifyPropelAuthOptions, 'authUrl' | 'apiKey' | 'tokenVerificationMetadata'>

export async function buildApp (auth: AuthOptions, jwtSecret: string): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(fastifyJwt, { secret: jwtSecret })
  await app.register(propelAuth, { ...auth, requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' } })

  // PropelAuth's users, as everywhere.
  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => {
    return { userId: app.auth.user(request).userId, same: request.propelAuthUser?.userId }
  })
  app.get('/api/org/:orgId/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => {
    return { org: app.auth.org(request).orgName, same: request.propelAuthOrg?.orgName }
  })

  // Machine-to-machine tokens this app signs itself, with @fastify/jwt.
  app.post('/internal/tokens', async (_request, reply) => ({ token: await reply.jwtSign({ sub: 'cron', scope: 'reports' }) }))
  app.get('/internal/reports', {
    onRequest: async (request) => { await request.jwtVerify() }
  }, async (request) => ({ sub: request.user.sub, scope: request.user.scope }))
  return app
}
