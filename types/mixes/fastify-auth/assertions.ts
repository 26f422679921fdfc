// What the compiler sees beside @fastify/auth: its `app.auth`, and ours under the declared name.
import fastifyAuth from '@fastify/auth'
import Fastify, { type preHandlerHookHandler } from 'fastify'
import propelAuth, { type OrgMemberInfo, type PropelAuthDecorator, type User } from 'fastify-propelauth'
import { expectType } from '../expect-type.js'
import { partnerKey } from './app.js'

const app = Fastify()
await app.register(fastifyAuth)
await app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key', decorator: 'propelAuth' })

expectType(app.propelAuth).toBe<PropelAuthDecorator>()
expectType(app.auth([app.propelAuth.requireUser, partnerKey('k')])).toBe<preHandlerHookHandler>()
expectType(app.auth([[app.propelAuth.optionalUser, app.propelAuth.requireOrgMember()]], { relation: 'or' })).toBe<preHandlerHookHandler>()
// @ts-expect-error `auth` is @fastify/auth's: a function, not this plugin's decorator
expectType(app.auth.requireUser)

app.get('/api/whoami', { onRequest: app.propelAuth.requireUser }, async (request) => {
  expectType(request.user).toBe<User | null>()
  expectType(request.org).toBe<OrgMemberInfo | null>()
  expectType(app.propelAuth.user(request)).toBe<User>()
  expectType(app.propelAuth.org(request)).toBe<OrgMemberInfo>()
})

// The declared name is required, with that value: the types and the runtime cannot disagree.
// @ts-expect-error Property 'decorator' is missing
await Fastify().register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })
// @ts-expect-error Type '"auth"' is not assignable to type '"propelAuth"'
await Fastify().register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key', decorator: 'auth' })
