// PropelAuth's own Node library (@propelauth/node) against the stand-in: the
// strongest check that the stand-in is compatible. The library's base URL is
// hard-coded to https://propelauth-api.com, so fetch is redirected here.
import { test } from 'tap'
import {
  ApiKeyValidateException,
  ApiKeyValidateRateLimitedException,
  ChartMetric,
  ChartMetricCadence,
  ChurnReportInterval,
  CreateUserException,
  FeatureGatedException,
  GrowthReportInterval,
  IncorrectMfaCodeException,
  initBaseAuth,
  MfaNotEnabledException,
  OrgMemberInfo,
  ReengagementReportInterval,
  UserNotFoundException
} from '@propelauth/node'
import { createManualClock, type StandInOptions } from '../index.js'
import { harness, SEEDED } from './helpers/harness.js'

type Auth = ReturnType<typeof initBaseAuth>

const realFetch = globalThis.fetch

/** Sends the library's calls to `backend` until the test ends. */
function redirectFetch (t: { teardown: (fn: () => unknown) => void }, backend: string): void {
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url.startsWith('https://propelauth-api.com/')) return await realFetch(backend + url.slice('https://propelauth-api.com'.length), init)
    return await realFetch(input, init)
  }
  t.teardown(() => { globalThis.fetch = realFetch })
}

/** What a promise rejected with (tap's `rejects` matches classes by shape, not `instanceof`). */
async function rejection (promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => undefined, (error: unknown) => error)
}

/** Every API function of the library, to check at the end that each was run. */
const called = new Set<string>()
let allFunctions: string[] = []

async function official (t: { teardown: (fn: () => unknown) => void }, options: StandInOptions = {}): Promise<Auth & { standIn: Awaited<ReturnType<typeof harness>>['standIn'] }> {
  const { standIn } = await harness(t, options)
  redirectFetch(t, standIn.apiBaseUrl)
  const auth = initBaseAuth({ authUrl: standIn.authUrl, apiKey: standIn.apiKey })
  allFunctions = Object.keys(auth).filter((name) => typeof (auth as any)[name] === 'function' && !name.startsWith('validateAccessToken'))
  const recording = new Proxy(auth, {
    get (target, name: string) {
      called.add(name)
      return (target as any)[name]
    }
  })
  return Object.assign(recording, { standIn })
}

test('token verification: the library fetches the key from the stand-in and accepts its tokens with their orgs and roles', async (t) => {
  const auth = await official(t)
  const token = await auth.standIn.createAccessToken('admin@acme.test')
  const user = await auth.validateAccessTokenAndGetUser(`Bearer ${token}`)
  t.equal(user.userId, SEEDED.admin)
  t.equal(user.email, 'admin@acme.test')
  const { orgMemberInfo } = await auth.validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole(`Bearer ${token}`, { orgId: SEEDED.acme }, 'Member')
  t.ok(orgMemberInfo.isRole('Admin'))
  t.ok(orgMemberInfo.hasPermission('can_invite'))
  t.match(await rejection(auth.validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole(`Bearer ${token}`, { orgId: SEEDED.acme }, 'Owner')), { status: 403 })
  const userClass = await auth.validateAccessTokenAndGetUserClass(`Bearer ${await auth.standIn.createAccessToken('owner@acme.test', { activeOrgId: SEEDED.acme })}`)
  t.equal(userClass.getActiveOrgId(), SEEDED.acme)
})

