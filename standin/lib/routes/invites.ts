import type { FastifyInstance, FastifyReply } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, OK, sendFieldErrors, sendNotFound } from '../http.js'
import { checkRoleAssignment, joinProblem } from '../roles.js'
import { INVITE_LIFETIME_SECONDS } from '../state.js'
import { paged, pendingInvite } from '../wire.js'
import { inviteToOrg } from '../changes/memberships.js'

/**
 * Invitations to orgs, by email or by user id; listing and revoking the
 * pending ones. Sent invitations land in `state.outbox`; inviting again
 * replaces the pending invitation. Adding the user to the org (addUserToOrg)
 * fulfils it.
 */
export function inviteRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  const invite = async (reply: FastifyReply, fields: Fields, email: string | undefined, emailField: string): Promise<FastifyReply | typeof OK> => {
    const orgId = fields.string('org_id', { required: true })
    const role = fields.string('role', { required: true })
    const additionalRoles = fields.stringArray('additional_roles') ?? []
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const org = state.orgs.get(orgId!)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    checkRoleAssignment(state, org, fields, role, additionalRoles)
    const existing = state.findUserByEmail(email!)
    if (existing !== undefined && org.members.has(existing.userId)) fields.fail(emailField, 'This user is already a member of the org')
    const others = state.pendingInvites().filter((pending) => pending.orgId === org.orgId && pending.inviteeEmail.toLowerCase() !== email!.toLowerCase()).length
    const problem = joinProblem(org, email!, others)
    if (fields.ok && problem !== undefined) fields.fail(emailField, problem)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)

    const now = state.nowSeconds()
    const invitation = { inviteeEmail: email!, orgId: org.orgId, role: role!, additionalRoles, createdAt: now, expiresAt: now + INVITE_LIFETIME_SECONDS }
    inviteToOrg(state, invitation, `${context.authUrl}/invitation?org_id=${org.orgId}`)
    return OK
  }

  app.post('/api/backend/v1/invite_user', async (request, reply) => {
    const fields = Fields.body(request)
    const email = fields.email('email', { required: true })
    return await invite(reply, fields, email, 'email')
  })

  app.post('/api/backend/v1/invite_user_by_id', async (request, reply) => {
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const user = state.users.get(userId!)
    if (user === undefined) return await sendNotFound(reply, 'User')
    return await invite(reply, fields, user.email, 'user_id')
  })

  app.get('/api/backend/v1/pending_org_invites', async (request, reply) => {
    const query = Fields.query(request)
    const page = query.page()
    const orgId = query.string('org_id')
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    const invites = state.pendingInvites()
      .filter((pending) => orgId === undefined || pending.orgId === orgId)
      .sort((a, b) => a.createdAt - b.createdAt || a.inviteeEmail.localeCompare(b.inviteeEmail))
      .map((pending) => pendingInvite(state, pending))
    return paged(invites, page, 'invites', 'total_invites')
  })

  // PropelAuth takes a JSON body on this DELETE.
  app.delete('/api/backend/v1/pending_org_invites', async (request, reply) => {
    const fields = Fields.body(request)
    const email = fields.string('invitee_email', { required: true })
    const orgId = fields.string('org_id', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const removed = state.removeInvites((pending) => pending.orgId === orgId && pending.inviteeEmail.toLowerCase() === email!.toLowerCase())
    if (removed === 0) return await sendNotFound(reply, 'Invitation')
    return OK
  })
}
