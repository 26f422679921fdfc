import { b2bNotEnabled, camel, exceptionOf, failUnlessOk, type Send } from '../sender.js'
import { BadRequestException, RevokePendingOrgInviteException } from '../exceptions.js'
import type {
  FetchPendingInvitesParams,
  InviteUserToOrgByUserIdRequest,
  InviteUserToOrgRequest,
  PendingInvitesPage,
  RevokePendingOrgInviteRequest
} from '../types.js'

const BASE = '/api/backend/v1'

export interface InvitesApi {
  /** 400 → BadRequestException with `fieldToErrors`; 404 → false. */
  inviteUserToOrg: (inviteUserToOrgRequest: InviteUserToOrgRequest) => Promise<boolean>
  inviteUserToOrgByUserId: (inviteUserToOrgByUserIdRequest: InviteUserToOrgByUserIdRequest) => Promise<boolean>
  /** Pages are 0-based; like the Node library, a page number or size of 0 is not sent (0 is the default page). */
  fetchPendingInvites: (params?: FetchPendingInvitesParams) => Promise<PendingInvitesPage>
  /** DELETE with a JSON body. */
  revokePendingOrgInvite: (revokePendingOrgInviteRequest: RevokePendingOrgInviteRequest) => Promise<boolean>
}

export function invitesApi (send: Send): InvitesApi {
  async function invite (operation: string, endpoint: string, body: unknown): Promise<boolean> {
    const answer = await send(operation, { method: 'POST', path: `${BASE}/${endpoint}`, body })
    if (answer.status === 400) throw exceptionOf(BadRequestException, answer)
    if (answer.status === 404) return false
    failUnlessOk(answer)
    return true
  }

  return {
    inviteUserToOrg: (request) => invite('inviteUserToOrg', 'invite_user', {
      org_id: request.orgId,
      email: request.email,
      role: request.role,
      additional_roles: request.additionalRoles ?? []
    }),
    inviteUserToOrgByUserId: (request) => invite('inviteUserToOrgByUserId', 'invite_user_by_id', {
      org_id: request.orgId,
      user_id: request.userId,
      role: request.role,
      additional_roles: request.additionalRoles ?? []
    }),

    fetchPendingInvites: async (params) => {
      // Falsy values are left out, in this order, as the Node library does.
      const query: Record<string, string | undefined> = {
        org_id: params?.orgId || undefined,
        page_size: params?.pageSize ? String(params.pageSize) : undefined,
        page_number: params?.pageNumber ? String(params.pageNumber) : undefined
      }
      const answer = await send('fetchPendingInvites', { method: 'GET', path: `${BASE}/pending_org_invites`, query, queryMark: true })
      if (answer.status === 426) throw b2bNotEnabled(answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    revokePendingOrgInvite: async (request) => {
      const answer = await send('revokePendingOrgInvite', {
        method: 'DELETE',
        path: `${BASE}/pending_org_invites`,
        body: { invitee_email: request.inviteeEmail, org_id: request.orgId }
      })
      if (answer.status === 400) throw exceptionOf(RevokePendingOrgInviteException, answer)
      if (answer.status === 404) return false
      failUnlessOk(answer)
      return true
    }
  }
}
