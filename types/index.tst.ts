import { expect, test } from 'tstyche'
import Fastify from 'fastify'
import propelAuth, { type User, type OrgMemberInfo, type PropelAuthHook } from '../index.js'

test('registering the plugin types app.auth and request.user without casts', () => {
  const app = Fastify()
  app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })
  expect(app.auth.requireUser).type.toBe<PropelAuthHook>()
  expect(app.auth.requireOrgMemberWithMinimumRole('Admin')).type.toBe<PropelAuthHook>()
  app.get('/', { onRequest: app.auth.requireUser }, async (request) => {
    expect(request.user).type.toBe<User | null>()
    expect(request.org).type.toBe<OrgMemberInfo | null>()
    return request.user?.userId
  })
})

test('options are checked by the compiler', () => {
  const app = Fastify()
  expect(app.register).type.not.toBeCallableWith(propelAuth, { apiKey: 'key' })
  expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', cache: { max: 'many' } })
})
