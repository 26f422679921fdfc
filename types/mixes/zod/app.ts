// The plugin in an app on fastify-type-provider-zod 7 and Zod 4, importing its
// schemas from `fastify-propelauth/zod`: the reply of each route is typed by them.
import Fastify from 'fastify'
import { z } from 'zod'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import propelAuth, { type ErrorResponse, type OrgMemberInfoJson } from 'fastify-propelauth'
import { ErrorResponseSchema, OrgMemberInfoSchema, UserSchema } from 'fastify-propelauth/zod'
import { expectType } from '../expect-type.js'

const app = Fastify().withTypeProvider<ZodTypeProvider>()
app.setValidatorCompiler(validatorCompiler)
app.setSerializerCompiler(serializerCompiler)
await app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })

app.get('/api/org/:orgId', {
  onRequest: app.auth.requireOrgMember(),
  schema: { params: z.object({ orgId: z.string() }), response: { 200: OrgMemberInfoSchema, 403: ErrorResponseSchema } }
}, async (request) => {
  expectType(request.params).toBe<{ orgId: string }>()
  return app.auth.org(request)
})

app.get('/api/me', {
  onRequest: app.auth.requireUser,
  schema: { response: { 200: UserSchema, 401: ErrorResponseSchema } }
}, async (request) => app.auth.user(request))

app.post('/api/users', { schema: { body: UserSchema, response: { 200: UserSchema } } }, async (request) => {
  expectType(request.body.email).toBe<string>()
  expectType(request.body.loginMethod.loginMethod).toBe<'password' | 'magic_link' | 'social_sso' | 'email_confirmation_link' | 'saml_sso' | 'impersonation' | 'generated_from_backend_api' | 'unknown'>()
  return request.body
})

expectType<z.output<typeof ErrorResponseSchema>>({ statusCode: 401, code: 'X', error: 'Unauthorized', message: 'no' }).toBe<ErrorResponse>()
const org: OrgMemberInfoJson = OrgMemberInfoSchema.parse({})
// @ts-expect-error the reply must have the schema's fields
app.get('/api/wrong', { schema: { response: { 200: UserSchema } } }, async () => ({ userId: 42 }))
export { org }
