// The plugin alone, with its default names: `app.auth`, `request.user`, `request.org`.
import Fastify from 'fastify'
import propelAuth, { type OrgMemberInfo, type PropelAuthDecorator, type PropelAuthPermissionName, type PropelAuthRoleName, type User } from 'fastify-propelauth'
import { expectType } from '../expect-type.js'

const app = Fastify()
await app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })

expectType(app.auth).toBe<PropelAuthDecorator>()
// @ts-expect-error no other name is typed
expectType(app.propelAuth)

app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => {
  expectType(request.user).toBe<User | null>()
  expectType(request.org).toBe<OrgMemberInfo | null>()
  expectType(app.auth.user(request)).toBe<User>()
  return { userId: app.auth.user(request).userId }
})

app.get('/api/org/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => {
  expectType(app.auth.org(request)).toBe<OrgMemberInfo>()
  return { org: app.auth.org(request).orgName }
})

// Without a declaration, role and permission names are any string.
expectType<PropelAuthRoleName>('any role').toBe<string>()
expectType<PropelAuthPermissionName>('any permission').toBe<string>()
app.auth.requireOrgMemberWithMinimumRole('a role of another project')

// Undeclared names stay free strings, as before PropelAuthTypes existed.
await Fastify().register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key', decorator: 'propelAuth', requestDecorators: { user: 'propelAuthUser' } })
