import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import swagger, { type SwaggerOptions } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import SwaggerParser from '@apidevtools/swagger-parser'
import propelAuth, { ErrorResponseSchema, OrgMemberInfoSchema, UserSchema, type FastifyPropelAuthOptions } from '../index.js'
import { createTestAuth, type TestAuth } from '../lib/testing/test-auth.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

type Json = Record<string, any>

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
/** The 401 codes of the API-key guards, and of the access-token checks `requireUserOrApiKey` also makes. */
const API_KEY_401 = ['FST_PROPELAUTH_MISSING_CREDENTIALS', 'FST_PROPELAUTH_INVALID_API_KEY']
const TOKEN_REFUSED_401 = ['FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER', 'FST_PROPELAUTH_INVALID_TOKEN', 'FST_PROPELAUTH_TOKEN_EXPIRED']
const ANNOTATION_KEY = 'x-fastify-propelauth'
const testAuth: TestAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const info = { title: 'docs test', version: '1.0.0' }

/** The routes every scenario declares: one per kind of guard, plus the cases the docs must get right. */
const routes: FastifyPluginAsync = async (app) => {
  app.get('/public', async () => ({ ok: true }))
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ userId: request.user!.userId }))
  app.get('/me/typed', {
    onRequest: app.auth.requireUser,
    schema: { description: 'The signed-in user.', response: { 200: UserSchema } }
  }, async (request) => request.user!)
  app.get('/maybe', { onRequest: app.auth.optionalUser }, async (request) => ({ userId: request.user?.userId ?? null }))
  app.get('/org/:orgId/admin', {
    onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin'),
    schema: { response: { 200: OrgMemberInfoSchema } }
  }, async (request) => request.org!)
  app.post('/org/:orgId/billing', {
    preHandler: [app.auth.requireUser, app.auth.requireOrgMemberWithPermission('can_view_billing')]
  }, async () => ({ ok: true }))
  app.get('/own-security', {
    onRequest: app.auth.requireUser,
    schema: { security: [{ partnerKey: [] }] }
  }, async () => ({ ok: true }))
  app.get('/own-401', {
    onRequest: app.auth.requireUser,
    schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, 401: { description: 'Sign in first', ...ErrorResponseSchema } } }
  }, async () => ({ ok: true }))
  app.get('/key', { onRequest: app.auth.requireApiKey }, async () => ({ ok: true }))
  app.get('/either', { onRequest: app.auth.requireUserOrApiKey }, async () => ({ ok: true }))
  app.get('/key/own-502', {
    onRequest: app.auth.requireApiKey,
    schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, 502: { description: 'Our gateway is down', ...ErrorResponseSchema } } }
  }, async () => ({ ok: true }))
  // A whole scope protected at once, not route by route.
  app.register(async (scope) => {
    app.auth.protect(scope, app.auth.requireOrgMember())
    scope.get('/scoped/:orgId/projects', async () => ({ projects: [] }))
    scope.register(async (nested) => {
      nested.get('/scoped/:orgId/nested', async () => ({ nested: true }))
    })
  })
}

const baseSwagger: SwaggerOptions = {
  openapi: {
    info,
    components: { securitySchemes: { partnerKey: { type: 'apiKey', in: 'header', name: 'x-partner-key' } } }
  }
}

interface Scenario {
  name: string
  build: (app: FastifyInstance) => Promise<void>
}

const auth: FastifyPropelAuthOptions = testAuth.pluginOptions

