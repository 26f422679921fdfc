import { test } from 'tap'
import type { Seed } from '../index.js'
import { claimsOf, harness, SEEDED } from './helpers/harness.js'

const ORG = '/api/backend/v1/org'

test('fetchOrg: the Organization shape; 404 when unknown', async (t) => {
  const { api } = await harness(t)
  const org = await api('GET', `${ORG}/${SEEDED.acme}`)
  t.equal(org.status, 200)
  t.match(org.body, {
    org_id: SEEDED.acme,
    name: 'Acme Inc',
    url_safe_org_slug: 'acme-inc',
    can_setup_saml: false,
    is_saml_configured: false,
    is_saml_in_test_mode: false,
    domain: 'acme.test',
    extra_domains: [],
    domain_autojoin: false,
    domain_restrict: false,
    password_rotation_enabled: false,
    metadata: {}
  })
  t.equal((await api('GET', `${ORG}/${crypto.randomUUID()}`)).status, 404)
})

test('fetchOrgByQuery by POST (Node) and GET (Python): filters, order, paging', async (t) => {
  const { api } = await harness(t)
  for (const name of ['Zeta', 'Beta Corp']) await api('POST', `${ORG}/`, { name })
  const byPost = await api('POST', `${ORG}/query`, { page_size: 2, page_number: 0, order_by: 'NAME' })
  t.same(byPost.body.orgs.map((org: any) => org.name), ['Acme Inc', 'Beta Corp'])
  t.match(byPost.body, { total_orgs: 3, current_page: 0, page_size: 2, has_more_results: true })
  t.same(Object.keys(byPost.body.orgs[0]).sort(), ['created_at', 'is_saml_configured', 'metadata', 'name', 'org_id'])
  const byGet = await api('GET', `${ORG}/query?name=corp`)
  t.same(byGet.body.orgs.map((org: any) => org.name), ['Beta Corp'])
  t.same((await api('GET', `${ORG}/query?domain=ACME.test`)).body.orgs.map((org: any) => org.org_id), [SEEDED.acme])
  t.same((await api('POST', `${ORG}/query`, { order_by: 'SIZE' })).body, { order_by: ['Must be one of CREATED_AT_ASC, CREATED_AT_DESC, NAME'] })
})

test('createOrg returns {org_id, name}; 400 for a missing name, a bad domain, domain rules without a domain', async (t) => {
  const { api } = await harness(t)
  const created = await api('POST', `${ORG}/`, { name: 'Initech', enable_auto_joining_by_domain: false, members_must_have_matching_domain: false, max_users: 5, legacy_org_id: 'i-1' })
  t.equal(created.status, 200)
  t.same(Object.keys(created.body).sort(), ['name', 'org_id'])
  t.match((await api('GET', `${ORG}/${created.body.org_id as string}`)).body, { name: 'Initech', max_users: 5, legacy_org_id: 'i-1' })
  t.same((await api('POST', `${ORG}/`, {})).body, { name: ['This field is required'] })
  t.same((await api('POST', `${ORG}/`, { name: 'X', domain: 'not a domain' })).body, { domain: ['Invalid domain'] })
  t.same((await api('POST', `${ORG}/`, { name: 'X', members_must_have_matching_domain: true })).body, { domain: ['A domain is required to join or restrict by domain'] })
})

test('updateOrg changes the fields sent (with the wire names autojoin_by_domain / restrict_to_domain); 404 unknown', async (t) => {
  const { standIn, api } = await harness(t)
  const response = await api('PUT', `${ORG}/${SEEDED.acme}`, {
    name: 'Acme Corp',
    metadata: { plan: 'enterprise' },
    autojoin_by_domain: true,
    restrict_to_domain: true,
    extra_domains: ['acme.example'],
    password_rotation_enabled: true,
    password_rotation_period: 90
  })
  t.equal(response.status, 200)
  t.same(response.body, {})
  t.match((await api('GET', `${ORG}/${SEEDED.acme}`)).body, {
    name: 'Acme Corp', url_safe_org_slug: 'acme-corp', metadata: { plan: 'enterprise' }, domain_autojoin: true, domain_restrict: true, extra_domains: ['acme.example'], password_rotation_enabled: true, password_rotation_period: 90
  })
  const claims = claimsOf(await standIn.createAccessToken('member@acme.test'))
  t.match(claims.org_id_to_org_member_info[SEEDED.acme], { org_name: 'Acme Corp', url_safe_org_name: 'acme-corp', org_metadata: { plan: 'enterprise' } })
  t.equal((await api('PUT', `${ORG}/${crypto.randomUUID()}`, { name: 'X' })).status, 404)
  t.match((await api('PUT', `${ORG}/${SEEDED.acme}`, { max_users: 1 })).body, { max_users: ['The org already has 3 users'] })
})