test('users: fetch, batch, query, create, update, passwords, switches, delete', async (t) => {
  const auth = await official(t)
  const owner = await auth.fetchUserMetadataByUserId(SEEDED.owner, true)
  t.match(owner, { userId: SEEDED.owner, email: 'owner@acme.test', emailConfirmed: true, hasPassword: true, mfaEnabled: true })
  t.type(owner!.orgIdToOrgInfo![SEEDED.acme], OrgMemberInfo)
  t.equal(owner!.orgIdToOrgInfo![SEEDED.acme].userAssignedRole, 'Owner')
  t.equal((await auth.fetchUserMetadataByEmail('admin@acme.test'))!.userId, SEEDED.admin)
  t.equal(await auth.fetchUserMetadataByUserId(crypto.randomUUID()), null)
  t.equal(await auth.fetchUserMetadataByEmail('nobody@acme.test'), null)
  t.same(Object.keys(await auth.fetchBatchUserMetadataByUserIds([SEEDED.owner, SEEDED.member, crypto.randomUUID()])).sort(), [SEEDED.owner, SEEDED.member].sort())
  t.same(Object.keys(await auth.fetchBatchUserMetadataByEmails(['admin@acme.test'], true)), ['admin@acme.test'])

  const { userId } = await auth.createUser({ email: 'ada@acme.test', password: 'correct-horse', username: 'ada', firstName: 'Ada', properties: { plan: 'pro' } })
  t.match(await auth.fetchUserMetadataByUsername('ada'), { userId, firstName: 'Ada', properties: { plan: 'pro' } })
  t.same(Object.keys(await auth.fetchBatchUserMetadataByUsernames(['ada', 'nobody'])), ['ada'])
  const duplicate = await auth.createUser({ email: 'ada@acme.test', password: 'short' }).catch((error: unknown) => error)
  t.type(duplicate, CreateUserException)
  t.same((duplicate as CreateUserException).fieldToErrors, { email: ['A user with this email already exists'], password: ['Password must be at least 8 characters'] })

  const page = await auth.fetchUsersByQuery({ pageSize: 2, pageNumber: 0, orderBy: 'EMAIL', emailOrUsername: 'acme' })
  t.match(page, { totalUsers: 4, currentPage: 0, pageSize: 2, hasMoreResults: true })
  t.same(page.users.map((user) => user.email), ['ada@acme.test', 'admin@acme.test'])

  t.equal(await auth.updateUserMetadata(userId, { lastName: 'Lovelace', metadata: { vip: true } }), true)
  t.equal(await auth.updateUserMetadata(crypto.randomUUID(), { lastName: 'X' }), false)
  t.equal(await auth.updateUserEmail(userId, { newEmail: 'ada@lovelace.test', requireEmailConfirmation: false }), true)
  t.equal(await auth.updateUserPassword(userId, { password: 'another-password' }), true)
  t.equal(await auth.clearUserPassword(userId), true)
  t.match(await auth.fetchUserMetadataByUserId(userId), { email: 'ada@lovelace.test', lastName: 'Lovelace', hasPassword: false, metadata: { vip: true } })

  for (const name of ['disableUser', 'enableUser', 'disableUser2fa', 'enableUserCanCreateOrgs', 'disableUserCanCreateOrgs', 'logoutAllUserSessions'] as const) {
    t.equal(await auth[name](userId), true, name)
    t.equal(await auth[name](crypto.randomUUID()), false, `${name} of an unknown user`)
  }
  t.equal(await auth.resendEmailConfirmation(crypto.randomUUID()), false)
  const unconfirmed = await auth.createUser({ email: 'later@acme.test', emailConfirmed: false, sendEmailToConfirmEmailAddress: false })
  t.equal(await auth.resendEmailConfirmation(unconfirmed.userId), true)

  t.same(await auth.fetchUserMfaMethods(SEEDED.admin), { mfaSetup: { type: 'Totp' } })
  t.same(await auth.fetchUserOAuthTokens(SEEDED.member), {})
  await t.rejects(auth.fetchFreshTokenFromProvider(SEEDED.member, 'google'), /Unknown error/)
  t.same(await auth.fetchUserSignupQueryParams(SEEDED.member), { userSignupQueryParameters: {} })

  t.equal(await auth.deleteUser(userId), true)
  t.equal(await auth.deleteUser(userId), false)
})

test('migration, magic links and access tokens', async (t) => {
  const auth = await official(t)
  const migrated = await auth.migrateUserFromExternalSource({ email: 'old@legacy.test', emailConfirmed: true, existingUserId: 'legacy-1', existingPasswordHash: '$2b$10$hash' })
  t.match(await auth.fetchUserMetadataByUserId(migrated.userId), { legacyUserId: 'legacy-1', hasPassword: true })
  t.same(await auth.migrateUserPassword({ userId: migrated.userId, passwordHash: '$2b$10$other' }), {}, 'the library returns the parsed body')
  t.equal(await auth.migrateUserPassword({ userId: 'not-an-id', passwordHash: 'x' }), false)

  const { url } = await auth.createMagicLink({ email: 'member@acme.test', redirectToUrl: 'https://app.test', expiresInHours: 2, expiresAfterFirstUse: true })
  t.match(url, /\/magic_link\?t=/)
  t.equal([...auth.standIn.state.magicLinks.values()][0].expireAfterFirstUse, true, 'the library\'s expiresAfterFirstUse arrives as expire_after_first_use')

  const { access_token: token } = await auth.createAccessToken({ userId: SEEDED.member, durationInMinutes: 5, activeOrgId: SEEDED.acme })
  const user = await auth.validateAccessTokenAndGetUser(`Bearer ${token}`)
  t.equal(user.activeOrgId, SEEDED.acme)
  t.type(await rejection(auth.createAccessToken({ userId: crypto.randomUUID(), durationInMinutes: 5 })), UserNotFoundException)
})