// Every registration order a user may write, with the routes declared after both plugins.
const scenarios: Scenario[] = [
  {
    name: 'swagger, then fastify-propelauth',
    build: async (app) => {
      await app.register(swagger, baseSwagger)
      await app.register(propelAuth, auth)
      await app.register(swaggerUi, { routePrefix: '/docs' })
      await app.register(routes)
    }
  },
  {
    name: 'fastify-propelauth, then swagger',
    build: async (app) => {
      await app.register(propelAuth, auth)
      await app.register(swagger, baseSwagger)
      await app.register(swaggerUi, { routePrefix: '/docs' })
      await app.register(routes)
    }
  },
  {
    name: 'nothing awaited: plugins, then routes in a plugin',
    build: async (app) => {
      app.register(propelAuth, auth)
      app.register(swagger, baseSwagger)
      app.register(swaggerUi, { routePrefix: '/docs' })
      app.register(routes)
    }
  },
  {
    name: 'swagger-ui registered before fastify-propelauth',
    build: async (app) => {
      await app.register(swagger, baseSwagger)
      await app.register(swaggerUi, { routePrefix: '/docs' })
      await app.register(propelAuth, auth)
      await app.register(routes)
    }
  },
  {
    name: 'swagger and the routes in a child scope, fastify-propelauth at the root',
    build: async (app) => {
      await app.register(propelAuth, auth)
      await app.register(async (child) => {
        await child.register(swagger, baseSwagger)
        await child.register(swaggerUi, { routePrefix: '/docs' })
        await child.register(routes)
      })
    }
  },
  {
    name: 'OpenAPI 3.1',
    build: async (app) => {
      await app.register(propelAuth, auth)
      await app.register(swagger, { openapi: { ...baseSwagger.openapi, openapi: '3.1.0' } })
      await app.register(routes)
      await app.register(swaggerUi, { routePrefix: '/docs' })
    }
  }
]

/** The document as Swagger UI gets it: /docs/json must never throw. */
async function documentOf (app: FastifyInstance): Promise<Json> {
  const response = await app.inject({ url: '/docs/json' })
  if (response.statusCode !== 200) throw new Error(`/docs/json answered ${response.statusCode}: ${response.body}`)
  return response.json()
}

async function buildScenario (scenario: Scenario): Promise<FastifyInstance> {
  const app = Fastify()
  await scenario.build(app)
  await app.ready()
  return app
}

function operation (doc: Json, path: string, method = 'get'): Json {
  const op = doc.paths?.[path]?.[method]
  if (op === undefined) throw new Error(`no ${method} ${path} in the document`)
  return op
}

/** `header`: the header the guard sets on this answer, or null for none. */
function assertErrorResponse (t: Test, response: Json | undefined, status: number, header: string | null = 'WWW-Authenticate'): void {
  t.ok(response, `${status} documented`)
  const schema = response?.content?.['application/json']?.schema
  t.same(Object.keys(schema?.properties ?? {}).sort(), ['code', 'error', 'message', 'statusCode'], `${status} schema lists exactly the error body`)
  t.same([...(schema?.required ?? [])].sort(), ['code', 'error', 'message', 'statusCode'])
  t.equal(schema?.properties?.statusCode?.type, 'integer')
  if (header !== null) t.ok(response?.headers?.[header], `${status} documents ${header}`)
  else t.equal(response?.headers, undefined, `${status} documents no header`)
  t.equal(response?.content?.['application/json']?.example?.statusCode, status)
}

