import { test } from 'tap'
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import SwaggerParser from '@apidevtools/swagger-parser'
import { z } from 'zod'
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import propelAuth, * as main from '../index.js'
import * as zod from '../lib/zod.js'
import { createTestAuth } from '../lib/testing/index.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// fastify-propelauth/zod against fastify-type-provider-zod 7, whose serializer
// and validator take Zod schemas only: the main entry's JSON Schemas fail there
// at `ready`, these serialize what the plugin hands a route.

type Json = Record<string, any>

const NAMES = ['UserSchema', 'OrgMemberInfoSchema', 'LoginMethodSchema', 'ErrorResponseSchema'] as const
const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const info = { title: 'zod test', version: '1.0.0' }

/**
 * What a JSON Schema says of each field, as both sides write it: Zod nests a
 * record's values under `additionalProperties`, the main entry under
 * `patternProperties`; bounds Zod adds to an integer are left out.
 */
function shapeOf (schema: Json): Json {
  const values = schema.patternProperties?.['^(.*)$'] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)
  return {
    type: schema.type,
    title: schema.title,
    description: schema.description,
    enum: schema.enum,
    required: schema.required === undefined ? undefined : [...schema.required].sort(),
    items: schema.items === undefined ? undefined : shapeOf(schema.items),
    values: values === undefined ? undefined : shapeOf(values),
    properties: schema.properties === undefined ? undefined : Object.fromEntries(Object.entries(schema.properties as Json).map(([name, field]) => [name, shapeOf(field)]))
  }
}

test('the Zod schemas have the JSON Schemas\' names and fields, field for field', async (t) => {
  t.same(Object.keys(zod).sort(), [...NAMES].sort(), 'the subpath exports the main entry\'s schema names, and nothing else')
  for (const name of NAMES) {
    const fromZod = shapeOf(z.toJSONSchema(zod[name], { io: 'output' }))
    t.same(fromZod, shapeOf(structuredClone(main[name])), name)
  }
})

test('with fastify-type-provider-zod, the schemas serialize and validate what the plugin hands a route', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/me', {
    onRequest: app.auth.requireUser,
    schema: { response: { 200: zod.UserSchema, 401: zod.ErrorResponseSchema } }
  }, async (request) => request.user)
  app.get('/org/:orgId', {
    onRequest: app.auth.requireOrgMember(),
    schema: { response: { 200: zod.OrgMemberInfoSchema, 403: zod.ErrorResponseSchema } }
  }, async (request) => request.org)
  app.post('/users', { schema: { body: zod.UserSchema, response: { 200: zod.UserSchema } } }, async (request) => request.body)

  const token = await testAuth.mintAccessToken({
    userId: 'u-1',
    email: 'ada@example.test',
    properties: { plan: 'pro' },
    loginMethod: { login_method: 'social_sso', provider: 'github' },
    orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Admin', metadata: { tier: 2 } }]
  })
  const authorization = `Bearer ${token}`
  const me = await app.inject({ url: '/me', headers: { authorization } })
  t.equal(me.statusCode, 200)
  const user: Json = me.json()
  t.same(user, JSON.parse(JSON.stringify(await app.auth.validateAccessTokenAndGetUser(authorization))), 'every field the plugin serializes by itself, none dropped')
  t.match(user, { userId: 'u-1', email: 'ada@example.test', properties: { plan: 'pro' }, loginMethod: { loginMethod: 'social_sso', provider: 'github' } })
  t.match(user.orgIdToOrgMemberInfo[ORG], { orgName: 'Acme', userAssignedRole: 'Admin', orgMetadata: { tier: 2 } })

  const org = await app.inject({ url: `/org/${ORG}`, headers: { authorization } })
  t.equal(org.statusCode, 200)
  t.same(org.json(), user.orgIdToOrgMemberInfo[ORG], 'request.org serializes as the user\'s membership does')

  const refused = await app.inject({ url: '/me' })
  t.equal(refused.statusCode, 401, 'the guard\'s 401 goes through the route\'s Zod 401 schema')
  t.same(Object.keys(refused.json()).sort(), ['code', 'error', 'message', 'statusCode'])
  const forbidden = await app.inject({ url: '/org/someone-elses', headers: { authorization } })
  t.equal(forbidden.statusCode, 403)
  t.equal(forbidden.json().code, 'FST_PROPELAUTH_NOT_ORG_MEMBER')

  const echoed = await app.inject({ method: 'POST', url: '/users', payload: user })
  t.equal(echoed.statusCode, 200, 'what the plugin serializes is valid against its own schema')
  t.same(echoed.json(), user)
  const wrong = await app.inject({ method: 'POST', url: '/users', payload: { ...user, orgIdToOrgMemberInfo: { [ORG]: { orgId: ORG } } } })
  t.equal(wrong.statusCode, 400, 'a membership missing its fields is refused')
  const noEmail = await app.inject({ method: 'POST', url: '/users', payload: { userId: 'u-2', loginMethod: { loginMethod: 'password' } } })
  t.equal(noEmail.statusCode, 400, 'a user without an email is refused')
})

test('the main entry\'s JSON Schemas are refused by the Zod serializer at ready, as users met it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.setSerializerCompiler(serializerCompiler)
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/me', { onRequest: app.auth.requireUser, schema: { response: { 200: main.UserSchema } } }, async (request) => request.user)
  await t.rejects(async () => { await app.ready() }, /Invalid schema passed/)
})

test('the document shows the Zod schemas\' fields beside the plugin\'s security and 401/403', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(swagger, { openapi: { info }, transform: jsonSchemaTransform, transformObject: jsonSchemaTransformObject })
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/me', { onRequest: app.auth.requireUser, schema: { response: { 200: zod.UserSchema } } }, async (request) => request.user)
  app.get('/org/:orgId', {
    onRequest: app.auth.requireOrgMember(),
    schema: { params: z.object({ orgId: z.string() }), response: { 200: zod.OrgMemberInfoSchema } }
  }, async (request) => request.org)
  await app.ready()
  const doc = app.swagger() as Json
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as any), 'a valid OpenAPI document')

  const me = doc.paths['/me'].get
  const user = me.responses['200'].content['application/json'].schema
  t.same(Object.keys(user.properties), Object.keys(main.UserSchema.properties), 'the user object\'s properties, in the JSON Schema\'s order')
  t.same(user.required, ['userId', 'email', 'loginMethod'])
  t.equal(user.properties.orgIdToOrgMemberInfo.additionalProperties.properties.userPermissions.type, 'array')
  t.same(me.security, [{ propelauth: [] }])
  t.same(Object.keys(me.responses).sort(), ['200', '401'])
  t.equal(me.responses['401'].content['application/json'].example.code, 'FST_PROPELAUTH_MISSING_TOKEN')

  const org = doc.paths['/org/{orgId}'].get
  t.same(Object.keys(org.responses).sort(), ['200', '401', '403'])
  t.equal(org.responses['200'].content['application/json'].schema.title, 'OrgMemberInfo')
  t.same(org.parameters.map((parameter: Json) => parameter.name), ['orgId'])
  t.ok(doc.components.securitySchemes.propelauth, 'the scheme beside the components jsonSchemaTransformObject keeps')
})
