// An app that declares its roles and permissions in PropelAuthTypes: the guards
// and the role checks of `User` and `OrgMemberInfo` then take only those names,
// so a miscased role fails to compile instead of refusing every request.
import Fastify from 'fastify'
import propelAuth, { type PropelAuthPermissionName, type PropelAuthRoleName } from 'fastify-propelauth'
import { expectType } from '../expect-type.js'

declare module 'fastify-propelauth' {
  interface PropelAuthTypes {
    roles: 'Owner' | 'Admin' | 'Member'
    permissions: 'can_invite' | 'can_view_billing'
  }
}

expectType<PropelAuthRoleName>('Admin').toBe<'Owner' | 'Admin' | 'Member'>()
expectType<PropelAuthPermissionName>('can_invite').toBe<'can_invite' | 'can_view_billing'>()

const app = Fastify()
await app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })

app.get('/a/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async () => 'ok')
// @ts-expect-error role names are exact: 'admin' is not 'Admin'
app.get('/b/:orgId', { onRequest: app.auth.requireOrgMemberWithMinimumRole('admin') }, async () => 'ok')
// @ts-expect-error not a declared role
app.auth.requireOrgMemberWithExactRole('Superuser')
app.auth.requireOrgMemberWithPermission('can_invite')
// @ts-expect-error not a declared permission
app.auth.requireOrgMemberWithPermission('can_fly')
app.auth.requireOrgMemberWithAllPermissions(['can_invite', 'can_view_billing'])
// @ts-expect-error not a declared permission
app.auth.requireOrgMemberWithAllPermissions(['can_invite', 'can_fly'])
// The session guards, and the guards of another source, take the same names.
// @ts-expect-error not a declared role
app.auth.from({ cookie: '__pa_at' }).requireOrgMemberWithMinimumRole('Root')

app.get('/c/:orgId', { onRequest: app.auth.requireOrgMember() }, async (request) => {
  const org = app.auth.org(request)
  const user = app.auth.user(request)
  // @ts-expect-error not a declared role
  org.isAtLeastRole('owner')
  // @ts-expect-error not a declared permission
  user.hasPermission(org.orgId, 'can_fly')
  return { owner: org.isAtLeastRole('Owner'), invite: user.hasPermission(org.orgId, 'can_invite'), exact: org.isRole('Member') }
})
