import { describe, expect, test } from 'tstyche'
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify'
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import propelAuth, {
  errors,
  fastifyPropelAuth,
  type FastifyPropelAuthOptions,
  type OrgMemberInfo,
  type PropelAuthDecorator,
  type PropelAuthHook,
  type RequiredOrgOptions,
  type TokenVerificationMetadata,
  type User,
  type UserAndOrgMemberInfo
} from '../index.js'
import { startStandIn, type StandIn } from 'fastify-propelauth-standin'
import { createTestAuth, type MintAccessTokenOptions, type TestAuth } from '../lib/testing/index.js'

describe('module augmentation', () => {
  test('app.auth, request.user and request.org are typed without casts', () => {
    const app = Fastify()
    app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })
    expect(app.auth).type.toBe<PropelAuthDecorator>()
    expect(app.auth.requireUser).type.toBe<PropelAuthHook>()
    expect(app.auth.optionalUser).type.toBe<PropelAuthHook>()
    expect(app.auth.requireOrgMember()).type.toBe<PropelAuthHook>()
    expect(app.auth.requireOrgMemberWithMinimumRole('Admin')).type.toBe<PropelAuthHook>()
    expect(app.auth.requireOrgMemberWithExactRole('Admin')).type.toBe<PropelAuthHook>()
    expect(app.auth.requireOrgMemberWithPermission('read')).type.toBe<PropelAuthHook>()
    expect(app.auth.requireOrgMemberWithAllPermissions(['read', 'write'])).type.toBe<PropelAuthHook>()
    app.get('/', { onRequest: app.auth.requireUser }, async (request) => {
      expect(request.user).type.toBe<User | null>()
      expect(request.org).type.toBe<OrgMemberInfo | null>()
      return request.user?.userId
    })
  })

  test('User and OrgMemberInfo carry PropelAuth\'s fields and methods', () => {
    const user = {} as User
    expect(user.userId).type.toBe<string>()
    expect(user.email).type.toBe<string>()
    expect(user.activeOrgId).type.toBe<string | undefined>()
    expect(user.getOrg('o')).type.toBe<OrgMemberInfo | undefined>()
    expect(user.getOrgByName('Acme')).type.toBe<OrgMemberInfo | undefined>()
    expect(user.getOrgs()).type.toBe<OrgMemberInfo[]>()
    expect(user.isAtLeastRole('o', 'Admin')).type.toBe<boolean>()
    expect(user.hasAllPermissions('o', ['a'])).type.toBe<boolean>()
    expect(user.loginMethod.loginMethod).type.toBe<'password' | 'magic_link' | 'social_sso' | 'email_confirmation_link' | 'saml_sso' | 'impersonation' | 'generated_from_backend_api' | 'unknown'>()
    const org = {} as OrgMemberInfo
    expect(org.orgId).type.toBe<string>()
    expect(org.userAssignedRole).type.toBe<string>()
    expect(org.orgRoleStructure).type.toBe<'single_role_in_hierarchy' | 'multi_role'>()
    expect(org.isRole('Admin')).type.toBe<boolean>()
    // Frozen at runtime, read-only in the types (an expect-error that no longer fires fails the check).
    const mutate = (): void => {
      // @ts-expect-error Cannot assign to 'userId' because it is a read-only property
      user.userId = 'someone-else'
      // @ts-expect-error Property 'push' does not exist on type 'readonly string[]'
      org.userPermissions.push('delete')
    }
    expect(mutate).type.toBe<() => void>() // never called: the body is only type-checked
  })

  test('the outside-route validators return promises of the user (and org)', () => {
    const app = Fastify()
    expect(app.auth.validateAccessTokenAndGetUser('Bearer x')).type.toBe<Promise<User>>()
    expect(app.auth.validateAccessTokenAndGetUser(undefined)).type.toBe<Promise<User>>()
    expect(app.auth.validateAccessTokenAndGetUserClass('Bearer x')).type.toBe<Promise<User>>()
    expect(app.auth.validateAccessTokenAndGetUserWithOrgInfo('Bearer x', { orgId: 'o' })).type.toBe<Promise<UserAndOrgMemberInfo>>()
    expect(app.auth.validateAccessTokenAndGetUserWithOrgInfoWithMinimumRole).type.toBeCallableWith('Bearer x', { orgName: 'Acme' }, 'Admin')
    expect(app.auth.validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions).type.toBeCallableWith('Bearer x', {}, ['read'])
    expect(app.auth.validateAccessTokenAndGetUserWithOrgInfoWithAllPermissions).type.not.toBeCallableWith('Bearer x', {}, 'read')
  })
})

