import { expect, test } from 'tstyche'
import Fastify, { type FastifyRequest } from 'fastify'
import propelAuth, {
  ChartMetric,
  CreateUserException,
  OrgMemberInfo,
  RateLimitedException,
  createPropelAuthClient,
  type ApiKeyValidation,
  type OrgQueryResponse,
  type PropelAuthHook,
  type UserMetadata
} from '../index.js'

test('backend API functions on app.auth have the Node library\'s arguments and results', () => {
  const app = Fastify()
  app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })
  expect(app.auth.fetchUserMetadataByUserId('id', true)).type.toBe<Promise<UserMetadata | null>>()
  expect(app.auth.fetchOrgByQuery({ orderBy: 'NAME' })).type.toBe<Promise<OrgQueryResponse>>()
  expect(app.auth.fetchOrgByQuery).type.not.toBeCallableWith({ orderBy: 'EMAIL' })
  expect(app.auth.createUser).type.toBeCallableWith({ email: 'ada@example.com', emailConfirmed: true })
  expect(app.auth.createUser).type.not.toBeCallableWith({ emailAddress: 'ada@example.com' })
  expect(app.auth.fetchChartMetricData).type.toBeCallableWith(ChartMetric.SIGNUPS, 'Daily')
  expect(app.auth.fetchChartMetricData).type.not.toBeCallableWith('sign-ups', 'Daily')
  expect(app.auth.setOidcIdpMetadata).type.not.toBeCallableWith({ orgId: 'o', clientId: 'c', clientSecret: 's', usesPkce: true, idpType: 'Okta' })
})

test('results carry OrgMemberInfo instances, and exceptions their fields', async () => {
  const app = Fastify()
  const user = await app.auth.fetchUserMetadataByEmail('ada@example.com', true)
  expect(user?.orgIdToOrgInfo?.['org']).type.toBe<OrgMemberInfo | undefined>()
  expect(new CreateUserException('{}').fieldToErrors).type.toBe<Record<string, string[]>>()
  expect(new RateLimitedException('slow down').waitSeconds).type.toBe<number | undefined>()
})

test('API key guards are hooks; the validation is typed', () => {
  const app = Fastify()
  expect(app.auth.requireApiKey).type.toBe<PropelAuthHook>()
  expect(app.auth.requireUserOrApiKey).type.toBe<PropelAuthHook>()
  expect(app.auth.getApiKeyValidation({} as FastifyRequest)).type.toBe<ApiKeyValidation | undefined>()
})

test('createPropelAuthClient needs authUrl and apiKey', () => {
  expect(createPropelAuthClient).type.not.toBeCallableWith({ authUrl: 'https://auth.example.com' })
  const client = createPropelAuthClient({ authUrl: 'https://auth.example.com', apiKey: 'key', retries: 1 })
  expect(client.deleteOrg('org')).type.toBe<Promise<boolean>>()
})
