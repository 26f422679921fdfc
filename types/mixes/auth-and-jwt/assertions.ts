// Beside both: each plugin's names keep their own types.
import fastifyAuth from '@fastify/auth'
import fastifyJwt from '@fastify/jwt'
import Fastify, { type preHandlerHookHandler } from 'fastify'
import propelAuth, { type OrgMemberInfo, type PropelAuthDecorator, type User } from 'fastify-propelauth'
import { expectType } from '../expect-type.js'

const app = Fastify()
await app.register(fastifyAuth)
await app.register(fastifyJwt, { secret: 'secret' })
await app.register(propelAuth, {
  authUrl: 'https://auth.example.com',
  apiKey: 'key',
  decorator: 'propelAuth',
  requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' }
})

expectType(app.propelAuth).toBe<PropelAuthDecorator>()
expectType(app.auth([app.propelAuth.requireUser])).toBe<preHandlerHookHandler>()

app.get('/api/org/:orgId', { onRequest: app.propelAuth.requireOrgMember() }, async (request) => {
  expectType(request.user).toBe<{ sub: string }>()
  expectType(request.propelAuthUser).toBe<User | null>()
  expectType(request.propelAuthOrg).toBe<OrgMemberInfo | null>()
  expectType(app.propelAuth.user(request)).toBe<User>()
  expectType(app.propelAuth.org(request)).toBe<OrgMemberInfo>()
})

// @ts-expect-error Property 'requestDecorators' is missing
await Fastify().register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key', decorator: 'propelAuth' })
