import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, sendFieldErrors, sendNotFound } from '../http.js'

/** SCIM groups of an org, as its identity provider synced them (seeded with the org's `scimGroups`). */
export function scimRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.get<{ Params: { orgId: string } }>('/api/backend/v1/scim/:orgId/groups', async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Organization')
    const query = Fields.query(request)
    const page = query.page()
    const userId = query.string('user_id')
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    const groups = [...org.scimGroups.values()]
      .filter((group) => userId === undefined || group.memberIds.includes(userId))
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
    const start = page.pageNumber * page.pageSize
    return {
      groups: groups.slice(start, start + page.pageSize).map((group) => ({
        group_id: group.groupId,
        display_name: group.displayName,
        external_id_from_idp: group.externalId
      })),
      page_number: page.pageNumber,
      page_size: page.pageSize,
      total_groups: groups.length
    }
  })

  app.get<{ Params: { orgId: string, groupId: string } }>('/api/backend/v1/scim/:orgId/groups/:groupId', async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Organization')
    const group = org.scimGroups.get(request.params.groupId)
    if (group === undefined) return await sendNotFound(reply, 'SCIM group')
    const query = Fields.query(request)
    const page = query.page({ size: 'members_page_size', number: 'members_page_number' })
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    const start = page.pageNumber * page.pageSize
    return {
      group_id: group.groupId,
      display_name: group.displayName,
      external_id_from_idp: group.externalId,
      members: group.memberIds.slice(start, start + page.pageSize).map((userId) => ({ user_id: userId }))
    }
  })
}