test('orgs, memberships and invitations: and the next token carries each change', async (t) => {
  const auth = await official(t)
  const org = await auth.fetchOrg(SEEDED.acme)
  t.match(org, { orgId: SEEDED.acme, name: 'Acme Inc', urlSafeOrgSlug: 'acme-inc', canSetupSaml: false, domain: 'acme.test' })
  t.equal(await auth.fetchOrg(crypto.randomUUID()), null)
  const { orgId, name } = await auth.createOrg({ name: 'Globex', maxUsers: 10, legacyOrgId: 'g-1' })
  t.equal(name, 'Globex')
  const query = await auth.fetchOrgByQuery({ pageSize: 10, orderBy: 'NAME', name: 'glob' })
  t.match(query, { totalOrgs: 1, currentPage: 0, hasMoreResults: false, orgs: [{ orgId, name: 'Globex', maxUsers: 10, legacyOrgId: 'g-1' }] })
  t.same(await auth.fetchCustomRoleMappings(), { customRoleMappings: [] })

  t.equal(await auth.updateOrg({ orgId, name: 'Globex Corp', metadata: { tier: 'gold' }, canJoinOnEmailDomainMatch: false }), true)
  t.equal(await auth.updateOrg({ orgId: crypto.randomUUID(), name: 'X' }), false)
  t.equal(await auth.subscribeOrgToRoleMapping(orgId, 'No such mapping').catch((error: Error) => error.constructor.name), 'UpdateOrgException')

  const tokenOrgs = async (): Promise<Record<string, any>> => {
    const { access_token: token } = await auth.createAccessToken({ userId: SEEDED.outsider, durationInMinutes: 5 })
    return (await auth.validateAccessTokenAndGetUser(`Bearer ${token}`)).orgIdToOrgMemberInfo ?? {}
  }
  t.equal(await auth.addUserToOrg({ userId: SEEDED.outsider, orgId, role: 'Member' }), true)
  t.equal((await tokenOrgs())[orgId].userAssignedRole, 'Member')
  t.equal(await auth.changeUserRoleInOrg({ userId: SEEDED.outsider, orgId, role: 'Admin' }), true)
  t.same((await tokenOrgs())[orgId].userInheritedRolesPlusCurrentRole, ['Admin', 'Member'])
  const members = await auth.fetchUsersInOrg({ orgId, role: 'Admin' })
  t.match(members, { totalUsers: 1, users: [{ userId: SEEDED.outsider, roleInOrg: 'Admin', additionalRolesInOrg: [] }] })
  t.equal(await auth.removeUserFromOrg({ userId: SEEDED.outsider, orgId }), true)
  t.same(await tokenOrgs(), {})
  t.equal(await auth.removeUserFromOrg({ userId: SEEDED.outsider, orgId }), false)

  t.equal(await auth.inviteUserToOrg({ orgId, email: 'friend@globex.test', role: 'Member' }), true)
  t.equal(await auth.inviteUserToOrgByUserId({ orgId, userId: SEEDED.member, role: 'Owner' }), true)
  const invites = await auth.fetchPendingInvites({ orgId })
  t.match(invites, { totalInvites: 2, invites: [{ inviteeEmail: 'friend@globex.test', orgName: 'Globex Corp', roleInOrg: 'Member' }, { inviteeEmail: 'member@acme.test' }] })
  t.equal(await auth.revokePendingOrgInvite({ orgId, inviteeEmail: 'friend@globex.test' }), true)
  t.equal(await auth.revokePendingOrgInvite({ orgId, inviteeEmail: 'friend@globex.test' }), false)
  t.equal(await auth.deleteOrg(orgId), true)
  t.equal(await auth.deleteOrg(orgId), false)
})

