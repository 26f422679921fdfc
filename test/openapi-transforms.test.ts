import { test, type Test } from 'tap'
import { createRequire } from 'node:module'
import Fastify, { type FastifyInstance } from 'fastify'
import swagger, { type SwaggerOptions, type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger'
import SwaggerParser from '@apidevtools/swagger-parser'
import { z } from 'zod'
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import propelAuth from '../index.js'
import { swaggerPathOf } from '../lib/openapi/operation-path.js'
import { ErrorResponseSchema, UserSchema } from '../lib/zod.js'
import { createTestAuth } from '../lib/testing/index.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// The security, the 401/403 and the requirement of guarded routes must reach
// the document whatever the app's own swagger `transform` and `transformObject`
// do: keep the plugin's `x-` note (as fastify-type-provider-zod's do), rebuild
// the route schema without it, or strip every `x-` key from the document.

type Json = Record<string, any>

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const info = { title: 'transforms test', version: '1.0.0' }
const ORG_REQUIREMENT = 'Requires a member of the org in `orgId` with role at least Admin'
const ME_REQUIREMENT = 'Requires a signed-in user (`Authorization: Bearer …`).'

/** A transform that builds a new schema from the parts it knows, as apps write them: the plugin's note is not among them. */
const rebuildingTransform: SwaggerTransform = (input) => {
  const { schema, url } = jsonSchemaTransform(input) as { schema?: Json, url: string }
  return { url, schema: { summary: `${String(input.route.method)} ${url}`, params: schema?.params, response: schema?.response } }
}
/** A transformObject that publishes no extension of anyone's. */
const strippingTransformObject: SwaggerTransformObject = (input) =>
  JSON.parse(JSON.stringify((input as { openapiObject: Json }).openapiObject, (key, value) => key.startsWith('x-') ? undefined : value))

/** Zod routes with each guard's kind of answer, and shapes of URL swagger rewrites. */
async function declareRoutes (app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.get('/me', { onRequest: app.auth.requireUser, schema: { description: 'Who I am.', response: { 200: UserSchema } } }, async (request) => request.user)
  app.get('/org/:orgId/admin', {
    onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin'),
    schema: { params: z.object({ orgId: z.string() }), response: { 200: z.object({ ok: z.boolean() }), 403: ErrorResponseSchema } }
  }, async () => ({ ok: true }))
  app.get('/maybe', { onRequest: app.auth.optionalUser }, async () => ({ ok: true }))
  app.route({ method: ['PUT', 'PATCH'], url: '/files/*', onRequest: app.auth.requireUser, handler: async () => ({ ok: true }) })
  app.get('/plain', async () => ({ ok: true }))
}

async function documentOf (swaggerOptions: SwaggerOptions): Promise<Json> {
  const app = Fastify()
  await app.register(swagger, swaggerOptions)
  await app.register(propelAuth, testAuth.pluginOptions)
  await declareRoutes(app)
  await app.ready()
  const doc = app.swagger() as Json
  const again = app.swagger() as Json
  await app.close()
  if (again !== doc) throw new Error('swagger returned another document the second time')
  return doc
}

function assertAnnotated (t: Test, doc: Json): void {
  const me = doc.paths['/me'].get
  t.same(me.security, [{ propelauth: [] }], '/me: security')
  t.same(Object.keys(me.responses).sort(), ['200', '401'], '/me: 401 beside its own 200')
  t.equal(me.responses['401'].content['application/json'].example.code, 'FST_PROPELAUTH_MISSING_TOKEN')
  t.ok(me.responses['401'].headers['WWW-Authenticate'], '/me: the challenge header')
  const admin = doc.paths['/org/{orgId}/admin'].get
  t.same(admin.security, [{ propelauth: [] }], 'org route: security')
  t.same(Object.keys(admin.responses).sort(), ['200', '401', '403'], 'org route: 401 and its own 403')
  t.ok(admin.responses['403'].headers['WWW-Authenticate'], 'org route: its own 403 gets the challenge header')
  t.match(admin.description, ORG_REQUIREMENT)
  t.same(doc.paths['/maybe'].get.security, [{}, { propelauth: [] }], 'optionalUser: anonymous calls too')
  for (const method of ['put', 'patch']) t.same(doc.paths['/files/{*}'][method].security, [{ propelauth: [] }], `${method} of a route of two methods`)
  t.equal(doc.paths['/plain'].get.security, undefined, 'an unguarded route is left alone')
  t.equal(doc.components.securitySchemes.propelauth.scheme, 'bearer')
  t.notMatch(JSON.stringify(doc), 'x-fastify-propelauth', 'no note is published')
}

test('fastify-type-provider-zod\'s jsonSchemaTransform and jsonSchemaTransformObject keep the annotations', async (t) => {
  const doc = await documentOf({ openapi: { info }, transform: jsonSchemaTransform, transformObject: jsonSchemaTransformObject })
  assertAnnotated(t, doc)
  t.equal(doc.paths['/me'].get.description, `Who I am.\n\n${ME_REQUIREMENT}`, 'the requirement is appended once')
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as any))
})

