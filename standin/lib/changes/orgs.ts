import type { SsoConnection, StoredOrg } from '../records.js'
import type { StandInState } from '../state.js'

// Organizations and their enterprise SSO: each change made here, and
// reported once (see users.ts).

/** Stores a new org (the API, the hosted create-org page): `org.created`. */
export function createOrg (state: StandInState, org: StoredOrg): void {
  state.orgs.set(org.orgId, org)
  state.events.report({ event_type: 'org.created', org_id: org.orgId, name: org.name })
}

/** Changes fields of an org (allowing SAML included): `org.updated`, for every successful call. */
export function updateOrg (state: StandInState, org: StoredOrg, changes: Partial<StoredOrg>): void {
  Object.assign(org, changes)
  state.events.report({ event_type: 'org.updated', org_id: org.orgId })
}

/**
 * Deletes an org, archives its API keys and drops its invitations:
 * `org.deleted` alone. False for an unknown org.
 */
export function deleteOrg (state: StandInState, orgId: string): boolean {
  if (!state.orgs.delete(orgId)) return false
  for (const key of state.apiKeys.values()) {
    if (key.orgId === orgId) key.archived = true
  }
  state.removeInvites((invite) => invite.orgId === orgId)
  state.events.report({ event_type: 'org.deleted', org_id: orgId })
  return true
}

/** Stores the identity provider's SAML or OIDC settings, in test mode: `org.saml_setup`. */
export function setUpSso (state: StandInState, org: StoredOrg, connection: SsoConnection): void {
  org.sso = connection
  state.events.report({ event_type: 'org.saml_setup', org_id: org.orgId })
}

/** Takes the org's connection (`org.sso`) out of test mode: `org.saml_went_live`. */
export function takeSsoLive (state: StandInState, org: StoredOrg, connection: SsoConnection): void {
  connection.live = true
  state.events.report({ event_type: 'org.saml_went_live', org_id: org.orgId })
}

export function removeSso (state: StandInState, org: StoredOrg): void {
  org.sso = undefined
  state.events.report({ event_type: 'org.saml_removed', org_id: org.orgId })
}