for (const scenario of scenarios) {
  test(`document: ${scenario.name}`, async (t) => {
    const app = await buildScenario(scenario)
    t.teardown(() => app.close())
    const doc = await documentOf(app)

    await t.resolves(SwaggerParser.validate(structuredClone(doc) as any), 'valid OpenAPI document')
    t.notMatch(JSON.stringify(doc), ANNOTATION_KEY, 'no annotation left in the document')

    t.same(doc.components.securitySchemes.propelauth, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A PropelAuth access token (or, on routes that take one, an end-user API key), sent as `Authorization: Bearer <token>`.'
    })
    t.ok(doc.components.securitySchemes.partnerKey, "the user's own scheme is kept")

    const publicOp = operation(doc, '/public')
    t.equal(publicOp.security, undefined, 'unguarded route: no security')
    t.same(Object.keys(publicOp.responses), ['200'])

    const me = operation(doc, '/me')
    t.same(me.security, [{ propelauth: [] }])
    t.same(Object.keys(me.responses).sort(), ['200', '401'], 'the implicit 200 stays beside the 401, and requireUser adds no 429/502')
    assertErrorResponse(t, me.responses['401'], 401)
    t.match(me.description, /Requires a signed-in user/)

    const typed = operation(doc, '/me/typed')
    t.ok(typed.responses['200'].content['application/json'].schema.properties.userId, "the route's own 200 schema is kept")
    t.match(typed.description, /^The signed-in user\.\n\nRequires a signed-in user/, "the route's description comes first")

    const maybe = operation(doc, '/maybe')
    t.same(maybe.security, [{}, { propelauth: [] }], 'optionalUser: anonymous calls allowed too')
    t.same(Object.keys(maybe.responses), ['200'], 'optionalUser never answers 401')

    const admin = operation(doc, '/org/{orgId}/admin')
    t.same(admin.security, [{ propelauth: [] }])
    t.same(Object.keys(admin.responses).sort(), ['200', '401', '403'])
    assertErrorResponse(t, admin.responses['401'], 401)
    assertErrorResponse(t, admin.responses['403'], 403)
    t.match(admin.description, 'member of the org in `orgId` with role at least Admin')

    const billing = operation(doc, '/org/{orgId}/billing', 'post')
    t.same(billing.security, [{ propelauth: [] }], 'two guards, one requirement')
    t.same(Object.keys(billing.responses).sort(), ['200', '401', '403'])
    t.match(billing.description, 'member of the org in `orgId` with permission can_view_billing')
    t.notMatch(billing.description, 'signed-in user', 'the org requirement implies the signed-in user')

    const own = operation(doc, '/own-security')
    t.same(own.security, [{ partnerKey: [] }], "a route's own security is kept")
    t.ok(own.responses['401'], 'its guard still answers 401')

    const own401 = operation(doc, '/own-401')
    t.equal(own401.responses['401'].description, 'Sign in first', "a route's own 401 is kept")
    t.ok(own401.responses['401'].headers['WWW-Authenticate'], 'and gains the challenge header')
    t.ok(own401.responses['200'])

    for (const path of ['/key', '/either']) {
      const key = operation(doc, path)
      t.same(key.security, [{ propelauth: [] }], `${path}: API-key guard documented`)
      t.same(Object.keys(key.responses).sort(), ['200', '401', '429', '502', '503'], `${path}: 401, 429/502 from PropelAuth, 503 when too many keys wait`)
      assertErrorResponse(t, key.responses['401'], 401)
      assertErrorResponse(t, key.responses['429'], 429, 'Retry-After')
      assertErrorResponse(t, key.responses['502'], 502, null)
      assertErrorResponse(t, key.responses['503'], 503, 'Retry-After')
      t.same(key.responses['429'].headers['Retry-After'].schema, { type: 'integer' })
      const examples: Array<[string, string, string, string]> = [
        ['429', 'FST_PROPELAUTH_API_KEY_RATE_LIMITED', 'Too Many Requests', 'Too many attempts with this API key; retry later'],
        ['503', 'FST_PROPELAUTH_API_KEY_VALIDATION_BUSY', 'Service Unavailable', 'Too many API keys are being validated right now; retry later']
      ]
      for (const [status, code, error, message] of examples) {
        t.same(key.responses[status].content['application/json'].example, { statusCode: Number(status), code, error, message }, `${path}: ${status} example is the real error`)
        t.match(key.responses[status].description, code)
      }
      t.equal(key.responses['502'].content['application/json'].example.code, 'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE')
      t.match(key.responses['502'].description, 'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE')
    }
    t.match(operation(doc, '/key').description, /Requires a valid end-user API key/)

    // Their 401 is theirs, not the access-token one.
    const key401 = operation(doc, '/key').responses['401']
    t.ok(API_KEY_401.includes(key401.content['application/json'].example.code), '/key: the 401 example is an API-key error')
    for (const code of API_KEY_401) t.match(key401.description, code, `/key: the 401 lists ${code}`)
    t.notMatch(key401.description, /FST_PROPELAUTH_(MISSING_TOKEN|INVALID_TOKEN|TOKEN_EXPIRED|INVALID_AUTHORIZATION_HEADER)/, '/key: and no access-token code')
    t.notMatch(key401.headers['WWW-Authenticate'].description, 'access token', '/key: nor an access-token challenge')
    const either401 = operation(doc, '/either').responses['401']
    t.ok(API_KEY_401.includes(either401.content['application/json'].example.code), '/either: the 401 example is an API-key error')
    for (const code of [...API_KEY_401, ...TOKEN_REFUSED_401]) t.match(either401.description, code, `/either: the 401 lists ${code}`)
    t.notMatch(either401.description, 'FST_PROPELAUTH_MISSING_TOKEN', '/either: without credentials it says MISSING_CREDENTIALS, never MISSING_TOKEN')
    t.same(operation(doc, '/key/own-502').responses['401'], key401, 'the same 401 on every requireApiKey route')
    t.equal(me.responses['401'].content['application/json'].example.code, 'FST_PROPELAUTH_MISSING_TOKEN', 'requireUser keeps the access-token 401')
    t.match(me.responses['401'].description, 'FST_PROPELAUTH_MISSING_TOKEN')

    const own502 = operation(doc, '/key/own-502')
    t.equal(own502.responses['502'].description, 'Our gateway is down', "a route's own 502 is kept")
    t.equal(own502.responses['502'].headers, undefined, 'and gains no header: the guard sets none on a 502')
    assertErrorResponse(t, own502.responses['429'], 429, 'Retry-After')
    t.same(Object.keys(own502.responses).sort(), ['200', '401', '429', '502', '503'])

    for (const path of ['/scoped/{orgId}/projects', '/scoped/{orgId}/nested']) {
      const scoped = operation(doc, path)
      t.same(scoped.security, [{ propelauth: [] }], `${path}: protected scope documented`)
      t.same(Object.keys(scoped.responses).sort(), ['200', '401', '403'])
      t.match(scoped.description, 'member of the org in `orgId`')
    }

    // The same document again, and as YAML.
    t.same((await app.inject({ url: '/docs/json' })).json(), doc)
    const yaml = await app.inject({ url: '/docs/yaml' })
    t.equal(yaml.statusCode, 200)
    t.match(yaml.body, /securitySchemes:\n\s+partnerKey:[\s\S]*propelauth:\n\s+type: http/)
    t.match(yaml.body, /\/org\/\{orgId\}\/admin:[\s\S]*?security:\n\s+- propelauth: \[\]/)
    t.notMatch(yaml.body, ANNOTATION_KEY)
  })
}