test('deleteOrg removes the org from the members\' next tokens; 404 the second time', async (t) => {
  const { standIn, api } = await harness(t)
  t.equal((await api('DELETE', `${ORG}/${SEEDED.acme}`)).status, 200)
  t.same(claimsOf(await standIn.createAccessToken('owner@acme.test')).org_id_to_org_member_info, {})
  t.equal((await api('DELETE', `${ORG}/${SEEDED.acme}`)).status, 404)
})

test('add a user to an org, change the role, remove: each change is in the next token', async (t) => {
  const { standIn, api } = await harness(t)
  const orgsOf = async (email: string): Promise<Record<string, any>> => claimsOf(await standIn.createAccessToken(email)).org_id_to_org_member_info

  t.same(await orgsOf('outsider@example.test'), {})
  const added = await api('POST', `${ORG}/add_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Member', additional_roles: [] })
  t.equal(added.status, 200)
  t.same(added.body, {})
  t.match((await orgsOf('outsider@example.test'))[SEEDED.acme], { user_role: 'Member', inherited_user_roles_plus_current_role: ['Member'], user_permissions: ['can_read'] })

  t.equal((await api('POST', `${ORG}/change_role`, { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Owner', additional_roles: [] })).status, 200)
  t.match((await orgsOf('outsider@example.test'))[SEEDED.acme], {
    user_role: 'Owner',
    inherited_user_roles_plus_current_role: ['Owner', 'Admin', 'Member'],
    user_permissions: ['can_view_billing', 'can_manage_api_keys', 'can_invite', 'can_read']
  })

  t.equal((await api('POST', `${ORG}/remove_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme })).status, 200)
  t.same(await orgsOf('outsider@example.test'), {})
})

