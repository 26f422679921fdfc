// What a new app writes first, on every entry of the package: checked under each
// module resolution an app may use (node16, nodenext, bundler with `module`
// preserve and esnext), with exactOptionalPropertyTypes on and off, on the
// oldest TypeScript supported and the newest (types/mixes/check.ts).
import Fastify, { type FastifyError } from 'fastify'
import propelAuth, { errors, type FastifyPropelAuthOptions, type User, UserSchema } from 'fastify-propelauth'
import type { Static } from '@sinclair/typebox'
import { UserSchema as TypeBoxUserSchema } from 'fastify-propelauth/sinclair-typebox'
import { createTestAuth, type TestAuth } from 'fastify-propelauth/testing'
import propelAuthWebhooks from 'fastify-propelauth/webhooks'
import { UserSchema as ZodUserSchema } from 'fastify-propelauth/zod'
import type { z } from 'zod'
import { startStandIn } from 'fastify-propelauth-standin'
import { standInDocsLogin } from 'fastify-propelauth-standin/docs-login'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { expectType } from '../expect-type.js'

// The README's first app: settings read from the environment may be unset, and
// an optional option takes `undefined` as not given, exactOptionalPropertyTypes or not.
const options: FastifyPropelAuthOptions = {
  authUrl: process.env.PROPELAUTH_AUTH_URL ?? '',
  apiKey: process.env.PROPELAUTH_API_KEY,
  apiBaseUrl: process.env.PROPELAUTH_API_BASE_URL,
  timeout: undefined,
  cache: { max: undefined },
  tokenFrom: { cookie: 'session', crossSite: undefined, trustedOrigins: undefined },
  denyByDefault: { publicPaths: undefined, guard: undefined },
  sessions: undefined
}

const app = Fastify({ logger: true })
await app.register(propelAuth, options)

app.get('/api/whoami', { onRequest: app.auth.requireUser, schema: { response: { 200: UserSchema } } }, async (request) => {
  const user = app.auth.user(request)
  expectType(user).toBe<User>()
  // PropelAuth's access tokens always carry an email.
  expectType(user.email).toBe<string>()
  expectType(user.firstName).toBe<string | undefined>()
  return user
})

app.get('/api/org/:orgId/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => ({ org: app.auth.org(request).orgName }))

// The error classes are typed, never `any`: a catch block narrows with them.
try {
  await app.ready()
} catch (error) {
  if (error instanceof errors.InvalidOptionError) {
    expectType(error.code).toBe<'FST_PROPELAUTH_INVALID_OPTION'>()
    console.log(error.message)
  }
}
const refusal = new errors.MissingTokenError()
expectType(refusal.statusCode).toBe<401>()
expectType<FastifyError>(refusal)
// @ts-expect-error the classes are not `any`: an unknown member does not compile
refusal.notAMember()

// The other entries.
expectType<Static<typeof TypeBoxUserSchema>['email']>('ada@example.com').toBe<string>()
expectType<z.output<typeof ZodUserSchema>['email']>('ada@example.com').toBe<string>()
const testAuth: TestAuth = await createTestAuth({ authUrl: undefined, keyPair: undefined })
await testAuth.mintAccessToken({ email: undefined, orgs: [{ orgId: 'o', orgName: 'Acme', role: 'Admin', permissions: undefined }] })
await app.register(propelAuthWebhooks, {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  path: undefined,
  on: { 'user.deleted': async (event) => { expectType(event.event_type).toBe<'user.deleted'>() } },
  onOtherEvent: undefined
})
const standIn = await startStandIn({ port: undefined, seed: undefined })
const login = await standInDocsLogin({ url: standIn.authUrl, description: undefined, timeoutMs: undefined })
await app.register(swagger, { openapi: { info: { title: 'My API', version: '1.0.0' } } })
await app.register(swaggerUi, { routePrefix: '/docs', transformSpecification: login.transformSpecification })
await standIn.close()
