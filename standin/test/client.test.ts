// This plugin's own backend API client (app.auth.<function>) against the
// stand-in: every function, registered the way users register the plugin.
import { test } from 'tap'
import Fastify from 'fastify'
import propelAuth, {
  ApiKeyValidateException,
  ApiKeyValidateRateLimitedException,
  ChartMetric,
  ChartMetricCadence,
  ChurnReportInterval,
  CreateUserException,
  createPropelAuthClient,
  FeatureGatedException,
  GrowthReportInterval,
  IncorrectMfaCodeException,
  MfaNotEnabledException,
  ReengagementReportInterval,
  UpdateOrgException,
  UserNotFoundException,
  type PropelAuthApi
} from 'fastify-propelauth'
import { createManualClock, type StandIn, type StandInOptions } from '../index.js'
import { harness, SEEDED } from './helpers/harness.js'

/** The client's functions, and the ones the tests below ran. */
const allFunctions = Object.entries(createPropelAuthClient({ authUrl: 'https://auth.example.test', apiKey: 'unused' }))
  .filter(([name, value]) => typeof value === 'function' && name !== 'close')
  .map(([name]) => name)
const called = new Set<string>()

async function rejection (promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => undefined, (error: unknown) => error)
}

/** The plugin registered with the stand-in's options; `api` is `app.auth`, recording which functions run. */
async function plugin (t: { teardown: (fn: () => unknown) => void }, options: StandInOptions = {}): Promise<{ api: PropelAuthApi, standIn: StandIn }> {
  const { standIn } = await harness(t, options)
  const app = Fastify()
  t.teardown(() => app.close())
  // No retries: a stand-in fault or limit must show up as it is.
  await app.register(propelAuth, { ...standIn.pluginOptions, retries: 0 })
  await app.ready()
  const api = new Proxy(app.auth as PropelAuthApi, {
    get (target, name: string) {
      called.add(name)
      return (target as any)[name]
    }
  })
  return { api, standIn }
}

test('users: fetch, batch, query, create, update, passwords, switches, MFA, OAuth, delete', async (t) => {
  const { api } = await plugin(t)
  const owner = await api.fetchUserMetadataByUserId(SEEDED.owner, true)
  t.match(owner, { userId: SEEDED.owner, email: 'owner@acme.test', emailConfirmed: true, hasPassword: true, mfaEnabled: true })
  t.equal(owner!.orgIdToOrgInfo![SEEDED.acme].userAssignedRole, 'Owner')
  t.ok(owner!.orgIdToOrgInfo![SEEDED.acme].isAtLeastRole('Admin'), 'org info has OrgMemberInfo methods')
  t.equal((await api.fetchUserMetadataByEmail('admin@acme.test'))!.userId, SEEDED.admin)
  t.equal(await api.fetchUserMetadataByUserId(crypto.randomUUID()), null)
  t.same(Object.keys(await api.fetchBatchUserMetadataByUserIds([SEEDED.owner, crypto.randomUUID()])), [SEEDED.owner])
  t.same(Object.keys(await api.fetchBatchUserMetadataByEmails(['admin@acme.test', 'nobody@acme.test'], true)), ['admin@acme.test'])

  const { userId } = await api.createUser({ email: 'ada@acme.test', password: 'correct-horse', username: 'ada', firstName: 'Ada' })
  t.match(await api.fetchUserMetadataByUsername('ada'), { userId, firstName: 'Ada' })
  t.same(Object.keys(await api.fetchBatchUserMetadataByUsernames(['ada'])), ['ada'])
  const duplicate = await rejection(api.createUser({ email: 'ada@acme.test', password: 'short' }))
  t.type(duplicate, CreateUserException)
  t.same((duplicate as CreateUserException).fieldToErrors, { email: ['A user with this email already exists'], password: ['Password must be at least 8 characters'] })
  t.match(await api.fetchUsersByQuery({ pageSize: 2, orderBy: 'EMAIL', emailOrUsername: 'acme' }), { totalUsers: 4, currentPage: 0, hasMoreResults: true, users: [{ email: 'ada@acme.test' }, { email: 'admin@acme.test' }] })

  t.equal(await api.updateUserMetadata(userId, { lastName: 'Lovelace', metadata: { vip: true } }), true)
  t.equal(await api.updateUserMetadata(crypto.randomUUID(), { lastName: 'X' }), false)
  t.equal(await api.updateUserEmail(userId, { newEmail: 'ada@lovelace.test', requireEmailConfirmation: false }), true)
  t.equal(await api.updateUserPassword(userId, { password: 'another-password' }), true)
  t.equal(await api.clearUserPassword(userId), true)
  t.match(await api.fetchUserMetadataByUserId(userId), { email: 'ada@lovelace.test', lastName: 'Lovelace', hasPassword: false, metadata: { vip: true } })
  for (const name of ['disableUser', 'enableUser', 'disableUser2fa', 'enableUserCanCreateOrgs', 'disableUserCanCreateOrgs', 'logoutAllUserSessions'] as const) {
    t.equal(await api[name](userId), true, name)
    t.equal(await api[name](crypto.randomUUID()), false, `${name} of an unknown user`)
  }
  const unconfirmed = await api.createUser({ email: 'later@acme.test', sendEmailToConfirmEmailAddress: false })
  t.equal(await api.resendEmailConfirmation(unconfirmed.userId), true)
  t.equal(await api.resendEmailConfirmation(crypto.randomUUID()), false)

  t.same(await api.fetchUserMfaMethods(SEEDED.admin), { mfaSetup: { type: 'Totp' } })
  t.same(await api.fetchUserOAuthTokens(SEEDED.member), {})
  t.ok(await rejection(api.fetchFreshTokenFromProvider(SEEDED.member, 'google')), 'no Google token: an error, as in the Node library')
  t.same(await api.fetchUserSignupQueryParams(SEEDED.member), { userSignupQueryParameters: {} })
  t.equal(await api.deleteUser(userId), true)
  t.equal(await api.deleteUser(userId), false)
})