test('a transform that rebuilds the route schema without the plugin\'s note', async (t) => {
  const doc = await documentOf({ openapi: { info }, transform: rebuildingTransform })
  assertAnnotated(t, doc)
  t.equal(doc.paths['/me'].get.summary, 'GET /me', 'the app\'s transform did run')
  t.equal(doc.paths['/me'].get.description, ME_REQUIREMENT, 'the description it dropped is not ours to restore')
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as any))
})

test('a transformObject that strips every x- key, or rebuilds the document', async (t) => {
  const transformObjects: Array<[string, SwaggerTransformObject]> = [
    ['strips x- keys', strippingTransformObject],
    ['rebuilds the document', (input) => {
      const { openapi, info, paths } = (input as { openapiObject: Json }).openapiObject
      return { openapi, info, paths }
    }]
  ]
  for (const [name, transformObject] of transformObjects) {
    const doc = await documentOf({ openapi: { info }, transform: jsonSchemaTransform, transformObject })
    t.test(name, async (t) => {
      assertAnnotated(t, doc)
      t.equal(doc.paths['/me'].get.description, `Who I am.\n\n${ME_REQUIREMENT}`, 'the requirement is appended once')
      await t.resolves(SwaggerParser.validate(structuredClone(doc) as any))
    })
  }
})

test('both at once, with the YAML asked for first and the document after', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: { info }, transform: rebuildingTransform, transformObject: strippingTransformObject })
  await app.register(propelAuth, testAuth.pluginOptions)
  await declareRoutes(app)
  await app.ready()
  const yaml = app.swagger({ yaml: true }) as unknown as string
  t.match(yaml, 'propelauth: []')
  t.match(yaml, 'FST_PROPELAUTH_MISSING_TOKEN')
  assertAnnotated(t, app.swagger() as Json)
  t.equal(app.swagger({ yaml: true }), yaml, 'asked again, the same YAML: nothing applied twice')
})

test('a route\'s own swaggerTransform that rebuilds its schema', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: { info }, transform: jsonSchemaTransform })
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/me', {
    onRequest: app.auth.requireUser,
    config: { swaggerTransform: ({ url }) => ({ url, schema: { summary: 'Me, rebuilt' } }) }
  }, async () => ({ ok: true }))
  await app.ready()
  const me = (app.swagger() as Json).paths['/me'].get
  t.equal(me.summary, 'Me, rebuilt')
  t.same(me.security, [{ propelauth: [] }])
  t.ok(me.responses['401'])
})

