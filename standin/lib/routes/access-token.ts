import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, sendFieldErrors } from '../http.js'

/** Longest token PropelAuth issues through the API: a year. */
const MAX_DURATION_MINUTES = 525_600

/** `POST /api/backend/v1/access_token`: a token for a stored user, reflecting the state now. */
export function accessTokenRoutes (app: FastifyInstance, context: StandInContext): void {
  app.post('/api/backend/v1/access_token', async (request, reply) => {
    if (!context.features.accessTokenCreation) {
      return await reply.code(404).send({ user_facing_error: 'Access token creation is not enabled' })
    }
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    const duration = fields.number('duration_in_minutes', { required: true, min: 1 / 60, max: MAX_DURATION_MINUTES })
    const activeOrgId = fields.string('active_org_id')
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)

    const user = context.state.users.get(userId!)
    // PropelAuth answers 403 for an unknown user here; the Node library maps it to UserNotFoundException.
    if (user === undefined) return await reply.code(403).send({ user_id: ['User not found'] })
    if (activeOrgId !== undefined && context.state.orgs.get(activeOrgId)?.members.has(user.userId) !== true) {
      return await sendFieldErrors(reply, { active_org_id: ['User is not a member of this org'] })
    }
    const accessToken = await context.mint({
      ...context.state.tokenOptionsFor(user, activeOrgId, context.features.orgs),
      expiresIn: Math.round(duration! * 60)
    })
    return { access_token: accessToken }
  })
}
