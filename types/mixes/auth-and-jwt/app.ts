// Beside both @fastify/auth (`app.auth`) and @fastify/jwt (`request.user`): every
// name of this plugin is moved, and @fastify/auth lets either kind of token in.
import fastifyAuth from '@fastify/auth'
import fastifyJwt from '@fastify/jwt'
import Fastify, { type FastifyInstance } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from 'fastify-propelauth'

declare module 'fastify-propelauth' {
  interface PropelAuthTypes {
    decorator: 'propelAuth'
    user: 'propelAuthUser'
    org: 'propelAuthOrg'
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string }
    user: { sub: string }
  }
}

/** The options an app reads from its environment; the decorator names are the app's own. */
export type AuthOptions = Pick<FastifyPropelAuthOptions, 'authUrl' | 'apiKey' | 'tokenVerificationMetadata'>

export async function buildApp (auth: AuthOptions, jwtSecret: string): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(fastifyAuth)
  await app.register(fastifyJwt, { secret: jwtSecret })
  await app.register(propelAuth, {
    ...auth,
    decorator: 'propelAuth',
    requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' }
  })

  app.post('/internal/tokens', async (_request, reply) => ({ token: await reply.jwtSign({ sub: 'cron' }) }))

  // A PropelAuth user, or a service holding a token this app signed.
  app.get('/api/reports', {
    preHandler: app.auth([
      app.propelAuth.requireUser,
      async (request) => { await request.jwtVerify() }
    ])
  }, async (request) => {
    return { by: request.propelAuthUser?.userId ?? request.user.sub }
  })
  return app
}
