import { InvalidIdError } from '../../errors.js'
import { camel, failUnlessOk, notFound, type Send } from '../sender.js'
import { isValidId, path } from '../ids.js'
import type { FetchOrgScimGroupsRequest, FetchScimGroupRequest, ScimGroup, ScimGroupResultPage } from '../types.js'

const SCIM = '/api/backend/v1/scim'

export interface ScimApi {
  /** The org's SCIM groups (optionally only those `userId` is in). Pages are 0-based. */
  fetchOrgScimGroups: (fetchOrgScimGroupsRequest: FetchOrgScimGroupsRequest) => Promise<ScimGroupResultPage>
  /** One SCIM group and a page of its members. */
  fetchScimGroup: (fetchScimGroupRequest: FetchScimGroupRequest) => Promise<ScimGroup>
}

export function scimApi (send: Send): ScimApi {
  // The Node library puts any string in these paths; an org ID PropelAuth cannot
  // know is refused before sending, and every segment is encoded.
  function requireOrgId (operation: string, orgId: string): void {
    if (!isValidId(orgId)) throw new InvalidIdError(`${operation}: orgId must be a PropelAuth org ID (a UUID)`)
  }

  return {
    fetchOrgScimGroups: async (request) => {
      requireOrgId('fetchOrgScimGroups', request.orgId)
      const answer = await send('fetchOrgScimGroups', {
        method: 'GET',
        path: SCIM + path`/${request.orgId}/groups`,
        query: { page_size: request.pageSize, page_number: request.pageNumber, user_id: request.userId },
        queryMark: true
      })
      if (answer.status === 404) throw notFound(answer, 'organization not found')
      failUnlessOk(answer)
      return camel(answer)
    },

    fetchScimGroup: async (request) => {
      requireOrgId('fetchScimGroup', request.orgId)
      const answer = await send('fetchScimGroup', {
        method: 'GET',
        path: SCIM + path`/${request.orgId}/groups/${request.groupId}`,
        query: { members_page_size: request.membersPageSize, members_page_number: request.membersPageNumber },
        queryMark: true
      })
      if (answer.status === 404) throw notFound(answer, 'organization not found')
      failUnlessOk(answer)
      return camel(answer)
    }
  }
}