describe('typed accessors', () => {
  test('app.auth.user(request) is a User and app.auth.org(request) an OrgMemberInfo, with no `!`', () => {
    const app = Fastify()
    expect(app.auth.user).type.toBe<(request: FastifyRequest) => User>()
    expect(app.auth.org).type.toBe<(request: FastifyRequest) => OrgMemberInfo>()
    app.get('/me', { onRequest: app.auth.requireUser }, async (request) => {
      expect(app.auth.user(request)).type.toBe<User>()
      return { userId: app.auth.user(request).userId }
    })
    app.get('/api/org/:orgId', { onRequest: app.auth.requireOrgMember() }, async (request) => {
      expect(app.auth.org(request)).type.toBe<OrgMemberInfo>()
      return { orgName: app.auth.org(request).orgName }
    })
    expect(app.auth.user).type.not.toBeCallableWith()
    expect(app.auth.user).type.not.toBeCallableWith({ headers: {} })
  })

  test('requests of typed routes are accepted: TypeBox, generics, hooks', () => {
    const typed = Fastify().withTypeProvider<TypeBoxTypeProvider>()
    typed.post('/api/org/:orgId/projects', {
      schema: { params: Type.Object({ orgId: Type.String() }), body: Type.Object({ name: Type.String() }) },
      onRequest: typed.auth.requireOrgMemberWithPermission('can_create')
    }, async (request) => {
      expect(typed.auth.org(request)).type.toBe<OrgMemberInfo>()
      return { createdBy: typed.auth.user(request).userId, name: request.body.name }
    })
    const app = Fastify()
    app.get<{ Params: { orgId: string }, Querystring: { q: string } }>('/org/:orgId', { onRequest: app.auth.requireOrgMember() }, async (request) => {
      expect(app.auth.user(request)).type.toBe<User>()
      return request.query.q
    })
    app.addHook('preHandler', async (request) => {
      expect(app.auth.user(request)).type.toBe<User>()
    })
  })
})

describe('hooks', () => {
  test('assignable in onRequest, preValidation and preHandler, alone or in arrays', () => {
    const app = Fastify()
    app.get('/a', { onRequest: app.auth.requireUser }, async () => 'ok')
    app.get('/b', { preValidation: app.auth.optionalUser }, async () => 'ok')
    app.get('/c', { preHandler: app.auth.requireOrgMember() }, async () => 'ok')
    app.get('/d', { onRequest: [app.auth.requireUser, app.auth.requireOrgMemberWithMinimumRole('Admin')] }, async () => 'ok')
    app.get('/e', { preValidation: [app.auth.requireOrgMemberWithExactRole('Admin')] }, async () => 'ok')
    app.get('/f', { preHandler: [app.auth.requireOrgMemberWithPermission('read'), async (request) => { expect(request.org).type.toBe<OrgMemberInfo | null>() }] }, async () => 'ok')
    app.route({ method: 'POST', url: '/g', onRequest: app.auth.requireOrgMemberWithAllPermissions([]), handler: async () => 'ok' })
    app.addHook('onRequest', app.auth.optionalUser)
    app.addHook('preHandler', app.auth.requireUser)
    expect(app.get).type.not.toBeCallableWith('/h', { onSend: app.auth.requireUser }, async () => 'ok')
  })

  test('with the TypeBox type provider and typed params, body and query', () => {
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
    app.post('/api/org/:orgId/projects', {
      schema: {
        params: Type.Object({ orgId: Type.String() }),
        body: Type.Object({ name: Type.String() }),
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) })
      },
      onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin'),
      preValidation: [app.auth.requireUser],
      preHandler: [app.auth.requireOrgMemberWithPermission('can_create', { orgId: (request) => (request.params as { orgId?: string }).orgId })]
    }, async (request) => {
      expect(request.params.orgId).type.toBe<string>()
      expect(request.body.name).type.toBe<string>()
      expect(request.query.dryRun).type.toBe<boolean | undefined>()
      expect(request.user).type.toBe<User | null>()
      expect(request.org).type.toBe<OrgMemberInfo | null>()
      return { org: request.org?.orgName }
    })
  })

  test('with generic route types', () => {
    const app = Fastify()
    app.get<{ Params: { orgId: string }, Querystring: { q: string } }>('/org/:orgId', {
      onRequest: [app.auth.requireOrgMember()],
      preHandler: app.auth.requireUser
    }, async (request) => {
      expect(request.params.orgId).type.toBe<string>()
      return request.user?.userId
    })
  })

  test('org extractors receive the request and return the org id or name', () => {
    const app = Fastify()
    expect(app.auth.requireOrgMember).type.toBeCallableWith({ orgId: (request: FastifyRequest) => request.headers['x-org-id'] as string | undefined })
    expect(app.auth.requireOrgMember).type.toBeCallableWith({ orgName: () => 'Acme Inc' })
    expect(app.auth.requireOrgMember).type.not.toBeCallableWith({ orgId: 'acme' })
    expect(app.auth.requireOrgMember).type.not.toBeCallableWith({ orgId: () => 42 })
    expect(app.auth.requireOrgMemberWithMinimumRole).type.not.toBeCallableWith()
    expect(app.auth.requireOrgMemberWithAllPermissions).type.not.toBeCallableWith('read')
    expect({ orgId: () => undefined }).type.toBeAssignableTo<RequiredOrgOptions>()
  })

  test('in a plugin registered after this one', () => {
    const routes: FastifyPluginAsync = async (instance: FastifyInstance) => {
      instance.get('/me', { onRequest: instance.auth.requireUser }, async (request) => instance.auth.user(request).email)
    }
    const app = Fastify()
    app.register(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' }).register(routes)
  })
})

