import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import scalar from '@scalar/fastify-api-reference'
import propelAuth from '../../index.js'
import { standInDocsLogin, type StandInDocsLogin } from '../../standin/lib/docs-login/index.js'
import { harness } from '../../standin/test/helpers/harness.js'
import type { StandIn } from '../../standin/index.js'

/**
 * docs/openapi.md's Scalar recipe with the stand-in's docs login: a stand-in,
 * an app guarded by it with Scalar at /reference opening on the password
 * sign-in, and `GET /api/whoami` answering `{ user_id }`. Closed at the test's end.
 */
export async function scalarAppWithDocsLogin (t: Parameters<typeof harness>[0]): Promise<{ app: FastifyInstance, standIn: StandIn, login: StandInDocsLogin }> {
  const { standIn } = await harness(t)
  const login = await standInDocsLogin({ url: standIn.authUrl })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, standIn.pluginOptions)
  await app.register(swagger, { openapi: { info: { title: 'Scalar with the docs login', version: '1.0.0' } } })
  await app.register(scalar, {
    routePrefix: '/reference',
    configuration: { content: () => login.transformSpecification(app.swagger()), authentication: { preferredSecurityScheme: login.schemeName } }
  })
  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => ({ user_id: app.auth.user(request).userId }))
  return { app, standIn, login }
}
