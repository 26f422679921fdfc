import { expect, test } from 'tstyche'
import Fastify from 'fastify'
import type { z } from 'zod'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import '../index.js'
import type { ErrorResponse, LoginMethodJson, OrgMemberInfo, OrgMemberInfoJson, User, UserJson } from '../index.js'
import { ErrorResponseSchema, LoginMethodSchema, OrgMemberInfoSchema, UserSchema } from '../lib/zod.js'

test('the Zod schemas infer the static types of the main entry\'s JSON Schemas', () => {
  expect<z.output<typeof OrgMemberInfoSchema>>().type.toBe<{
    orgId: string
    orgName: string
    urlSafeOrgName: string
    orgMetadata: Record<string, unknown>
    userAssignedRole: string
    userInheritedRolesPlusCurrentRole: readonly string[]
    userPermissions: readonly string[]
    orgRoleStructure: 'single_role_in_hierarchy' | 'multi_role'
    userAssignedAdditionalRoles: readonly string[]
    legacyOrgId?: string | undefined
  }>()
  expect<z.output<typeof OrgMemberInfoSchema>>().type.toBeAssignableTo<OrgMemberInfoJson>()
  expect<OrgMemberInfoJson>().type.toBeAssignableTo<z.output<typeof OrgMemberInfoSchema>>()
  expect<z.output<typeof LoginMethodSchema>>().type.toBeAssignableTo<LoginMethodJson>()
  expect<LoginMethodJson>().type.toBeAssignableTo<z.output<typeof LoginMethodSchema>>()
  expect<z.output<typeof ErrorResponseSchema>>().type.toBe<ErrorResponse>()
  expect<z.output<typeof UserSchema>>().type.toBeAssignableTo<UserJson>()
  expect<UserJson>().type.toBeAssignableTo<z.output<typeof UserSchema>>()
  expect<z.output<typeof UserSchema>['email']>().type.toBe<string>()
})

test('the plugin\'s own objects fit the schemas: a handler returns them as they are', () => {
  expect<OrgMemberInfo>().type.toBeAssignableTo<z.output<typeof OrgMemberInfoSchema>>()
  expect<User>().type.toBeAssignableTo<z.output<typeof UserSchema>>()
})

test('fastify-type-provider-zod types a route\'s reply by the schemas', () => {
  const app = Fastify().withTypeProvider<ZodTypeProvider>()
  app.get('/org/:orgId', {
    onRequest: app.auth.requireOrgMember(),
    schema: { response: { 200: OrgMemberInfoSchema, 403: ErrorResponseSchema } }
  }, async (request) => app.auth.org(request))
  app.get('/me', {
    onRequest: app.auth.requireUser,
    schema: { response: { 200: UserSchema, 401: ErrorResponseSchema } }
  }, async (request) => app.auth.user(request))
  expect(app.get).type.toBeCallableWith('/right', { schema: { response: { 200: UserSchema } } }, async () => ({ userId: 'u', email: 'ada@example.test', loginMethod: { loginMethod: 'password' as const } }))
  expect(app.get).type.not.toBeCallableWith('/wrong', { schema: { response: { 200: UserSchema } } }, async () => ({ userId: 42, email: 'ada@example.test', loginMethod: { loginMethod: 'password' as const } }))
  expect(app.get).type.not.toBeCallableWith('/wrong', { schema: { response: { 200: UserSchema } } }, async () => ({ userId: 'u', loginMethod: { loginMethod: 'password' as const } }))
  expect(app.get).type.not.toBeCallableWith('/wrong', { schema: { response: { 200: ErrorResponseSchema } } }, async () => ({ code: 'X' }))
})

test('the schemas are Zod objects: an app extends them', () => {
  const Me = UserSchema.pick({ userId: true, email: true }).extend({ requestId: OrgMemberInfoSchema.shape.orgId })
  expect(Me.parse({})).type.toBe<{ userId: string, email: string, requestId: string }>()
})
