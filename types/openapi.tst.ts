import { expect, test } from 'tstyche'
import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import propelAuth, {
  ErrorResponseSchema,
  OrgMemberInfoSchema,
  UserSchema,
  propelAuthSecurityScheme,
  type ErrorResponse,
  type UserJson
} from '../index.js'

test('protect takes any encapsulated scope, whatever its type provider', () => {
  const app = Fastify()
  app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })
  app.register(async (scope) => {
    expect(app.auth.protect(scope, app.auth.requireUser)).type.toBe<void>()
    app.auth.protect(scope, app.auth.requireOrgMemberWithMinimumRole('Admin'), { hook: 'preHandler' })
    expect(app.auth.protect).type.not.toBeCallableWith(scope, app.auth.requireUser, { hook: 'onSend' })
    expect(app.auth.protect).type.not.toBeCallableWith(scope, 'requireUser')
  })
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  typed.register(async (scope) => {
    app.auth.protect(scope, app.auth.requireUser)
  })
})

test('the exported schemas type a TypeBox route that returns request.user, request.org and errors', () => {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
  app.get('/me', {
    onRequest: app.auth.requireUser,
    schema: { response: { 200: UserSchema, 401: ErrorResponseSchema } }
  }, async (request) => request.user!)
  app.get('/org/:orgId', {
    onRequest: app.auth.requireOrgMember(),
    schema: { response: { 200: OrgMemberInfoSchema } }
  }, async (request) => request.org!)
  expect<ErrorResponse>().type.toBe<{ statusCode: number, code: string, error: string, message: string }>()
  expect<UserJson['userId']>().type.toBe<string>()
  expect<UserJson['orgIdToOrgMemberInfo']>().type.not.toBe<undefined>()
  expect(propelAuthSecurityScheme.scheme).type.toBe<'bearer'>()
})
