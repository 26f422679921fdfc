import { test } from 'tap'
import { harness, SEEDED } from './helpers/harness.js'

const ORG = '/api/backend/v1/org'
const SAML = {
  org_id: SEEDED.acme,
  idp_entity_id: 'https://idp.test/entity',
  idp_sso_url: 'https://idp.test/sso',
  idp_certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
  provider: 'Okta'
}

test('SAML: allowed first, configured (test mode), live, deleted, as fetchOrg reports it', async (t) => {
  const { api } = await harness(t)
  const org = async (): Promise<any> => (await api('GET', `${ORG}/${SEEDED.acme}`)).body
  t.match(await api('POST', `${ORG}/${SEEDED.acme}/create_saml_connection_link`, {}), { status: 400, body: { org_id: [/allowOrgToSetupSamlConnection/] } }, 'no setup link before the org is allowed')

  t.same((await api('POST', `${ORG}/${SEEDED.acme}/allow_saml`)).body, {})
  t.equal((await org()).can_setup_saml, true)
  const link = await api('POST', `${ORG}/${SEEDED.acme}/create_saml_connection_link`, { expires_in_seconds: 3600 })
  t.equal(link.status, 200)
  t.match(link.body, { url: /^http:\/\/localhost:\d+\/saml\/setup\?org_id=/ })

  t.same((await api('POST', '/api/backend/v1/saml_idp_metadata', SAML)).body, {})
  t.match(await org(), { is_saml_configured: false, is_saml_in_test_mode: true })
  t.same((await api('POST', `/api/backend/v1/saml_idp_metadata/go_live/${SEEDED.acme}`)).body, {})
  t.match(await org(), { is_saml_configured: true, is_saml_in_test_mode: false })
  t.same((await api('DELETE', `/api/backend/v1/saml_idp_metadata/${SEEDED.acme}`)).body, {})
  t.match(await org(), { is_saml_configured: false, is_saml_in_test_mode: false })
  t.equal((await api('DELETE', `/api/backend/v1/saml_idp_metadata/${SEEDED.acme}`)).status, 404)
  t.match(await api('POST', `/api/backend/v1/saml_idp_metadata/go_live/${SEEDED.acme}`), { status: 400, body: { org_id: [String] } }, 'nothing to take live')

  t.same((await api('POST', `${ORG}/${SEEDED.acme}/disallow_saml`)).body, {})
  t.equal((await org()).can_setup_saml, false)
})

test('SAML and OIDC settings are validated; unknown orgs are 404', async (t) => {
  const { api } = await harness(t)
  t.same((await api('POST', '/api/backend/v1/saml_idp_metadata', { ...SAML, provider: 'MySpace', idp_sso_url: 'nope' })).body, {
    idp_sso_url: ['Must be an absolute URL'],
    provider: ['Must be one of Google, Rippling, OneLogin, JumpCloud, Okta, Azure, Duo, Generic']
  })
  t.equal((await api('POST', '/api/backend/v1/saml_idp_metadata', { ...SAML, org_id: crypto.randomUUID() })).status, 404)
  t.same((await api('POST', '/api/backend/v1/oidc_idp_metadata', { org_id: SEEDED.acme, client_id: 'c', client_secret: 's', uses_pkce: true, idp_type: 'Okta' })).body, { okta_sso_domain: ['This field is required'] })
  t.same((await api('POST', '/api/backend/v1/oidc_idp_metadata', { org_id: SEEDED.acme, client_id: 'c', client_secret: 's', uses_pkce: true, idp_type: 'Azure', entra_tenant_id: 'tenant' })).body, {})
  t.match((await api('GET', `${ORG}/${SEEDED.acme}`)).body, { is_saml_in_test_mode: true, can_setup_saml: false }, 'settings sent by the backend need no allow_saml')
  for (const path of [`${ORG}/${crypto.randomUUID()}/allow_saml`, `${ORG}/${crypto.randomUUID()}/create_saml_connection_link`, `/api/backend/v1/saml_idp_metadata/go_live/${crypto.randomUUID()}`]) {
    t.equal((await api('POST', path)).status, 404, path)
  }
  t.equal((await api('GET', `/api/backend/v1/saml_sp_metadata/${crypto.randomUUID()}`)).status, 404)
})

test('service provider metadata names the auth URL and the org', async (t) => {
  const { standIn, api } = await harness(t)
  const response = await api('GET', `/api/backend/v1/saml_sp_metadata/${SEEDED.acme}`)
  t.same(response.body, {
    entity_id: `${standIn.authUrl}/saml/${SEEDED.acme}/metadata`,
    acs_url: `${standIn.authUrl}/saml/${SEEDED.acme}/acs`,
    logout_url: `${standIn.authUrl}/saml/${SEEDED.acme}/logout`
  })
})

test('SCIM groups: listed with paging and a user filter; one group with its members; 404 for unknown org or group', async (t) => {
  const { standIn, api } = await harness(t)
  const groups = await api('GET', `/api/backend/v1/scim/${SEEDED.acme}/groups?page_size=10&page_number=0`)
  t.equal(groups.status, 200)
  t.match(groups.body, { groups: [{ group_id: String, display_name: 'Engineering', external_id_from_idp: 'eng' }], page_number: 0, page_size: 10, total_groups: 1 })
  t.equal((await api('GET', `/api/backend/v1/scim/${SEEDED.acme}/groups?user_id=${SEEDED.owner}`)).body.total_groups, 0)
  const groupId = groups.body.groups[0].group_id as string
  const group = await api('GET', `/api/backend/v1/scim/${SEEDED.acme}/groups/${groupId}?members_page_size=1&members_page_number=1`)
  t.same(group.body, { group_id: groupId, display_name: 'Engineering', external_id_from_idp: 'eng', members: [{ user_id: SEEDED.member }] })
  t.equal((await api('GET', `/api/backend/v1/scim/${crypto.randomUUID()}/groups`)).status, 404)
  t.equal((await api('GET', `/api/backend/v1/scim/${SEEDED.acme}/groups/${crypto.randomUUID()}`)).status, 404)

  await api('POST', `${ORG}/remove_user`, { user_id: SEEDED.member, org_id: SEEDED.acme })
  t.same(standIn.state.orgs.get(SEEDED.acme)!.scimGroups.get(groupId)!.memberIds, [SEEDED.admin], 'leaving the org leaves its groups')
})