test('memberships: 404 for an unknown org, user or membership; 400 for an unknown role or a second membership', async (t) => {
  const { api } = await harness(t)
  t.equal((await api('POST', `${ORG}/add_user`, { user_id: SEEDED.outsider, org_id: crypto.randomUUID(), role: 'Member' })).status, 404)
  t.equal((await api('POST', `${ORG}/add_user`, { user_id: crypto.randomUUID(), org_id: SEEDED.acme, role: 'Member' })).status, 404)
  t.match((await api('POST', `${ORG}/add_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Chief' })).body, { role: ['Unknown role Chief; the org\'s roles are Owner, Admin, Member'] })
  t.match((await api('POST', `${ORG}/add_user`, { user_id: SEEDED.member, org_id: SEEDED.acme, role: 'Member' })).body, { user_id: ['The user is already a member of this org'] })
  t.match((await api('POST', `${ORG}/add_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Member', additional_roles: ['Admin'] })).body, { additional_roles: [String] })
  t.same((await api('POST', `${ORG}/add_user`, { org_id: SEEDED.acme })).body, { user_id: ['This field is required'], role: ['This field is required'] })
  t.equal((await api('POST', `${ORG}/change_role`, { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Admin' })).status, 404)
  t.equal((await api('POST', `${ORG}/remove_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme })).status, 404)
})

test('max users and domain restriction are enforced on joining', async (t) => {
  const { api } = await harness(t)
  const small = await api('POST', `${ORG}/`, { name: 'Tiny', max_users: 1, domain: 'tiny.test', members_must_have_matching_domain: true })
  const orgId = small.body.org_id as string
  const created = await api('POST', '/api/backend/v1/user/', { email: 'a@tiny.test' })
  t.match((await api('POST', `${ORG}/add_user`, { user_id: SEEDED.outsider, org_id: orgId, role: 'Member' })).body, { user_id: ['Only emails at tiny.test may join this org'] })
  t.equal((await api('POST', `${ORG}/add_user`, { user_id: created.body.user_id, org_id: orgId, role: 'Owner' })).status, 200)
  const another = await api('POST', '/api/backend/v1/user/', { email: 'b@tiny.test' })
  t.match((await api('POST', `${ORG}/add_user`, { user_id: another.body.user_id, org_id: orgId, role: 'Member' })).body, { user_id: ['This org has reached its maximum number of users'] })
})

test('fetchUsersInOrg lists members with role_in_org, filters by role, pages; 404 unknown org', async (t) => {
  const { api } = await harness(t)
  const all = await api('GET', `/api/backend/v1/user/org/${SEEDED.acme}?page_size=2`)
  t.match(all.body, { total_users: 3, current_page: 0, page_size: 2, has_more_results: true })
  t.match(all.body.users[0], { user_id: String, email: String, role_in_org: String, additional_roles_in_org: [] })
  const admins = await api('GET', `/api/backend/v1/user/org/${SEEDED.acme}?role=Admin&include_orgs=true`)
  t.same(admins.body.users.map((user: any) => user.email), ['admin@acme.test'])
  t.ok(admins.body.users[0].org_id_to_org_info[SEEDED.acme])
  t.equal((await api('GET', `/api/backend/v1/user/org/${crypto.randomUUID()}`)).status, 404)
})

test('multi-role orgs: additional roles are kept and give their permissions; inheritance does not apply', async (t) => {
  const seed: Seed = {
    roles: ['Owner', 'Billing', 'Support'],
    rolePermissions: { Owner: ['all'], Billing: ['invoices'], Support: ['tickets'] },
    users: [{ email: 'ann@multi.test' }],
    orgs: [{ name: 'Multi', roleStructure: 'multi_role', members: [{ email: 'ann@multi.test', role: 'Support', additionalRoles: ['Billing'] }] }]
  }
  const { standIn, api } = await harness(t, { seed })
  const org = standIn.state.findOrgByName('Multi')!
  const ann = standIn.state.findUserByEmail('ann@multi.test')!
  t.match(claimsOf(await standIn.createAccessToken(ann.userId)).org_id_to_org_member_info[org.orgId], {
    user_role: 'Support',
    additional_roles: ['Billing'],
    inherited_user_roles_plus_current_role: ['Support', 'Billing'],
    user_permissions: ['tickets', 'invoices'],
    org_role_structure: 'multi_role'
  })
  await api('POST', `${ORG}/change_role`, { user_id: ann.userId, org_id: org.orgId, role: 'Owner', additional_roles: [] })
  t.match(claimsOf(await standIn.createAccessToken(ann.userId)).org_id_to_org_member_info[org.orgId], { user_role: 'Owner', additional_roles: [], user_permissions: ['all'] })
})

test('custom role mappings: listed with subscriber counts; subscribing an org switches its roles', async (t) => {
  const seed: Seed = {
    customRoleMappings: [{ name: 'Support tiers', roles: ['Lead', 'Agent'], rolePermissions: { Lead: ['escalate'], Agent: ['reply'] } }],
    users: [{ email: 'sam@x.test' }],
    orgs: [{ name: 'Helpdesk', customRoleMappingName: 'Support tiers', members: [{ email: 'sam@x.test', role: 'Lead' }] }, { name: 'Other' }]
  }
  const { standIn, api } = await harness(t, { seed })
  t.same((await api('GET', '/api/backend/v1/custom_role_mappings')).body, { custom_role_mappings: [{ custom_role_mapping_name: 'Support tiers', num_orgs_subscribed: 1 }] })
  const helpdesk = standIn.state.findOrgByName('Helpdesk')!
  t.match(claimsOf(await standIn.createAccessToken('sam@x.test')).org_id_to_org_member_info[helpdesk.orgId], { inherited_user_roles_plus_current_role: ['Lead', 'Agent'], user_permissions: ['escalate', 'reply'] })

  const other = standIn.state.findOrgByName('Other')!
  t.equal((await api('PUT', `${ORG}/${other.orgId}`, { custom_role_mapping_name: 'Support tiers' })).status, 200)
  t.equal((await api('GET', `${ORG}/${other.orgId}`)).body.custom_role_mapping_name, 'Support tiers')
  t.match((await api('PUT', `${ORG}/${other.orgId}`, { custom_role_mapping_name: 'Nope' })).body, { custom_role_mapping_name: [String] })
  t.match((await api('POST', `${ORG}/add_user`, { user_id: standIn.state.findUserByEmail('sam@x.test')!.userId, org_id: other.orgId, role: 'Admin' })).body, { role: [String] })
})

test('invitations: by email and by user id, listed as pending, revoked with a DELETE body, fulfilled by joining', async (t) => {
  const { standIn, api } = await harness(t)
  const invited = await api('POST', '/api/backend/v1/invite_user', { email: 'new@acme.test', org_id: SEEDED.acme, role: 'Member', additional_roles: [] })
  t.equal(invited.status, 200)
  t.same(invited.body, {})
  t.match(standIn.state.outbox, [{ to: 'new@acme.test', kind: 'org_invite', orgId: SEEDED.acme }])
  t.equal((await api('POST', '/api/backend/v1/invite_user_by_id', { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Admin' })).status, 200)

  const pending = await api('GET', `/api/backend/v1/pending_org_invites?org_id=${SEEDED.acme}`)
  t.match(pending.body, { total_invites: 2, current_page: 0, page_size: 10, has_more_results: false })
  t.match(pending.body.invites[0], { invitee_email: 'new@acme.test', org_id: SEEDED.acme, org_name: 'Acme Inc', role_in_org: 'Member', additional_roles_in_org: [], created_at: Number, expires_at: Number })

  const revoked = await api('DELETE', '/api/backend/v1/pending_org_invites', { invitee_email: 'new@acme.test', org_id: SEEDED.acme })
  t.equal(revoked.status, 200)
  t.same(revoked.body, {})
  t.equal((await api('DELETE', '/api/backend/v1/pending_org_invites', { invitee_email: 'new@acme.test', org_id: SEEDED.acme })).status, 404)

  await api('POST', `${ORG}/add_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Admin' })
  t.equal((await api('GET', '/api/backend/v1/pending_org_invites')).body.total_invites, 0, 'joining fulfils the invitation')
})

test('invitations: 400 for members, bad emails and roles; 404 for unknown orgs and users', async (t) => {
  const { api } = await harness(t)
  t.same((await api('POST', '/api/backend/v1/invite_user', { email: 'member@acme.test', org_id: SEEDED.acme, role: 'Member' })).body, { email: ['This user is already a member of the org'] })
  t.same((await api('POST', '/api/backend/v1/invite_user', { email: 'nope', org_id: SEEDED.acme, role: 'Member' })).body, { email: ['Invalid email address'] })
  t.match((await api('POST', '/api/backend/v1/invite_user', { email: 'x@acme.test', org_id: SEEDED.acme, role: 'Chief' })).body, { role: [String] })
  t.equal((await api('POST', '/api/backend/v1/invite_user', { email: 'x@acme.test', org_id: crypto.randomUUID(), role: 'Member' })).status, 404)
  t.equal((await api('POST', '/api/backend/v1/invite_user_by_id', { user_id: crypto.randomUUID(), org_id: SEEDED.acme, role: 'Member' })).status, 404)
})

test('with orgs switched off every org endpoint answers 426 and tokens carry no orgs', async (t) => {
  const { standIn, api } = await harness(t, { features: { orgs: false } })
  const calls: Array<[string, string, unknown?]> = [
    ['GET', `${ORG}/${SEEDED.acme}`],
    ['POST', `${ORG}/query`, {}],
    ['GET', `${ORG}/query`],
    ['POST', `${ORG}/`, { name: 'X' }],
    ['POST', `${ORG}/add_user`, { user_id: SEEDED.outsider, org_id: SEEDED.acme, role: 'Member' }],
    ['GET', `/api/backend/v1/user/org/${SEEDED.acme}`],
    ['GET', '/api/backend/v1/custom_role_mappings'],
    ['GET', '/api/backend/v1/pending_org_invites'],
    ['POST', '/api/backend/v1/invite_user', { email: 'x@acme.test', org_id: SEEDED.acme, role: 'Member' }],
    ['GET', `/api/backend/v1/saml_sp_metadata/${SEEDED.acme}`],
    ['GET', `/api/backend/v1/scim/${SEEDED.acme}/groups`],
    ['GET', '/api/backend/v1/org_report/growth']
  ]
  for (const [method, path, body] of calls) {
    const response = await api(method, path, body)
    t.equal(response.status, 426, `${method} ${path}`)
    t.match(response.body, { user_facing_error: /B2B/ })
  }
  t.same(claimsOf(await standIn.createAccessToken('owner@acme.test')).org_id_to_org_member_info, {})
  t.equal((await api('GET', `/api/backend/v1/user/${SEEDED.owner}`)).status, 200, 'user endpoints still work')
  standIn.features.orgs = true
  t.equal((await api('GET', `${ORG}/${SEEDED.acme}`)).status, 200, 'switched back on at run time')
})
