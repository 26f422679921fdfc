import { InvalidIdError } from '../../errors.js'
import { b2bNotEnabled, badRequest, camel, exceptionOf, failUnlessOk, json, notFound, type Send } from '../sender.js'
import {
  AddUserToOrgException,
  BadRequestException,
  ChangeUserRoleInOrgException,
  CreateOrgException,
  RemoveUserFromOrgException,
  UpdateOrgException
} from '../exceptions.js'
import { isValidId, path } from '../ids.js'
import type {
  AddUserToOrgRequest,
  ChangeUserRoleInOrgRequest,
  CreatedOrg,
  CreateOrgRequest,
  CreateSamlConnectionLinkResponse,
  CustomRoleMappings,
  FetchSamlSpMetadataResponse,
  OrgQuery,
  OrgQueryResponse,
  Organization,
  RemoveUserFromOrgRequest,
  SetOidcIdpMetadataRequest,
  SetSamlIdpMetadataRequest,
  UpdateOrgRequest
} from '../types.js'

const BASE = '/api/backend/v1'
const ORG = `${BASE}/org`

export interface OrgsApi {
  /** `null` for an ID that is not a UUID or an org PropelAuth does not know. */
  fetchOrg: (orgId: string) => Promise<Organization | null>
  /** Sent as POST with a JSON body, as the Node library does. Pages are 0-based. */
  fetchOrgByQuery: (orgQuery: OrgQuery) => Promise<OrgQueryResponse>
  fetchCustomRoleMappings: () => Promise<CustomRoleMappings>
  createOrg: (createOrgRequest: CreateOrgRequest) => Promise<CreatedOrg>
  updateOrg: (updateOrgRequest: UpdateOrgRequest) => Promise<boolean>
  subscribeOrgToRoleMapping: (orgId: string, customRoleMappingName: string) => Promise<boolean>
  deleteOrg: (orgId: string) => Promise<boolean>
  addUserToOrg: (addUserToOrgRequest: AddUserToOrgRequest) => Promise<boolean>
  changeUserRoleInOrg: (changeUserRoleInOrgRequest: ChangeUserRoleInOrgRequest) => Promise<boolean>
  removeUserFromOrg: (removeUserFromOrgRequest: RemoveUserFromOrgRequest) => Promise<boolean>
  allowOrgToSetupSamlConnection: (orgId: string) => Promise<boolean>
  disallowOrgToSetupSamlConnection: (orgId: string) => Promise<boolean>
  createOrgSamlConnectionLink: (orgId: string, expiresInSeconds?: number) => Promise<CreateSamlConnectionLinkResponse>
  fetchSamlSpMetadata: (orgId: string) => Promise<FetchSamlSpMetadataResponse>
  setSamlIdpMetadata: (orgId: string, samlIdpMetadata: SetSamlIdpMetadataRequest) => Promise<boolean>
  setOidcIdpMetadata: (setOidcIdpMetadataRequest: SetOidcIdpMetadataRequest) => Promise<boolean>
  samlGoLive: (orgId: string) => Promise<boolean>
  deleteSamlConnection: (orgId: string) => Promise<boolean>
}

/** The answer of fetchOrgByQuery names the org `name`, whether PropelAuth sends `name` or `org_name`. */
const ORG_QUERY_RENAMES = Object.freeze({ org_name: 'name' })

