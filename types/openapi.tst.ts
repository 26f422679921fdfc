import { expect, test } from 'tstyche'
import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import propelAuth, { propelAuthSecurityScheme } from '../index.js'

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

test('the security scheme is typed as a bearer scheme', () => {
  expect(propelAuthSecurityScheme.scheme).type.toBe<'bearer'>()
})
