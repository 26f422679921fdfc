// What the compiler sees beside @fastify/jwt: its `request.user`, and ours under the declared names.
import fastifyJwt, { type JWT } from '@fastify/jwt'
import Fastify from 'fastify'
import propelAuth, { type OrgMemberInfo, type PropelAuthDecorator, type User } from 'fastify-propelauth'
import { expectType } from '../expect-type.js'

const app = Fastify()
await app.register(fastifyJwt, { secret: 'secret' })
await app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key', requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' } })

expectType(app.auth).toBe<PropelAuthDecorator>()
expectType(app.jwt).toBe<JWT>()

app.get('/api/org/:orgId', { onRequest: app.auth.requireOrgMember() }, async (request) => {
  expectType(request.user).toBe<{ sub: string, scope: string }>()
  expectType(request.propelAuthUser).toBe<User | null>()
  expectType(request.propelAuthOrg).toBe<OrgMemberInfo | null>()
  expectType(app.auth.user(request)).toBe<User>()
  expectType(app.auth.org(request)).toBe<OrgMemberInfo>()
  // @ts-expect-error `org` was renamed: no request.org is typed
  expectType(request.org)
})

// The declared names are required, with those values.
// @ts-expect-error Property 'requestDecorators' is missing
await Fastify().register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })
// @ts-expect-error Type '"user"' is not assignable to type '"propelAuthUser"'
await Fastify().register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key', requestDecorators: { user: 'user', org: 'propelAuthOrg' } })
// @ts-expect-error Property 'org' is missing
await Fastify().register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key', requestDecorators: { user: 'propelAuthUser' } })
