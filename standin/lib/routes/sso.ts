import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, OK, sendFieldErrors, sendNotFound } from '../http.js'
import type { StoredOrg } from '../records.js'
import { removeSso, setUpSso, takeSsoLive, updateOrg } from '../changes/orgs.js'

const SAML_PROVIDERS = ['Google', 'Rippling', 'OneLogin', 'JumpCloud', 'Okta', 'Azure', 'Duo', 'Generic'] as const
const OIDC_TYPES = ['Generic', 'Okta', 'Azure'] as const
/** Fields each OIDC identity provider type needs besides the common ones. */
const OIDC_FIELDS: Record<typeof OIDC_TYPES[number], string[]> = {
  Generic: ['auth_url', 'token_url', 'userinfo_url'],
  Okta: ['okta_sso_domain'],
  Azure: ['entra_tenant_id']
}
const NOT_ALLOWED = 'This org may not set up SAML: call allowOrgToSetupSamlConnection first'

type OrgParams = { Params: { orgId: string } }

/**
 * Enterprise SSO per org: allowing it, the setup link, the service provider
 * metadata, the identity provider's SAML or OIDC settings, going live and
 * deleting the connection. Nobody can actually sign in through it: the
 * settings are stored and reflected in `fetchOrg` (`is_saml_configured`,
 * `is_saml_in_test_mode`).
 */
export function ssoRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context
  const ORG = '/api/backend/v1/org'

  const allow = (path: string, allowed: boolean): void => {
    app.post<OrgParams>(`${ORG}/:orgId/${path}`, async (request, reply) => {
      const org = state.orgs.get(request.params.orgId)
      if (org === undefined) return await sendNotFound(reply, 'Org')
      updateOrg(state, org, { canSetupSaml: allowed })
      return OK
    })
  }
  allow('allow_saml', true)
  allow('disallow_saml', false)

  app.post<OrgParams>(`${ORG}/:orgId/create_saml_connection_link`, async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    const fields = Fields.body(request)
    const expiresIn = fields.integer('expires_in_seconds', { min: 60, max: 30 * 86_400 }) ?? 7 * 86_400
    if (!org.canSetupSaml) fields.fail('org_id', NOT_ALLOWED)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const expires = state.nowSeconds() + expiresIn
    return { url: `${context.authUrl}/saml/setup?org_id=${org.orgId}&token=${state.ids.hex(16)}&expires=${expires}` }
  })

  app.get<OrgParams>('/api/backend/v1/saml_sp_metadata/:orgId', async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    const base = `${context.authUrl}/saml/${org.orgId}`
    return { entity_id: `${base}/metadata`, acs_url: `${base}/acs`, logout_url: `${base}/logout` }
  })

  /**
   * The org named in a settings body. Unlike the setup link (the org's own
   * admins' way in, which `allowOrgToSetupSamlConnection` gates), settings sent
   * by the backend are taken whatever `can_setup_saml` says.
   */
  const settingsOrg = (fields: Fields): { org?: StoredOrg, notFound: boolean } => {
    const orgId = fields.string('org_id', { required: true })
    if (orgId === undefined) return { notFound: false }
    const org = state.orgs.get(orgId)
    return org === undefined ? { notFound: true } : { org, notFound: false }
  }

  app.post('/api/backend/v1/saml_idp_metadata', async (request, reply) => {
    const fields = Fields.body(request)
    const { org, notFound } = settingsOrg(fields)
    if (notFound) return await sendNotFound(reply, 'Org')
    const settings = {
      idp_entity_id: fields.string('idp_entity_id', { required: true }),
      idp_sso_url: fields.absoluteUrl('idp_sso_url', { required: true }),
      idp_certificate: fields.string('idp_certificate', { required: true }),
      provider: fields.oneOf('provider', SAML_PROVIDERS, { required: true })
    }
    if (!fields.ok || org === undefined) return await sendFieldErrors(reply, fields.errors)
    setUpSso(state, org, { kind: 'saml', settings, live: false })
    return OK
  })

  app.post('/api/backend/v1/oidc_idp_metadata', async (request, reply) => {
    const fields = Fields.body(request)
    const { org, notFound } = settingsOrg(fields)
    if (notFound) return await sendNotFound(reply, 'Org')
    const type = fields.oneOf('idp_type', OIDC_TYPES, { required: true })
    const settings: Record<string, unknown> = {
      idp_type: type,
      client_id: fields.string('client_id', { required: true }),
      client_secret: fields.string('client_secret', { required: true }),
      uses_pkce: fields.boolean('uses_pkce', { required: true })
    }
    for (const name of type === undefined ? [] : OIDC_FIELDS[type]) settings[name] = fields.string(name, { required: true })
    if (!fields.ok || org === undefined) return await sendFieldErrors(reply, fields.errors)
    setUpSso(state, org, { kind: 'oidc', settings, live: false })
    return OK
  })

  app.post<OrgParams>('/api/backend/v1/saml_idp_metadata/go_live/:orgId', async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    if (org.sso === undefined) return await sendFieldErrors(reply, { org_id: ['No SAML or OIDC connection is set up for this org'] })
    takeSsoLive(state, org, org.sso)
    return OK
  })

  app.delete<OrgParams>('/api/backend/v1/saml_idp_metadata/:orgId', async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined || org.sso === undefined) return await sendNotFound(reply, org === undefined ? 'Org' : 'SAML connection')
    removeSso(state, org)
    return OK
  })
}