test('the guards answer exactly as documented, nothing stripped by the response schemas', async (t) => {
  const app = await buildScenario(scenarios[0])
  t.teardown(() => app.close())
  const member = await testAuth.mintAccessToken({ userId: 'u-member', email: 'm@example.test', orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Member' }] })
  const admin = await testAuth.mintAccessToken({ userId: 'u-admin', metadata: { plan: { tier: 'pro' } }, orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Admin' }] })

  for (const url of ['/me', '/own-401', `/org/${ORG}/admin`, `/scoped/${ORG}/projects`]) {
    const anonymous = await app.inject({ url })
    t.equal(anonymous.statusCode, 401, `${url} anonymous`)
    t.same(anonymous.json(), {
      statusCode: 401,
      code: 'FST_PROPELAUTH_MISSING_TOKEN',
      error: 'Unauthorized',
      message: 'Missing access token: send "Authorization: Bearer <access token>"'
    }, `${url}: the whole error body`)
    t.equal(anonymous.headers['www-authenticate'], 'Bearer')
  }

  const forbidden = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: `Bearer ${member}` } })
  t.equal(forbidden.statusCode, 403)
  t.same(Object.keys(forbidden.json()).sort(), ['code', 'error', 'message', 'statusCode'])
  t.equal(forbidden.json().code, 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
  t.match(forbidden.headers['www-authenticate'], /insufficient_scope/)

  const user = await app.inject({ url: '/me/typed', headers: { authorization: `Bearer ${admin}` } })
  t.equal(user.statusCode, 200)
  t.equal(user.json().userId, 'u-admin', 'UserSchema serializes the user')
  t.same(user.json().metadata, { plan: { tier: 'pro' } }, 'nested metadata survives serialization')
  t.equal(user.json().orgIdToOrgMemberInfo[ORG].userAssignedRole, 'Admin')

  const org = await app.inject({ url: `/org/${ORG}/admin`, headers: { authorization: `Bearer ${admin}` } })
  t.same(org.json(), {
    orgId: ORG,
    orgName: 'Acme',
    urlSafeOrgName: 'acme',
    orgMetadata: {},
    userAssignedRole: 'Admin',
    userInheritedRolesPlusCurrentRole: ['Admin', 'Member'],
    userPermissions: [],
    orgRoleStructure: 'single_role_in_hierarchy',
    userAssignedAdditionalRoles: []
  }, 'OrgMemberInfoSchema serializes request.org whole')

  const scoped = await app.inject({ url: `/scoped/${ORG}/nested`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(scoped.statusCode, 200, 'a nested scope inherits the protection')

  // No `apiKey` option: the key cannot be checked with PropelAuth, so the guard answers the documented 502.
  const doc = await documentOf(app)
  const expired = await testAuth.mintAccessToken({ expiresIn: -60 })
  // Every 401 the guards send without asking PropelAuth: its code and its challenge are documented.
  const refusals: Array<[url: string, authorization: string | undefined, code: string]> = [
    ['/me', undefined, 'FST_PROPELAUTH_MISSING_TOKEN'],
    ['/me', 'Bearer two words', 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER'],
    ['/me', 'Bearer not.a.token', 'FST_PROPELAUTH_INVALID_TOKEN'],
    ['/me', `Bearer ${expired}`, 'FST_PROPELAUTH_TOKEN_EXPIRED'],
    ['/key', undefined, 'FST_PROPELAUTH_MISSING_CREDENTIALS'],
    ['/key', 'Basic dXNlcjpwYXNz', 'FST_PROPELAUTH_MISSING_CREDENTIALS'],
    ['/key', 'Bearer', 'FST_PROPELAUTH_INVALID_API_KEY'],
    ['/key', 'Bearer two words', 'FST_PROPELAUTH_INVALID_API_KEY'],
    ['/key', `Bearer ${'k'.repeat(1025)}`, 'FST_PROPELAUTH_INVALID_API_KEY'],
    ['/either', undefined, 'FST_PROPELAUTH_MISSING_CREDENTIALS'],
    ['/either', 'Bearer two words', 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER'],
    ['/either', `Bearer ${'k'.repeat(1025)}`, 'FST_PROPELAUTH_INVALID_API_KEY'],
    ['/either', 'Bearer not.a.token', 'FST_PROPELAUTH_INVALID_TOKEN'],
    ['/either', `Bearer ${expired}`, 'FST_PROPELAUTH_TOKEN_EXPIRED']
  ]
  for (const [url, authorization, code] of refusals) {
    const documented = operation(doc, url).responses['401']
    const answer = await app.inject({ url, headers: authorization === undefined ? {} : { authorization } })
    const what = `${url} with ${authorization === undefined ? 'no credentials' : authorization.slice(0, 20)}`
    t.equal(answer.statusCode, 401, what)
    t.equal(answer.json().code, code, `${what}: ${code}`)
    t.match(documented.description, answer.json().code, `${what}: the 401 description lists its code`)
    t.match(documented.headers['WWW-Authenticate'].description, `${code}: \`${answer.headers['www-authenticate']}\``, `${what}: its challenge is documented`)
    if (authorization === undefined) {
      t.same(answer.json(), documented.content['application/json'].example, `${what}: the documented example is the whole error body`)
    }
  }

  const unavailable = await app.inject({ url: '/key', headers: { authorization: `Bearer ${'k'.repeat(32)}` } })
  t.equal(unavailable.statusCode, 502)
  t.same(unavailable.json(), operation(doc, '/key').responses['502'].content['application/json'].example, '502: the documented example is the whole error body')
})

test('ErrorResponseSchema is exactly the error body', async (t) => {
  t.same(Object.keys(ErrorResponseSchema.properties).sort(), ['code', 'error', 'message', 'statusCode'])
  t.same([...ErrorResponseSchema.required].sort(), ['code', 'error', 'message', 'statusCode'])
  t.equal(ErrorResponseSchema.additionalProperties, undefined, 'nothing else forbidden: serialization decides')
})

test('exposed HEAD routes with an operationId are documented in both orders', async (t) => {
  for (const first of ['swagger', 'propelauth'] as const) {
    const app = Fastify({ exposeHeadRoutes: true })
    t.teardown(() => app.close())
    const swaggerOptions: SwaggerOptions = { openapi: { info }, exposeHeadRoutes: true }
    if (first === 'swagger') {
      await app.register(swagger, swaggerOptions)
      await app.register(propelAuth, auth)
    } else {
      await app.register(propelAuth, auth)
      await app.register(swagger, swaggerOptions)
    }
    app.get('/me', { onRequest: app.auth.requireUser, schema: { operationId: 'getMe' } }, async () => ({ ok: true }))
    await app.ready()
    const doc = app.swagger() as Json
    await t.resolves(SwaggerParser.validate(structuredClone(doc) as any))
    t.same(operation(doc, '/me', 'head').security, [{ propelauth: [] }], `${first} first: HEAD documented`)
    t.ok(operation(doc, '/me', 'head').responses['401'])
    t.same(operation(doc, '/me').security, [{ propelauth: [] }])
    const head = await app.inject({ method: 'HEAD', url: '/me' })
    t.equal(head.statusCode, 401, 'the HEAD twin is guarded too')
  }
})

test('security scheme name and annotation are configurable', async (t) => {
  const named = Fastify()
  t.teardown(() => named.close())
  await named.register(swagger, { openapi: { info } })
  await named.register(propelAuth, { ...auth, openapi: { securitySchemeName: 'bearerAuth' } })
  named.get('/me', { onRequest: named.auth.requireUser }, async () => ({ ok: true }))
  await named.ready()
  const doc = named.swagger() as Json
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as any))
  t.same(operation(doc, '/me').security, [{ bearerAuth: [] }])
  t.equal(doc.components.securitySchemes.bearerAuth.scheme, 'bearer')
  t.equal(doc.components.securitySchemes.propelauth, undefined)

  for (const openapi of [false, { annotateRoutes: false }] as const) {
    const off = Fastify()
    t.teardown(() => off.close())
    await off.register(swagger, { openapi: { info } })
    await off.register(propelAuth, { ...auth, openapi })
    off.get('/me', { onRequest: off.auth.requireUser }, async () => ({ ok: true }))
    await off.ready()
    const plain = off.swagger() as Json
    t.equal(operation(plain, '/me').security, undefined, `openapi: ${JSON.stringify(openapi)} leaves routes alone`)
    t.same(Object.keys(operation(plain, '/me').responses), ['200'])
    t.equal(plain.components.securitySchemes, undefined)
    t.equal((await off.inject({ url: '/me' })).statusCode, 401, 'the guard still guards')
  }
})

test("a scheme the user defined under our name is the user's", async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const mine = { type: 'http' as const, scheme: 'bearer', description: 'Our gateway token' }
  await app.register(swagger, { openapi: { info, components: { securitySchemes: { propelauth: mine } } } })
  await app.register(propelAuth, auth)
  app.get('/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.ready()
  const doc = app.swagger() as Json
  t.same(doc.components.securitySchemes.propelauth, mine)
  t.same(operation(doc, '/me').security, [{ propelauth: [] }])
})

test('swagger with no components at all still gets the scheme', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: {} })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(propelAuth, auth)
  app.get('/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.ready()
  const response = await app.inject({ url: '/docs/json' })
  t.equal(response.statusCode, 200, '/docs/json does not throw')
  const doc = response.json()
  await t.resolves(SwaggerParser.validate(doc))
  t.equal(doc.components.securitySchemes.propelauth.type, 'http')
})

test("a global transform still runs for guarded routes, and swagger-ui's own routes are left alone", async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const transformed: string[] = []
  const seen = new Map<string, unknown>()
  await app.register(propelAuth, auth)
  await app.register(swagger, {
    openapi: { info },
    transform: ({ schema, url }) => {
      transformed.push(url)
      return { schema, url }
    }
  })
  // Sees each route after fastify-propelauth's hook.
  app.addHook('onRoute', (route) => { seen.set(`${route.method} ${route.url}`, route.schema) })
  // The docs themselves behind a guard: a common setup.
  await app.register(swaggerUi, { routePrefix: '/docs', uiHooks: { onRequest: app.auth.requireUser } })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.ready()
  const doc = app.swagger() as Json
  t.ok(transformed.includes('/me'), 'the user transform was called for the guarded route')
  t.same(operation(doc, '/me').security, [{ propelauth: [] }])
  const docsRoutes = [...seen].filter(([route]) => route.includes('/docs'))
  t.ok(docsRoutes.length >= 4)
  for (const [route, schema] of docsRoutes) {
    t.same(Object.keys(schema as object), ['hide'], `${route} untouched`)
  }
  t.same(Object.keys(doc.paths), ['/me'], 'the docs routes stay hidden')
  t.equal((await app.inject({ url: '/docs/json' })).statusCode, 401, 'and guarded')
  const token = await testAuth.mintAccessToken()
  t.equal((await app.inject({ url: '/docs/json', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
})

test('Swagger 2.0 documents get a securityDefinition', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, { swagger: { info } })
  await app.register(propelAuth, auth)
  app.get('/org/:orgId', { onRequest: app.auth.requireOrgMember() }, async () => ({ ok: true }))
  app.get('/key', { onRequest: app.auth.requireApiKey }, async () => ({ ok: true }))
  await app.ready()
  const doc = app.swagger() as Json
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as any), 'valid Swagger 2.0')
  t.equal(doc.securityDefinitions.propelauth.in, 'header')
  t.same(doc.paths['/org/{orgId}'].get.security, [{ propelauth: [] }])
  t.ok(doc.paths['/org/{orgId}'].get.responses['403'].schema.properties.code)
  t.same(Object.keys(doc.paths['/org/{orgId}'].get.responses).sort(), ['200', '401', '403'], 'org guard: no 429/502/503')
  const key = doc.paths['/key'].get
  t.same(Object.keys(key.responses).sort(), ['200', '401', '429', '502', '503'])
  t.same(key.responses['429'].headers, { 'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying, when PropelAuth said how long' } })
  t.equal(key.responses['429'].examples['application/json'].code, 'FST_PROPELAUTH_API_KEY_RATE_LIMITED')
  t.equal(key.responses['502'].headers, undefined)
  t.ok(key.responses['502'].schema.properties.code)
  t.equal(key.responses['502'].examples['application/json'].code, 'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE')
  t.equal(key.responses['401'].examples['application/json'].code, 'FST_PROPELAUTH_MISSING_CREDENTIALS', 'the API-key 401 in Swagger 2.0 too')
  t.match(key.responses['401'].headers['WWW-Authenticate'].description, 'FST_PROPELAUTH_INVALID_API_KEY')
  t.equal(doc.paths['/org/{orgId}'].get.responses['401'].examples['application/json'].code, 'FST_PROPELAUTH_MISSING_TOKEN')
})

