// PropelAuth's answer to validateApiKey, piece by piece, as its backend sends
// them (snake_case): the user and membership of test/helpers/api-cases.ts, and
// the org of an org API key. Shared by the API-key guard tests.
import { ORG_ID } from './api-cases.js'

export { ORG_ID, ORG_MEMBER as MEMBER, USER, USER_ID } from './api-cases.js'

export const ORG = { org_id: ORG_ID, org_name: 'Acme Inc', is_saml_configured: false, metadata: { tier: 'gold' } }