test('migration, magic links and access tokens', async (t) => {
  const { api, standIn } = await plugin(t)
  const migrated = await api.migrateUserFromExternalSource({ email: 'old@legacy.test', emailConfirmed: true, existingUserId: 'legacy-1', existingPasswordHash: '$2b$10$hash' })
  t.match(await api.fetchUserMetadataByUserId(migrated.userId), { legacyUserId: 'legacy-1', hasPassword: true })
  t.equal(await api.migrateUserPassword({ userId: migrated.userId, passwordHash: '$2b$10$other' }), true)
  t.match(await api.createMagicLink({ email: 'member@acme.test', expiresInHours: 2, expiresAfterFirstUse: true }), { url: /\/magic_link\?t=/ })
  t.equal([...standIn.state.magicLinks.values()][0].expireAfterFirstUse, true)
  const { access_token: token } = await api.createAccessToken({ userId: SEEDED.member, durationInMinutes: 5, activeOrgId: SEEDED.acme })
  t.match(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()), { user_id: SEEDED.member, org_member_info: { org_id: SEEDED.acme } })
  t.type(await rejection(api.createAccessToken({ userId: crypto.randomUUID(), durationInMinutes: 5 })), UserNotFoundException)
})

test('orgs, memberships and invitations', async (t) => {
  const { api, standIn } = await plugin(t)
  t.match(await api.fetchOrg(SEEDED.acme), { orgId: SEEDED.acme, name: 'Acme Inc', urlSafeOrgSlug: 'acme-inc', domain: 'acme.test' })
  t.equal(await api.fetchOrg(crypto.randomUUID()), null)
  const { orgId } = await api.createOrg({ name: 'Globex', maxUsers: 10, legacyOrgId: 'g-1' })
  t.match(await api.fetchOrgByQuery({ orderBy: 'NAME', name: 'glob' }), { totalOrgs: 1, orgs: [{ orgId, name: 'Globex', maxUsers: 10, legacyOrgId: 'g-1', isSamlConfigured: false }] })
  t.same(await api.fetchCustomRoleMappings(), { customRoleMappings: [] })
  t.equal(await api.updateOrg({ orgId, name: 'Globex Corp', metadata: { tier: 'gold' } }), true)
  t.equal(await api.updateOrg({ orgId: crypto.randomUUID(), name: 'X' }), false)
  t.type(await rejection(api.subscribeOrgToRoleMapping(orgId, 'No such mapping')), UpdateOrgException)

  t.equal(await api.addUserToOrg({ userId: SEEDED.outsider, orgId, role: 'Member' }), true)
  t.equal(await api.changeUserRoleInOrg({ userId: SEEDED.outsider, orgId, role: 'Admin' }), true)
  const token = JSON.parse(Buffer.from((await standIn.createAccessToken(SEEDED.outsider)).split('.')[1], 'base64url').toString())
  t.match(token.org_id_to_org_member_info[orgId], { org_name: 'Globex Corp', user_role: 'Admin' }, 'the next token carries the change')
  t.match(await api.fetchUsersInOrg({ orgId, role: 'Admin' }), { totalUsers: 1, users: [{ userId: SEEDED.outsider, roleInOrg: 'Admin' }] })
  t.equal(await api.removeUserFromOrg({ userId: SEEDED.outsider, orgId }), true)
  t.equal(await api.removeUserFromOrg({ userId: SEEDED.outsider, orgId }), false)

  t.equal(await api.inviteUserToOrg({ orgId, email: 'friend@globex.test', role: 'Member' }), true)
  t.equal(await api.inviteUserToOrgByUserId({ orgId, userId: SEEDED.member, role: 'Owner' }), true)
  t.match(await api.fetchPendingInvites({ orgId }), { totalInvites: 2, invites: [{ inviteeEmail: 'friend@globex.test', orgName: 'Globex Corp', roleInOrg: 'Member' }, { inviteeEmail: 'member@acme.test' }] })
  t.equal(await api.revokePendingOrgInvite({ orgId, inviteeEmail: 'friend@globex.test' }), true)
  t.equal(await api.revokePendingOrgInvite({ orgId, inviteeEmail: 'friend@globex.test' }), false)
  t.equal(await api.deleteOrg(orgId), true)
  t.equal(await api.deleteOrg(orgId), false)
})

