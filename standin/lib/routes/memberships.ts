import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, OK, sendFieldErrors, sendNotFound } from '../http.js'
import { checkRoleAssignment, joinProblem } from '../roles.js'
import { paged, userMetadata } from '../wire.js'
import { addMember, changeRole, removeMember } from '../changes/memberships.js'

/**
 * Who is in an org and with which roles: list members, add, change role,
 * remove. Changes show up in the next token minted for the user.
 */
export function membershipRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.get<{ Params: { orgId: string } }>('/api/backend/v1/user/org/:orgId', async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    const query = Fields.query(request)
    const page = query.page()
    const includeOrgs = query.boolean('include_orgs') ?? false
    const role = query.string('role')
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    const members = [...org.members.entries()]
      .filter(([, membership]) => role === undefined || membership.role === role || membership.additionalRoles.includes(role))
      .flatMap(([userId, membership]) => {
        const user = state.users.get(userId)
        return user === undefined ? [] : [{ user, membership }]
      })
      .sort((a, b) => a.membership.joinedAt - b.membership.joinedAt || a.user.email.localeCompare(b.user.email))
      .map(({ user, membership }) => ({
        ...userMetadata(state, user, includeOrgs),
        role_in_org: membership.role,
        additional_roles_in_org: membership.additionalRoles
      }))
    return paged(members, page, 'users', 'total_users')
  })

  /** Reads user_id, org_id, role and additional_roles, the body of add_user and change_role. */
  const readAssignment = (fields: Fields) => ({
    userId: fields.string('user_id', { required: true }),
    orgId: fields.string('org_id', { required: true }),
    role: fields.string('role', { required: true }),
    additionalRoles: fields.stringArray('additional_roles') ?? []
  })

  app.post('/api/backend/v1/org/add_user', async (request, reply) => {
    const fields = Fields.body(request)
    const { userId, orgId, role, additionalRoles } = readAssignment(fields)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const org = state.orgs.get(orgId!)
    const user = state.users.get(userId!)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    if (user === undefined) return await sendNotFound(reply, 'User')
    checkRoleAssignment(state, org, fields, role, additionalRoles)
    if (org.members.has(user.userId)) fields.fail('user_id', 'The user is already a member of this org')
    const problem = joinProblem(org, user.email)
    if (fields.ok && problem !== undefined) fields.fail('user_id', problem)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    // A pending invitation to this org is fulfilled.
    addMember(state, org, user, role!, additionalRoles)
    return OK
  })

  app.post('/api/backend/v1/org/change_role', async (request, reply) => {
    const fields = Fields.body(request)
    const { userId, orgId, role, additionalRoles } = readAssignment(fields)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const org = state.orgs.get(orgId!)
    const membership = org?.members.get(userId!)
    if (org === undefined || membership === undefined) return await sendNotFound(reply, org === undefined ? 'Org' : 'Membership')
    checkRoleAssignment(state, org, fields, role, additionalRoles)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    changeRole(state, org, userId!, membership, role!, additionalRoles)
    return OK
  })

  app.post('/api/backend/v1/org/remove_user', async (request, reply) => {
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    const orgId = fields.string('org_id', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const org = state.orgs.get(orgId!)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    if (!removeMember(state, org, userId!)) return await sendNotFound(reply, 'Membership')
    return OK
  })
}
