import { test } from 'tap'
import Fastify from 'fastify'
import { TypeBoxValidatorCompiler as TypeBox1ValidatorCompiler } from '@fastify/type-provider-typebox-6'
import { KindGuard } from '@sinclair/typebox'
import Type from 'typebox'
import propelAuth, { ErrorResponseSchema, LoginMethodSchema, OrgMemberInfoSchema, UserSchema } from '../index.js'
import * as sinclair from '../lib/sinclair-typebox.js'
import { createTestAuth } from '../lib/testing/index.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

const schemas = { UserSchema, OrgMemberInfoSchema, LoginMethodSchema, ErrorResponseSchema }

test('fastify-propelauth/sinclair-typebox exports the main entry\'s very objects', async (t) => {
  for (const [name, schema] of Object.entries(schemas)) {
    t.equal(sinclair[name as keyof typeof schemas], schema, name)
  }
})

test('the schemas are plain JSON Schema: the TypeBox marks are not in their JSON', async (t) => {
  for (const [name, schema] of Object.entries(schemas)) {
    const json = JSON.parse(JSON.stringify(schema))
    t.same(Object.keys(json), Object.keys(schema), `${name}: every enumerable key is JSON`)
    t.notOk('~unsafe' in json, `${name}: no TypeBox 1 mark in the JSON`)
    t.equal(Object.getOwnPropertySymbols(json).length, 0, `${name}: no symbol survives JSON`)
    t.equal(json.type, 'object')
  }
})

test('both TypeBox versions recognise the schemas as their Unsafe type, as the types say', async (t) => {
  for (const [name, schema] of Object.entries(schemas)) {
    t.ok(Type.IsUnsafe(schema), `${name}: TypeBox 1`)
    t.ok(KindGuard.IsUnsafe(schema), `${name}: TypeBox 0.34`)
  }
})

test('a TypeBox 1 validator compiler validates a body against UserSchema', async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const app = Fastify()
  t.teardown(() => app.close())
  app.setValidatorCompiler(TypeBox1ValidatorCompiler)
  await app.register(propelAuth, testAuth.pluginOptions)
  app.post('/users', { schema: { body: UserSchema, response: { 200: UserSchema } } }, async (request) => request.body)
  app.get('/me', { onRequest: app.auth.requireUser, schema: { response: { 200: UserSchema } } }, async (request) => request.user)

  const token = await testAuth.mintAccessToken({ userId: 'u-1', email: 'ada@example.test', orgs: [{ orgId: 'o-1', orgName: 'Acme', role: 'Admin' }] })
  const me = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })
  t.equal(me.statusCode, 200)
  const user: Record<string, unknown> = me.json()
  const echoed = await app.inject({ method: 'POST', url: '/users', payload: user })
  t.equal(echoed.statusCode, 200, 'what the plugin serializes is valid against its own schema')
  t.same(echoed.json(), user)

  const wrong = await app.inject({ method: 'POST', url: '/users', payload: { ...user, userId: 42 } })
  t.equal(wrong.statusCode, 400, 'a user id that is not a string is refused')
  const unknownMethod = await app.inject({ method: 'POST', url: '/users', payload: { userId: 'u-2', loginMethod: { loginMethod: 'carrier_pigeon' } } })
  t.equal(unknownMethod.statusCode, 400, 'a login method outside the list is refused')
})