test('SAML and OIDC', async (t) => {
  const auth = await official(t)
  t.equal(await auth.allowOrgToSetupSamlConnection(SEEDED.acme), true)
  t.match(await auth.createOrgSamlConnectionLink(SEEDED.acme, 3600), { url: /\/saml\/setup/ })
  t.match(await auth.fetchSamlSpMetadata(SEEDED.acme), { entityId: /\/saml\//, acsUrl: /\/acs$/, logoutUrl: /\/logout$/ })
  t.equal(await auth.setSamlIdpMetadata(SEEDED.acme, { idpEntityId: 'https://idp.test', idpSsoUrl: 'https://idp.test/sso', idpCertificate: 'CERT', provider: 'Okta' }), true)
  t.match(await auth.fetchOrg(SEEDED.acme), { isSamlInTestMode: true })
  t.equal(await auth.samlGoLive(SEEDED.acme), true)
  t.match(await auth.fetchOrg(SEEDED.acme), { isSamlConfigured: true })
  t.equal(await auth.deleteSamlConnection(SEEDED.acme), true)
  t.equal(await auth.setOidcIdpMetadata({ orgId: SEEDED.acme, clientId: 'c', clientSecret: 's', usesPkce: true, idpType: 'Generic', authUrl: 'https://idp.test/a', tokenUrl: 'https://idp.test/t', userinfoUrl: 'https://idp.test/u' }), true)
  t.equal(await auth.disallowOrgToSetupSamlConnection(SEEDED.acme), true)
  await t.rejects(auth.createOrgSamlConnectionLink(crypto.randomUUID()), /Org not found/)
})

test('end-user API keys: create, fetch, list, update, validate (personal and org), usage, import, delete', async (t) => {
  const clock = createManualClock(Date.UTC(2031, 0, 1))
  const auth = await official(t, { now: clock.now, rateLimits: [{ path: '/api/backend/v1/end_user_api_keys/validate', max: 4 }] })
  const personal = await auth.createApiKey({ userId: SEEDED.member, displayName: 'laptop', metadata: { scope: 'read' } })
  t.match(personal.apiKeyId, /^[0-9a-f]{32}$/)
  t.match(await auth.fetchApiKey(personal.apiKeyId), { apiKeyId: personal.apiKeyId, userId: SEEDED.member, displayName: 'laptop', metadata: { scope: 'read' } })
  t.match(await auth.fetchCurrentApiKeys({ userEmail: 'member@acme.test' }), { totalApiKeys: 1, apiKeys: [{ apiKeyId: personal.apiKeyId }] })
  t.equal(await auth.updateApiKey(personal.apiKeyId, { expiresAtSeconds: Date.UTC(2031, 1, 1) / 1000 }), true)

  const validation = await auth.validatePersonalApiKey(`Bearer ${personal.apiKeyToken}`)
  t.equal(validation.user.userId, SEEDED.member)
  const org = await auth.validateOrgApiKey(SEEDED.acmeApiKeyToken)
  t.match(org.org, { orgId: SEEDED.acme })
  t.type(await rejection(auth.validateOrgApiKey(personal.apiKeyToken)), ApiKeyValidateException)
  const invalid = await auth.validateApiKey('not-a-key').catch((error: unknown) => error)
  t.type(invalid, ApiKeyValidateException)
  t.same((invalid as ApiKeyValidateException).fieldToErrors, { api_key_token: ['Invalid API key'] })
  const limited = await auth.validateApiKey(personal.apiKeyToken).catch((error: unknown) => error)
  t.type(limited, ApiKeyValidateRateLimitedException)
  t.equal((limited as ApiKeyValidateRateLimitedException).waitSeconds, 60)
  t.same(await auth.fetchApiKeyUsage({ date: '2031-01-01', api_key_id: personal.apiKeyId }), { count: 2 })

  const imported = await auth.importApiKey({ importedApiKey: 'legacy-token', orgId: SEEDED.acme })
  t.match(imported, { apiKeyId: /^[0-9a-f]{32}$/ })
  clock.advance(60_000)
  t.match(await auth.validateImportedApiKey('legacy-token'), { org: { orgId: SEEDED.acme } })

  t.equal(await auth.deleteApiKey(personal.apiKeyId), true)
  t.equal(await auth.deleteApiKey(personal.apiKeyId), false)
  t.match(await auth.fetchArchivedApiKeys({ userId: SEEDED.member }), { totalApiKeys: 1 })
})

test('step-up MFA with the deterministic test code; the library\'s exceptions follow error_code', async (t) => {
  const auth = await official(t)
  const request = { actionType: 'delete', userId: SEEDED.admin, code: auth.standIn.mfaCode, grantType: 'ONE_TIME_USE' as any, validForSeconds: 60 }
  const { stepUpGrant } = await auth.verifyStepUpTotpChallenge(request)
  t.same(await auth.verifyStepUpGrant({ actionType: 'delete', userId: SEEDED.admin, grant: stepUpGrant }), { success: true })
  t.same(await auth.verifyStepUpGrant({ actionType: 'delete', userId: SEEDED.admin, grant: stepUpGrant }), { success: false })
  t.type(await rejection(auth.verifyStepUpTotpChallenge({ ...request, code: '000000' })), IncorrectMfaCodeException)
  t.type(await rejection(auth.verifyStepUpTotpChallenge({ ...request, userId: SEEDED.member })), MfaNotEnabledException)
  t.type(await rejection(auth.verifyStepUpTotpChallenge({ ...request, userId: crypto.randomUUID() })), UserNotFoundException)

  const mfa = await auth.fetchUserMfaMethods(SEEDED.owner) as any
  const { challengeId } = await auth.sendSmsMfaCode({ actionType: 'wire', userId: SEEDED.owner, mfaPhoneId: mfa.mfaSetup.phoneNumbers[0].mfaPhoneId, grantType: 'TIME_BASED' as any, validForSeconds: 60 })
  const sms = await auth.verifySmsChallenge({ challengeId, userId: SEEDED.owner, code: auth.standIn.mfaCode })
  t.same(await auth.verifyStepUpGrant({ actionType: 'wire', userId: SEEDED.owner, grant: sms.stepUpGrant }), { success: true })

  auth.standIn.features.stepUpMfa = false
  t.type(await rejection(auth.verifyStepUpTotpChallenge(request)), FeatureGatedException)
})

test('employees, SCIM, reports and chart metrics', async (t) => {
  const auth = await official(t)
  t.same(await auth.fetchEmployeeById(SEEDED.employee), { email: 'support@propelauth.test' })
  t.equal(await auth.fetchEmployeeById(crypto.randomUUID()), null)
  const groups = await auth.fetchOrgScimGroups({ orgId: SEEDED.acme })
  t.match(groups, { totalGroups: 1, groups: [{ displayName: 'Engineering', externalIdFromIdp: 'eng' }] })
  t.match(await auth.fetchScimGroup({ orgId: SEEDED.acme, groupId: groups.groups[0].groupId }), { members: [{ userId: SEEDED.admin }, { userId: SEEDED.member }] })

  for (const report of [
    await auth.fetchUserTopInviterReport(),
    await auth.fetchUserChampionReport(),
    await auth.fetchUserReengagementReport(ReengagementReportInterval.MONTHLY),
    await auth.fetchUserChurnReport(ChurnReportInterval.SEVEN_DAYS, { pageSize: 5, pageNumber: 0 })
  ]) {
    t.match(report, { userReports: Array, currentPage: 0, totalCount: Number, hasMoreResults: Boolean, reportTime: Number })
  }
  for (const report of [
    await auth.fetchOrgReengagementReport(),
    await auth.fetchOrgChurnReport(),
    await auth.fetchOrgGrowthReport(GrowthReportInterval.NINETY_DAYS),
    await auth.fetchOrgAttritionReport()
  ]) {
    t.match(report, { orgReports: Array, currentPage: 0, totalCount: Number, reportTime: Number })
  }
  const chart = await auth.fetchChartMetricData(ChartMetric.SIGNUPS, ChartMetricCadence.DAILY, new Date(Date.now() - 6 * 86_400_000), new Date())
  t.equal(chart.metrics.length, 7)
  t.match(chart.metrics[0], { result: Number, date: /^\d{4}-\d{2}-\d{2}$/, cadenceCompleted: true })

  auth.standIn.features.orgs = false
  await t.rejects(auth.fetchOrg(SEEDED.acme), /Cannot use organizations unless B2B support is enabled/)
})

test('every API function of @propelauth/node was run against the stand-in above', async (t) => {
  t.ok(allFunctions.length >= 78, `${allFunctions.length} functions`)
  t.same(allFunctions.filter((name) => !called.has(name)), [])
})