test('without @fastify/swagger nothing changes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, auth)
  let schemaSeen: unknown = 'not seen'
  app.addHook('onRoute', (route) => { if (route.url === '/me' && route.method === 'GET') schemaSeen = route.schema })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.ready()
  t.equal(schemaSeen, undefined, 'the route schema is not touched')
  const response = await app.inject({ url: '/me' })
  t.equal(response.statusCode, 401)
  t.same(Object.keys(response.json()).sort(), ['code', 'error', 'message', 'statusCode'])
})

test('a guarded route swagger cannot see fails ready with the order to use', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, auth)
  app.get('/early', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.register(swagger, { openapi: { info } })
  await t.rejects(async () => { await app.ready() }, {
    code: 'FST_PROPELAUTH_OPENAPI_ORDER',
    message: /GET \/early .*declared before @fastify\/swagger was registered.*Register @fastify\/swagger \(before or after fastify-propelauth\) before declaring routes/
  })
})

test('a scope with its own swagger does not make other scopes fail', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, auth)
  app.get('/internal', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.register(async (publicApi) => {
    await publicApi.register(swagger, { openapi: { info } })
    publicApi.get('/v1/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  })
  await t.resolves(async () => { await app.ready() })
})

test('protect: checks its arguments and its timing', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, auth)
  await app.register(async (scope) => {
    t.throws(() => app.auth.protect(scope, (async () => {}) as any), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /expects one of the guards of app.auth/ })
    t.throws(() => app.auth.protect({} as any, app.auth.requireUser), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /Fastify instance/ })
    t.throws(() => app.auth.protect(scope, app.auth.requireUser, { hook: 'onSend' as any }), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /onRequest, preValidation, preHandler/ })
    app.auth.protect(scope, app.auth.requireUser, { hook: 'preHandler' })
    scope.get('/late', async () => ({ ok: true }))
    t.throws(() => app.auth.protect(scope, app.auth.requireOrgMember()), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /before the scope declares its routes/ })
  })
  await app.ready()
  t.equal((await app.inject({ url: '/late' })).statusCode, 401, 'protect in preHandler guards the scope')
})

