import { expect, test } from 'tstyche'
import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TypeBoxTypeProvider as TypeBox1TypeProvider } from '@fastify/type-provider-typebox-6'
import type { Static as SinclairStatic } from '@sinclair/typebox'
import { Type, type Static } from 'typebox'
import '../index.js'
import {
  ErrorResponseSchema,
  LoginMethodSchema,
  OrgMemberInfoSchema,
  UserSchema,
  type ErrorResponse,
  type LoginMethodJson,
  type OrgMemberInfoJson,
  type UserJson
} from '../index.js'
import * as sinclair from '../lib/sinclair-typebox.js'

test('the schema types describe what the plugin serializes', () => {
  expect<ErrorResponse>().type.toBe<{ statusCode: number, code: string, error: string, message: string }>()
  expect<UserJson['userId']>().type.toBe<string>()
  expect<UserJson['orgIdToOrgMemberInfo']>().type.toBe<Record<string, OrgMemberInfoJson> | undefined>()
  expect<OrgMemberInfoJson['userPermissions']>().type.toBe<readonly string[]>()
  expect<LoginMethodJson['loginMethod']>().type.toBe<'password' | 'magic_link' | 'social_sso' | 'email_confirmation_link' | 'saml_sso' | 'impersonation' | 'generated_from_backend_api' | 'unknown'>()
  expect(ErrorResponseSchema.required).type.toBe<ReadonlyArray<'statusCode' | 'code' | 'error' | 'message'>>()
})

test('TypeBox 1 (type provider 6) infers the main entry\'s schemas', () => {
  expect<Static<typeof UserSchema>>().type.toBe<UserJson>()
  expect<Static<typeof OrgMemberInfoSchema>>().type.toBe<OrgMemberInfoJson>()
  expect<Static<typeof LoginMethodSchema>>().type.toBe<LoginMethodJson>()
  expect<Static<typeof ErrorResponseSchema>>().type.toBe<ErrorResponse>()
  // Nested in the app's own TypeBox 1 schemas.
  const Me = Type.Object({ user: UserSchema, requestId: Type.String() })
  expect<Static<typeof Me>>().type.toBe<{ user: UserJson, requestId: string }>()
  expect(Me.properties.user).type.toBe(UserSchema)
})

test('type provider 6 checks a route\'s reply against the main entry\'s schemas', () => {
  const app = Fastify().withTypeProvider<TypeBox1TypeProvider>()
  app.get('/me', {
    onRequest: app.auth.requireUser,
    schema: { response: { 200: UserSchema, 401: ErrorResponseSchema } }
  }, async (request) => request.user!)
  app.get('/org/:orgId', {
    onRequest: app.auth.requireOrgMember(),
    schema: { response: { 200: OrgMemberInfoSchema } }
  }, async (request) => request.org!)
  expect(app.get).type.not.toBeCallableWith('/wrong', { schema: { response: { 200: UserSchema } } }, async () => ({ userId: 42 }))
  expect(app.get).type.not.toBeCallableWith('/wrong', { schema: { response: { 200: ErrorResponseSchema } } }, async () => ({ code: 'X' }))
  expect(app.get).type.toBeCallableWith('/right', { schema: { response: { 200: ErrorResponseSchema } } }, async () => ({ statusCode: 401, code: 'X', error: 'Unauthorized', message: 'no' }))
})

test('TypeBox 0.34 (type provider 5) infers the schemas of fastify-propelauth/sinclair-typebox', () => {
  expect<SinclairStatic<typeof sinclair.UserSchema>>().type.toBe<UserJson>()
  expect<SinclairStatic<typeof sinclair.OrgMemberInfoSchema>>().type.toBe<OrgMemberInfoJson>()
  expect<SinclairStatic<typeof sinclair.LoginMethodSchema>>().type.toBe<LoginMethodJson>()
  expect<SinclairStatic<typeof sinclair.ErrorResponseSchema>>().type.toBe<ErrorResponse>()
})

test('type provider 5 checks a route\'s reply against the schemas of fastify-propelauth/sinclair-typebox', () => {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
  app.get('/me', {
    onRequest: app.auth.requireUser,
    schema: { response: { 200: sinclair.UserSchema, 401: sinclair.ErrorResponseSchema } }
  }, async (request) => request.user!)
  app.get('/org/:orgId', {
    onRequest: app.auth.requireOrgMember(),
    schema: { response: { 200: sinclair.OrgMemberInfoSchema } }
  }, async (request) => request.org!)
  expect(app.get).type.not.toBeCallableWith('/wrong', { schema: { response: { 200: sinclair.UserSchema } } }, async () => ({ userId: 42 }))
  expect(app.get).type.toBeCallableWith('/right', { schema: { response: { 200: sinclair.UserSchema } } }, async () => ({ userId: 'u', email: 'ada@example.com', loginMethod: { loginMethod: 'password' as const } }))
})

test('the two typings are of the same objects', () => {
  expect(sinclair.UserSchema.properties).type.toBe(UserSchema.properties)
})