describe('options', () => {
  test('authUrl, apiKey and the verifier key may come from the environment; given, they are strings', () => {
    const app = Fastify()
    expect(app.register).type.toBeCallableWith(propelAuth, { authUrl: 'https://auth.example.com', apiKey: 'key' })
    expect(app.register).type.toBeCallableWith(propelAuth, { authUrl: 'https://auth.example.com', tokenVerificationMetadata: { verifierKey: '-----BEGIN PUBLIC KEY-----' } })
    // PROPELAUTH_AUTH_URL, PROPELAUTH_API_KEY and PROPELAUTH_VERIFIER_KEY fill in what is not given.
    expect(app.register).type.toBeCallableWith(propelAuth, { apiKey: 'key' })
    expect(app.register).type.toBeCallableWith(propelAuth)
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: new URL('https://auth.example.com'), apiKey: 'key' })
  })

  test('every option has its type', () => {
    const app = Fastify()
    const all: FastifyPropelAuthOptions = {
      authUrl: 'https://auth.example.com',
      apiKey: 'key',
      tokenVerificationMetadata: { verifierKey: 'pem', issuer: 'https://auth.example.com' },
      apiBaseUrl: 'https://propelauth-api.com',
      decorator: 'propelAuth',
      requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' },
      clockTolerance: 5,
      cache: { max: 100 },
      timeout: 5000,
      retries: 2,
      keyRefreshCooldown: 60,
      openapi: { securitySchemeName: 'propelauth', annotateRoutes: true }
    }
    expect(app.register).type.toBeCallableWith(propelAuth, all)
    expect(app.register).type.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', apiKey: 'k', cache: false, openapi: false })
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', cache: { max: 'many' } })
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', cache: true })
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', timeout: '10s' })
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', clockTolerance: '30s' })
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', tokenVerificationMetadata: { issuer: 'x' } })
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', requestDecorators: 'propelAuthUser' })
    expect(app.register).type.not.toBeCallableWith(propelAuth, { authUrl: 'https://a.example', requestDecorators: { user: 1 } })
    expect({ verifierKey: 'pem' }).type.toBeAssignableTo<TokenVerificationMetadata>()
  })

  test('the named export is the same plugin', () => {
    expect(fastifyPropelAuth).type.toBe(propelAuth)
  })

  test('error classes are exported with their codes', () => {
    const error = new errors.MissingTokenError()
    expect(error.code).type.toBe<'FST_PROPELAUTH_MISSING_TOKEN'>()
    expect(error.statusCode).type.toBe<401>()
  })
})

describe('testing kit', () => {
  test('createTestAuth gives plugin options and a typed minter', async () => {
    const testAuth = await createTestAuth({ roleHierarchy: ['Owner', 'Admin', 'Member'] })
    expect(testAuth).type.toBe<TestAuth>()
    const app = Fastify()
    expect(app.register).type.toBeCallableWith(propelAuth, testAuth.pluginOptions)
    expect(testAuth.mintAccessToken).type.toBeCallableWith({ email: 'a@example.com', orgs: [{ orgId: 'o', orgName: 'Acme', role: 'Admin' }], expiresIn: -1 })
    expect(testAuth.mintAccessToken).type.not.toBeCallableWith({ orgs: [{ orgId: 'o', role: 'Admin' }] })
    expect({ activeOrgId: 'o', claims: { custom: 1 } }).type.toBeAssignableTo<MintAccessTokenOptions>()
  })

  test('startStandIn gives plugin options for the real fetch path', async () => {
    const standIn = await startStandIn()
    expect(standIn).type.toBe<StandIn>()
    const app = Fastify()
    expect(app.register).type.toBeCallableWith(propelAuth, standIn.pluginOptions)
    expect(standIn.createAccessToken('owner@acme.test')).type.toBe<Promise<string>>()
  })
})
