import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'

/** `POST /api/backend/v1/access_token`: a token for a stored user, reflecting the state now. */
export function accessTokenRoutes (app: FastifyInstance, context: StandInContext): void {
  app.post('/api/backend/v1/access_token', async (request, reply) => {
    const body = (request.body ?? {}) as { user_id?: unknown, duration_in_minutes?: unknown, active_org_id?: unknown }
    const fieldErrors: Record<string, string[]> = {}
    if (typeof body.user_id !== 'string') fieldErrors.user_id = ['user_id is required']
    if (typeof body.duration_in_minutes !== 'number' || !(body.duration_in_minutes > 0)) {
      fieldErrors.duration_in_minutes = ['duration_in_minutes must be a positive number']
    }
    if (body.active_org_id !== undefined && body.active_org_id !== null && typeof body.active_org_id !== 'string') {
      fieldErrors.active_org_id = ['active_org_id must be a string']
    }
    if (Object.keys(fieldErrors).length > 0) return await reply.code(400).send(fieldErrors)
    const user = context.state.users.get(body.user_id as string)
    // PropelAuth answers 403 for an unknown user here; the Node library maps it to UserNotFoundException.
    if (user === undefined) return await reply.code(403).send({ user_id: ['User not found'] })
    const activeOrgId = typeof body.active_org_id === 'string' ? body.active_org_id : undefined
    if (activeOrgId !== undefined && context.state.orgs.get(activeOrgId)?.members.has(user.userId) !== true) {
      return await reply.code(400).send({ active_org_id: ['User is not a member of this org'] })
    }
    const accessToken = await context.mint({
      ...context.state.tokenOptionsFor(user, activeOrgId),
      expiresIn: Math.round((body.duration_in_minutes as number) * 60)
    })
    return { access_token: accessToken }
  })
}