test('routes under a server\'s base path, stripped or kept', async (t) => {
  const servers = [{ url: 'https://{host}/api/{version}', variables: { host: { default: 'example.com' }, version: { default: 'v1' } } }, { url: '/' }]
  for (const stripBasePath of [true, false]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(swagger, { openapi: { info, servers }, stripBasePath, transform: rebuildingTransform, transformObject: strippingTransformObject })
    await app.register(propelAuth, testAuth.pluginOptions)
    await app.register(async (api) => {
      api.get('/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
    }, { prefix: '/api/v1' })
    await app.ready()
    const doc = app.swagger() as Json
    const path = stripBasePath ? '/me' : '/api/v1/me'
    t.same(Object.keys(doc.paths), [path], `stripBasePath ${stripBasePath}: filed at ${path}`)
    t.same(doc.paths[path].get.security, [{ propelauth: [] }], `stripBasePath ${stripBasePath}: annotated`)
  }
})

test('servers a transformObject made unreadable are passed over', async (t) => {
  const doc = await documentOf({
    openapi: { info },
    transform: rebuildingTransform,
    transformObject: (input) => ({ ...strippingTransformObject(input), servers: [{ url: 'not a url' }, { url: 42 }, { url: 'https://example.com/{unset}' }, 'a string', { url: '/{unset}', variables: { unset: {} } }] }) as Json
  })
  assertAnnotated(t, doc)
})

test('Swagger 2 documents, with a basePath, and a transform that rebuilds the schema', async (t) => {
  for (const basePath of ['/api', '/api/', undefined]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(swagger, {
      swagger: { info, ...(basePath === undefined ? {} : { basePath }) },
      transform: ({ url }) => ({ url, schema: { summary: 'rebuilt' } })
    })
    await app.register(propelAuth, testAuth.pluginOptions)
    app.get('/api/org/:orgId', { onRequest: app.auth.requireOrgMember() }, async () => ({ ok: true }))
    await app.ready()
    const doc = app.swagger() as Json
    const path = basePath === undefined ? '/api/org/{orgId}' : '/org/{orgId}'
    t.same(doc.paths[path].get.security, [{ propelauth: [] }], `basePath ${basePath}: ${path} annotated`)
    t.same(Object.keys(doc.paths[path].get.responses).sort(), ['200', '401', '403'])
    t.ok(doc.securityDefinitions.propelauth)
  }
})

test('a route the transform hides, or files under another URL without the note, is left out, and nothing throws', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, {
    openapi: { info },
    transform: ({ url }) => url === '/hidden' ? { url, schema: { hide: true } } : { url: `/v2${url}`, schema: {} }
  })
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/hidden', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  app.get('/moved', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.ready()
  const doc = app.swagger() as Json
  t.same(Object.keys(doc.paths), ['/v2/moved'])
  t.equal(doc.paths['/v2/moved'].get.security, undefined, 'a route both moved and stripped of its note cannot be found')
})

test('a swagger decorator wrapped by another copy of the plugin, which keeps no notes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const wrappedElsewhere = Object.assign(() => ({ openapi: '3.0.3', info, paths: {} }), { [Symbol.for('fastify-propelauth.documenting-swagger')]: true })
  app.decorate('swagger', wrappedElsewhere)
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/me', { onRequest: app.auth.requireUser }, async () => ({ ok: true }))
  await app.ready()
  t.equal(app.swagger, wrappedElsewhere, 'left as it is')
})

test('swagger\'s path of a URL, as @fastify/swagger 9 renders it', async (t) => {
  // Swagger's own function is the reference; it is internal to @fastify/swagger, so only this test reads it.
  const { formatParamUrl } = createRequire(import.meta.url)('@fastify/swagger/lib/util/format-param-url.js') as { formatParamUrl: (url: string) => string }
  const urls = [
    '/', '/me', '/org/:orgId', '/org/:orgId/users/:userId', '/files/*', '/user::watch', '/a/:x-:y',
    '/time/:hour(^\\d{2})h:minute(^\\d{2})m', '/n/:id(^(\\d+|x)$)', '/(^\\d+)/(^[a-z]+)', '/trailing/:', '/end/:id'
  ]
  for (const url of urls) t.equal(swaggerPathOf(url), formatParamUrl(url), url)
})