test('SAML and OIDC', async (t) => {
  const { api } = await plugin(t)
  t.equal(await api.allowOrgToSetupSamlConnection(SEEDED.acme), true)
  t.match(await api.createOrgSamlConnectionLink(SEEDED.acme, 3600), { url: /\/saml\/setup/ })
  t.match(await api.fetchSamlSpMetadata(SEEDED.acme), { entityId: /\/saml\//, acsUrl: /\/acs$/, logoutUrl: /\/logout$/ })
  t.equal(await api.setSamlIdpMetadata(SEEDED.acme, { idpEntityId: 'https://idp.test', idpSsoUrl: 'https://idp.test/sso', idpCertificate: 'CERT', provider: 'Okta' }), true)
  t.equal(await api.samlGoLive(SEEDED.acme), true)
  t.match(await api.fetchOrg(SEEDED.acme), { isSamlConfigured: true })
  t.equal(await api.deleteSamlConnection(SEEDED.acme), true)
  t.equal(await api.deleteSamlConnection(SEEDED.acme), false)
  t.equal(await api.setOidcIdpMetadata({ orgId: SEEDED.acme, clientId: 'c', clientSecret: 's', usesPkce: false, idpType: 'Okta', oktaSsoDomain: 'acme.okta.test' }), true)
  t.equal(await api.disallowOrgToSetupSamlConnection(SEEDED.acme), true)
})

test('end-user API keys', async (t) => {
  const clock = createManualClock(Date.UTC(2031, 0, 1))
  const { api } = await plugin(t, { now: clock.now, rateLimits: [{ path: '/api/backend/v1/end_user_api_keys/validate', max: 4, windowSeconds: 30 }] })
  const personal = await api.createApiKey({ userId: SEEDED.member, displayName: 'laptop', metadata: { scope: 'read' } })
  t.match(await api.fetchApiKey(personal.apiKeyId), { apiKeyId: personal.apiKeyId, userId: SEEDED.member, displayName: 'laptop', metadata: { scope: 'read' } })
  t.match(await api.fetchCurrentApiKeys({ userEmail: 'member@acme.test' }), { totalApiKeys: 1, apiKeys: [{ apiKeyId: personal.apiKeyId }] })
  t.equal(await api.updateApiKey(personal.apiKeyId, { expiresAtSeconds: Date.UTC(2031, 1, 1) / 1000 }), true)
  t.equal((await api.validatePersonalApiKey(`Bearer ${personal.apiKeyToken}`)).user.userId, SEEDED.member)
  t.match((await api.validateOrgApiKey(SEEDED.acmeApiKeyToken)).org, { orgId: SEEDED.acme, orgName: 'Acme Inc' })
  t.type(await rejection(api.validateOrgApiKey(personal.apiKeyToken)), ApiKeyValidateException)
  const invalid = await rejection(api.validateApiKey('not-a-key'))
  t.type(invalid, ApiKeyValidateException)
  t.same((invalid as ApiKeyValidateException).fieldToErrors, { api_key_token: ['Invalid API key'] })
  const limited = await rejection(api.validateApiKey(personal.apiKeyToken))
  t.type(limited, ApiKeyValidateRateLimitedException)
  t.equal((limited as ApiKeyValidateRateLimitedException).waitSeconds, 30)
  t.same(await api.fetchApiKeyUsage({ date: '2031-01-01', api_key_id: personal.apiKeyId }), { count: 2 })

  t.match(await api.importApiKey({ importedApiKey: 'legacy-token', orgId: SEEDED.acme }), { apiKeyId: /^[0-9a-f]{32}$/ })
  clock.advance(30_000)
  t.match(await api.validateImportedApiKey('legacy-token'), { org: { orgId: SEEDED.acme } })
  t.equal(await api.deleteApiKey(personal.apiKeyId), true)
  t.equal(await api.deleteApiKey(personal.apiKeyId), false)
  t.match(await api.fetchArchivedApiKeys({ userId: SEEDED.member }), { totalApiKeys: 1 })
})

test('step-up MFA', async (t) => {
  const { api, standIn } = await plugin(t)
  const request = { actionType: 'delete', userId: SEEDED.admin, code: standIn.mfaCode, grantType: 'ONE_TIME_USE' as const, validForSeconds: 60 }
  const { stepUpGrant } = await api.verifyStepUpTotpChallenge(request)
  t.same(await api.verifyStepUpGrant({ actionType: 'delete', userId: SEEDED.admin, grant: stepUpGrant }), { success: true })
  t.same(await api.verifyStepUpGrant({ actionType: 'delete', userId: SEEDED.admin, grant: stepUpGrant }), { success: false })
  t.type(await rejection(api.verifyStepUpTotpChallenge({ ...request, code: '000000' })), IncorrectMfaCodeException)
  t.type(await rejection(api.verifyStepUpTotpChallenge({ ...request, userId: SEEDED.member })), MfaNotEnabledException)
  t.type(await rejection(api.verifyStepUpTotpChallenge({ ...request, userId: crypto.randomUUID() })), UserNotFoundException)
  const mfa = await api.fetchUserMfaMethods(SEEDED.owner)
  t.match(mfa, { mfaSetup: { type: 'Phone', phoneNumbers: [{ mfaPhoneNumberSuffix: '0100', mfaPhoneId: String }] } })
  const { challengeId } = await api.sendSmsMfaCode({ actionType: 'wire', userId: SEEDED.owner, mfaPhoneId: mfa!.mfaSetup!.phoneNumbers![0].mfaPhoneId, grantType: 'TIME_BASED', validForSeconds: 60 })
  const sms = await api.verifySmsChallenge({ challengeId, userId: SEEDED.owner, code: standIn.mfaCode })
  t.same(await api.verifyStepUpGrant({ actionType: 'wire', userId: SEEDED.owner, grant: sms.stepUpGrant }), { success: true })
  standIn.features.stepUpMfa = false
  t.type(await rejection(api.verifyStepUpTotpChallenge(request)), FeatureGatedException)
})

test('employees, SCIM, reports and chart metrics', async (t) => {
  const { api, standIn } = await plugin(t)
  t.same(await api.fetchEmployeeById(SEEDED.employee), { email: 'support@propelauth.test' })
  t.equal(await api.fetchEmployeeById(crypto.randomUUID()), null)
  const groups = await api.fetchOrgScimGroups({ orgId: SEEDED.acme })
  t.match(groups, { totalGroups: 1, groups: [{ displayName: 'Engineering', externalIdFromIdp: 'eng' }] })
  t.match(await api.fetchScimGroup({ orgId: SEEDED.acme, groupId: groups.groups[0].groupId }), { members: [{ userId: SEEDED.admin }, { userId: SEEDED.member }] })
  for (const report of [
    await api.fetchUserTopInviterReport(),
    await api.fetchUserChampionReport(),
    await api.fetchUserReengagementReport(ReengagementReportInterval.MONTHLY),
    await api.fetchUserChurnReport(ChurnReportInterval.SEVEN_DAYS, { pageSize: 5, pageNumber: 0 })
  ]) t.match(report, { userReports: Array, currentPage: 0, totalCount: Number, reportTime: Number })
  for (const report of [
    await api.fetchOrgReengagementReport(),
    await api.fetchOrgChurnReport(),
    await api.fetchOrgGrowthReport(GrowthReportInterval.NINETY_DAYS),
    await api.fetchOrgAttritionReport()
  ]) t.match(report, { orgReports: Array, currentPage: 0, totalCount: Number, reportTime: Number })
  const chart = await api.fetchChartMetricData(ChartMetric.SIGNUPS, ChartMetricCadence.DAILY, new Date(Date.now() - 6 * 86_400_000), new Date())
  t.equal(chart.metrics.length, 7)
  standIn.features.orgs = false
  t.match(await rejection(api.fetchOrg(SEEDED.acme)), { message: /B2B/ })
})

test('every function of the client ran against the stand-in above', async (t) => {
  t.ok(allFunctions.length >= 78, `${allFunctions.length} functions`)
  t.same(allFunctions.filter((name) => !called.has(name)), [])
})
