import type { StoredApiKey } from '../records.js'
import type { StandInState } from '../state.js'

/**
 * Archives an end-user API key (`DELETE`), reported as PropelAuth reports
 * it: `org.api_key_deleted` for a key of an org (with or without a user in
 * it), `user.deleted_personal_api_key` for a user's own key.
 */
export function deleteApiKey (state: StandInState, key: StoredApiKey): void {
  key.archived = true
  if (key.orgId !== undefined) state.events.report({ event_type: 'org.api_key_deleted', org_id: key.orgId, api_key_id: key.apiKeyId })
  else if (key.userId !== undefined) state.events.report({ event_type: 'user.deleted_personal_api_key', user_id: key.userId, api_key_id: key.apiKeyId })
}