test('a swagger at the root and another in a child scope both document the child routes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: { info } })
  await app.register(propelAuth, auth)
  let childSwagger: (() => unknown) | undefined
  await app.register(async (child) => {
    await child.register(swagger, { openapi: { info: { ...info, title: 'child docs' } } })
    child.get('/child/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
    childSwagger = () => child.swagger()
  })
  await app.ready()
  for (const [name, doc] of [['root', app.swagger()], ['child', childSwagger!()]] as const) {
    await t.resolves(SwaggerParser.validate(structuredClone(doc) as any), `${name} document valid`)
    t.same(operation(doc as Json, '/child/me').security, [{ propelauth: [] }], `${name} document annotated`)
    t.notMatch(JSON.stringify(doc), ANNOTATION_KEY)
  }
})

test('a scope between two swaggers that decorated `swagger` with something else is passed over', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: { info } })
  await app.register(propelAuth, auth)
  let innerSwagger: (() => unknown) | undefined
  await app.register(async (middle) => {
    middle.decorate('swagger', 'not a swagger' as any)
    await middle.register(async (inner) => {
      await inner.register(swagger, { openapi: { info: { ...info, title: 'inner docs' } } })
      inner.get('/inner/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
      innerSwagger = () => inner.swagger()
    })
  })
  await app.ready()
  for (const [name, doc] of [['root', app.swagger()], ['inner', innerSwagger!()]] as const) {
    t.same(operation(doc as Json, '/inner/me').security, [{ propelauth: [] }], `${name} document annotated`)
  }
})