export function orgsApi (send: Send): OrgsApi {
  /** A call that answers no body: true, false for an unknown org (404). */
  async function orgAction (operation: string, orgId: string, method: 'POST' | 'PUT' | 'DELETE', actionPath: string, body?: unknown, Exception?: new (body: string) => Error): Promise<boolean> {
    if (!isValidId(orgId)) return false
    const answer = await send(operation, { method, path: actionPath, body })
    if (answer.status === 400 && Exception !== undefined) throw exceptionOf(Exception, answer)
    if (answer.status === 404) return false
    failUnlessOk(answer)
    return true
  }

  async function membership (operation: string, endpoint: string, body: unknown, Exception: new (body: string) => Error): Promise<boolean> {
    const answer = await send(operation, { method: 'POST', path: `${ORG}/${endpoint}`, body })
    if (answer.status === 400) throw exceptionOf(Exception, answer)
    if (answer.status === 404) return false
    failUnlessOk(answer)
    return true
  }

  function requireOrgId (operation: string, orgId: string): void {
    if (!isValidId(orgId)) throw new InvalidIdError(`${operation}: orgId must be a PropelAuth org ID (a UUID)`)
  }

  return {
    fetchOrg: async (orgId) => {
      if (!isValidId(orgId)) return null
      const answer = await send('fetchOrg', { method: 'GET', path: ORG + path`/${orgId}` })
      if (answer.status === 404) return null
      if (answer.status === 426) throw b2bNotEnabled(answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    fetchOrgByQuery: async (query) => {
      const answer = await send('fetchOrgByQuery', {
        method: 'POST',
        path: `${ORG}/query`,
        body: {
          page_size: query.pageSize,
          page_number: query.pageNumber,
          order_by: query.orderBy,
          name: query.name,
          legacy_org_id: query.legacyOrgId,
          domain: query.domain
        },
        retry: true
      })
      if (answer.status === 400) throw badRequest(answer, 'query')
      if (answer.status === 426) throw b2bNotEnabled(answer)
      failUnlessOk(answer)
      // Fully camelCased, as its type says. The Node library renames only nine keys
      // and leaves the others (is_saml_configured, …) snake_case.
      return camel(answer, ORG_QUERY_RENAMES)
    },

    fetchCustomRoleMappings: async () => {
      const answer = await send('fetchCustomRoleMappings', { method: 'GET', path: `${BASE}/custom_role_mappings` })
      if (answer.status === 426) throw b2bNotEnabled(answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    createOrg: async (request) => {
      const {
        name,
        domain,
        enableAutoJoiningByDomain = false,
        membersMustHaveMatchingDomain = false,
        maxUsers,
        customRoleMappingName,
        legacyOrgId
      } = request
      // The two flags always go; the rest only when set (truthy), in this order.
      const body: Record<string, unknown> = {
        name,
        enable_auto_joining_by_domain: enableAutoJoiningByDomain,
        members_must_have_matching_domain: membersMustHaveMatchingDomain
      }
      if (domain) body.domain = domain
      if (maxUsers) body.max_users = maxUsers
      if (legacyOrgId) body.legacy_org_id = legacyOrgId
      if (customRoleMappingName) body.custom_role_mapping_name = customRoleMappingName
      const answer = await send('createOrg', { method: 'POST', path: `${ORG}/`, body })
      if (answer.status === 400) throw exceptionOf(CreateOrgException, answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    updateOrg: (request) => orgAction('updateOrg', request.orgId, 'PUT', ORG + path`/${request.orgId}`, {
      name: request.name,
      can_setup_saml: request.canSetupSaml,
      metadata: request.metadata,
      max_users: request.maxUsers,
      autojoin_by_domain: request.canJoinOnEmailDomainMatch,
      restrict_to_domain: request.membersMustHaveEmailDomainMatch,
      domain: request.domain,
      legacy_org_id: request.legacyOrgId,
      require_2fa_by: request.require2faBy,
      extra_domains: request.extraDomains,
      password_rotation_enabled: request.passwordRotationEnabled,
      password_rotation_history_size: request.passwordRotationHistorySize,
      password_rotation_period: request.passwordRotationPeriod
    }, UpdateOrgException),

    subscribeOrgToRoleMapping: (orgId, customRoleMappingName) => orgAction('subscribeOrgToRoleMapping', orgId, 'PUT', ORG + path`/${orgId}`, {
      custom_role_mapping_name: customRoleMappingName
    }, UpdateOrgException),

    deleteOrg: (orgId) => orgAction('deleteOrg', orgId, 'DELETE', ORG + path`/${orgId}`),

    addUserToOrg: (request) => membership('addUserToOrg', 'add_user', {
      user_id: request.userId,
      org_id: request.orgId,
      role: request.role,
      additional_roles: request.additionalRoles ?? []
    }, AddUserToOrgException),
    changeUserRoleInOrg: (request) => membership('changeUserRoleInOrg', 'change_role', {
      user_id: request.userId,
      org_id: request.orgId,
      role: request.role,
      additional_roles: request.additionalRoles ?? []
    }, ChangeUserRoleInOrgException),
    removeUserFromOrg: (request) => membership('removeUserFromOrg', 'remove_user', {
      user_id: request.userId,
      org_id: request.orgId
    }, RemoveUserFromOrgException),

    allowOrgToSetupSamlConnection: (orgId) => orgAction('allowOrgToSetupSamlConnection', orgId, 'POST', ORG + path`/${orgId}/allow_saml`),
    disallowOrgToSetupSamlConnection: (orgId) => orgAction('disallowOrgToSetupSamlConnection', orgId, 'POST', ORG + path`/${orgId}/disallow_saml`),

    createOrgSamlConnectionLink: async (orgId, expiresInSeconds) => {
      requireOrgId('createOrgSamlConnectionLink', orgId)
      const answer = await send('createOrgSamlConnectionLink', {
        method: 'POST',
        path: ORG + path`/${orgId}/create_saml_connection_link`,
        body: { expires_in_seconds: expiresInSeconds }
      })
      if (answer.status === 404) throw notFound(answer, 'org not found')
      if (answer.status === 400) throw badRequest(answer, 'SAML connection link request')
      failUnlessOk(answer)
      return json(answer) as CreateSamlConnectionLinkResponse
    },

    fetchSamlSpMetadata: async (orgId) => {
      // The Node library sends any string here; an ID PropelAuth cannot know is refused before sending.
      requireOrgId('fetchSamlSpMetadata', orgId)
      const answer = await send('fetchSamlSpMetadata', { method: 'GET', path: BASE + path`/saml_sp_metadata/${orgId}` })
      if (answer.status === 426) throw b2bNotEnabled(answer)
      if (answer.status === 404) throw notFound(answer, 'org not found')
      failUnlessOk(answer)
      return camel(answer)
    },

    setSamlIdpMetadata: (orgId, request) => orgAction('setSamlIdpMetadata', orgId, 'POST', `${BASE}/saml_idp_metadata`, {
      org_id: orgId,
      idp_entity_id: request.idpEntityId,
      idp_sso_url: request.idpSsoUrl,
      idp_certificate: request.idpCertificate,
      provider: request.provider
    }, UpdateOrgException),

    setOidcIdpMetadata: (request) => {
      let body: Record<string, unknown> = {
        org_id: request.orgId,
        client_id: request.clientId,
        client_secret: request.clientSecret,
        uses_pkce: request.usesPkce,
        idp_type: request.idpType
      }
      switch (request.idpType) {
        case 'Generic':
          body = { ...body, auth_url: request.authUrl, token_url: request.tokenUrl, userinfo_url: request.userinfoUrl }
          break
        case 'Okta':
          body = { ...body, okta_sso_domain: request.oktaSsoDomain }
          break
        case 'Azure':
          body = { ...body, entra_tenant_id: request.entraTenantId }
          break
      }
      return orgAction('setOidcIdpMetadata', request.orgId, 'POST', `${BASE}/oidc_idp_metadata`, body, UpdateOrgException)
    },

    samlGoLive: (orgId) => orgAction('samlGoLive', orgId, 'POST', BASE + path`/saml_idp_metadata/go_live/${orgId}`),

    // A 400 here is a BadRequestException; the Node library throws RevokePendingOrgInviteException (a copy-paste slip).
    deleteSamlConnection: (orgId) => orgAction('deleteSamlConnection', orgId, 'DELETE', BASE + path`/saml_idp_metadata/${orgId}`, undefined, BadRequestException)
  }
}
