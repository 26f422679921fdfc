import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, OK, sendFieldErrors, sendNotFound } from '../http.js'
import type { StoredOrg } from '../records.js'
import type { StandInState } from '../state.js'
import { organization, orgSummary, paged } from '../wire.js'
import { createOrg, deleteOrg, updateOrg } from '../changes/orgs.js'

const BASE = '/api/backend/v1/org'
const ORG_ORDERS = ['CREATED_AT_ASC', 'CREATED_AT_DESC', 'NAME'] as const
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

type OrgParams = { Params: { orgId: string } }

function checkDomain (fields: Fields, name: string, domain: string | undefined): void {
  if (domain !== undefined && !DOMAIN.test(domain)) fields.fail(name, 'Invalid domain')
}

/** Joining or restricting by domain compares members' emails with the org's domain, so it needs one. */
function checkDomainForDomainRules (fields: Fields, usesDomainRules: boolean, domain: string | undefined): void {
  if (usesDomainRules && domain === undefined) fields.fail('domain', 'A domain is required to join or restrict by domain')
}

function checkRoleMappingExists (state: StandInState, fields: Fields, name: string | undefined): void {
  if (name !== undefined && !state.roleMappings.has(name)) fields.fail('custom_role_mapping_name', `No custom role mapping is named ${name}`)
}

/** Organizations: fetch, query, create, update, delete, custom role mappings. */
export function orgRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.get<OrgParams>(`${BASE}/:orgId`, async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    return organization(org)
  })

  // The Node library POSTs a JSON body, the Python library GETs with a query string: serve both.
  const query = async (fields: Fields, reply: FastifyReply): Promise<unknown> => {
    const page = fields.page()
    const order = fields.oneOf('order_by', ORG_ORDERS) ?? 'CREATED_AT_ASC'
    const name = fields.string('name')?.toLowerCase()
    const legacyOrgId = fields.string('legacy_org_id')
    const domain = fields.string('domain')?.toLowerCase()
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const compare: Record<typeof order, (a: StoredOrg, b: StoredOrg) => number> = {
      CREATED_AT_ASC: (a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name),
      CREATED_AT_DESC: (a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name),
      NAME: (a, b) => a.name.localeCompare(b.name)
    }
    const orgs = [...state.orgs.values()]
      .filter((org) => name === undefined || org.name.toLowerCase().includes(name))
      .filter((org) => legacyOrgId === undefined || org.legacyOrgId === legacyOrgId)
      .filter((org) => domain === undefined || [org.domain, ...org.extraDomains].some((d) => d?.toLowerCase() === domain))
      .sort(compare[order])
      .map(orgSummary)
    return paged(orgs, page, 'orgs', 'total_orgs')
  }
  app.post(`${BASE}/query`, async (request: FastifyRequest, reply) => await query(Fields.body(request), reply))
  app.get(`${BASE}/query`, async (request: FastifyRequest, reply) => await query(Fields.query(request), reply))

  app.get('/api/backend/v1/custom_role_mappings', async () => {
    const subscribed = (name: string): number => [...state.orgs.values()].filter((org) => org.customRoleMappingName === name).length
    return {
      custom_role_mappings: [...state.roleMappings.keys()].map((name) => ({ custom_role_mapping_name: name, num_orgs_subscribed: subscribed(name) }))
    }
  })

  app.post(`${BASE}/`, async (request, reply) => {
    const fields = Fields.body(request)
    const name = fields.string('name', { required: true })
    const domain = fields.string('domain')
    const autojoin = fields.boolean('enable_auto_joining_by_domain') ?? false
    const restrict = fields.boolean('members_must_have_matching_domain') ?? false
    const maxUsers = fields.integer('max_users', { min: 1 })
    const mapping = fields.string('custom_role_mapping_name')
    const legacyOrgId = fields.string('legacy_org_id')
    checkDomain(fields, 'domain', domain)
    checkDomainForDomainRules(fields, autojoin || restrict, domain)
    checkRoleMappingExists(state, fields, mapping)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const org = state.newOrg({
      orgId: state.ids.uuid(),
      name: name!,
      domain,
      domainAutojoin: autojoin,
      domainRestrict: restrict,
      maxUsers,
      customRoleMappingName: mapping,
      legacyOrgId
    })
    createOrg(state, org)
    return { org_id: org.orgId, name: org.name }
  })

  app.put<OrgParams>(`${BASE}/:orgId`, async (request, reply) => {
    const org = state.orgs.get(request.params.orgId)
    if (org === undefined) return await sendNotFound(reply, 'Org')
    const fields = Fields.body(request)
    const changes = {
      name: fields.string('name', { nonEmpty: true }),
      canSetupSaml: fields.boolean('can_setup_saml'),
      metadata: fields.object('metadata'),
      maxUsers: fields.integer('max_users', { min: 1 }),
      domainAutojoin: fields.boolean('autojoin_by_domain'),
      domainRestrict: fields.boolean('restrict_to_domain'),
      domain: fields.string('domain'),
      legacyOrgId: fields.string('legacy_org_id'),
      require2faBy: fields.string('require_2fa_by'),
      extraDomains: fields.stringArray('extra_domains'),
      customRoleMappingName: fields.string('custom_role_mapping_name')
    }
    const rotation = {
      enabled: fields.boolean('password_rotation_enabled'),
      historySize: fields.integer('password_rotation_history_size', { min: 0 }),
      period: fields.integer('password_rotation_period', { min: 0 })
    }
    checkDomain(fields, 'domain', changes.domain)
    for (const extra of changes.extraDomains ?? []) checkDomain(fields, 'extra_domains', extra)
    if (changes.require2faBy !== undefined && Number.isNaN(Date.parse(changes.require2faBy))) fields.fail('require_2fa_by', 'Expected an ISO 8601 date')
    if (changes.maxUsers !== undefined && changes.maxUsers < org.members.size) fields.fail('max_users', `The org already has ${org.members.size} users`)
    checkRoleMappingExists(state, fields, changes.customRoleMappingName)
    checkDomainForDomainRules(fields, changes.domainAutojoin === true || changes.domainRestrict === true, changes.domain ?? org.domain)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const sent = (values: object): Record<string, unknown> => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined))
    updateOrg(state, org, { ...sent(changes), passwordRotation: { ...org.passwordRotation, ...sent(rotation) } })
    return OK
  })

  app.delete<OrgParams>(`${BASE}/:orgId`, async (request, reply) => {
    if (!deleteOrg(state, request.params.orgId)) return await sendNotFound(reply, 'Org')
    return OK
  })
}
