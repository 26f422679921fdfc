import { test } from 'tap'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import swagger from '@fastify/swagger'
import scalar, { type FastifyApiReferenceOptions } from '@scalar/fastify-api-reference'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { SEEDED } from '../standin/test/helpers/harness.js'
import { scalarAppWithDocsLogin } from './helpers/scalar-app.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// Scalar's API reference (@scalar/fastify-api-reference) beside the plugin, as
// docs/openapi.md and docs/protecting-docs.md show it: it serves the document
// @fastify/swagger builds, so it carries the plugin's security scheme.

type Json = Record<string, any>
interface Teardown { teardown: (fn: () => unknown) => void }

const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const info = { title: 'Scalar test', version: '1.0.0' }

/** The plugin, @fastify/swagger, then Scalar (it looks for swagger when registered), then the routes. */
async function build (t: Teardown, scalarOptions: FastifyApiReferenceOptions = {}, pluginOptions: FastifyPropelAuthOptions = testAuth.pluginOptions): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, pluginOptions)
  await app.register(swagger, { openapi: { info } })
  await app.register(scalar, { routePrefix: '/reference', ...scalarOptions })
  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => ({ userId: app.auth.user(request).userId }))
  app.get('/api/maybe', { onRequest: app.auth.optionalUser }, async (request) => ({ userId: request.user?.userId ?? null }))
  app.get('/api/org/:orgId/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async () => ({ ok: true }))
  app.get('/api/public', async () => ({ ok: true }))
  return app
}

/** Every route Scalar registers, found as it registers them: a route added by a later version is checked too. */
function scalarRoutes (app: FastifyInstance, prefix: string): string[] {
  const urls: string[] = []
  app.addHook('onRoute', (route) => { if (route.method === 'GET' && route.url.startsWith(prefix)) urls.push(route.url) })
  return urls
}

test('Scalar serves the document @fastify/swagger builds: the propelauth scheme, each guarded route\'s security and its 401/403', async (t) => {
  const app = await build(t)
  const response = await app.inject({ url: '/reference/openapi.json' })
  t.equal(response.statusCode, 200)
  const document: Json = response.json()
  t.same(document.components.securitySchemes.propelauth, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: document.components.securitySchemes.propelauth.description
  })
  t.same(document.paths['/api/whoami'].get.security, [{ propelauth: [] }])
  t.same(document.paths['/api/maybe'].get.security, [{}, { propelauth: [] }])
  t.same(document.paths['/api/org/{orgId}/admin'].get.security, [{ propelauth: [] }])
  t.same(Object.keys(document.paths['/api/org/{orgId}/admin'].get.responses).sort(), ['200', '401', '403'])
  t.notOk('security' in document.paths['/api/public'].get, 'a public route stays public')
  t.notOk(Object.keys(document.paths).some((path) => path.startsWith('/reference')), 'Scalar\'s own routes are not in it')
  t.same(document, JSON.parse(JSON.stringify(app.swagger())), 'the same document as app.swagger()')
  t.equal(response.headers['access-control-allow-origin'], '*', 'readable by any web page when public (docs/protecting-docs.md says so)')

  const yaml = await app.inject({ url: '/reference/openapi.yaml' })
  t.equal(yaml.statusCode, 200)
  t.match(yaml.body, /securitySchemes:\n {4}propelauth:\n {6}type: http\n {6}scheme: bearer/)

  const page = await app.inject({ url: '/reference/' })
  t.equal(page.statusCode, 200)
  t.match(page.body, '"url": "./openapi.json"', 'the page loads that document')
  t.match(page.body, '<script src="js/scalar.js"></script>', 'and Scalar\'s script from the app, not a CDN')
})

test('the guarded routes answer as documented: 401 without a token, 200 with one', async (t) => {
  const app = await build(t)
  const anonymous = await app.inject({ url: '/api/whoami' })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.json().code, 'FST_PROPELAUTH_MISSING_TOKEN')
  const token = await testAuth.mintAccessToken({ userId: 'ada-in-scalar' })
  const signedIn = await app.inject({ url: '/api/whoami', headers: { authorization: `Bearer ${token}` } })
  t.equal(signedIn.statusCode, 200)
  t.same(signedIn.json(), { userId: 'ada-in-scalar' })
})

test('Scalar registered before @fastify/swagger finds no document and serves nothing: register it after', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, testAuth.pluginOptions)
  await app.register(scalar, { routePrefix: '/reference' })
  await app.register(swagger, { openapi: { info } })
  await app.ready()
  t.equal((await app.inject({ url: '/reference/openapi.json' })).statusCode, 404)
  t.equal((await app.inject({ url: '/reference/' })).statusCode, 404)
})

test('private docs: Scalar\'s hooks guard every route it serves (page, document, script)', async (t) => {
  // The docs' own credentials (HTTP basic here), which a browser sends by itself, unlike a bearer token.
  const expected = `Basic ${Buffer.from('docs:a-docs-password').toString('base64')}`
  const docsGate = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.headers.authorization !== expected) await reply.code(401).header('www-authenticate', 'Basic realm="API docs"').send()
  }
  const app = Fastify()
  t.teardown(() => app.close())
  const served = scalarRoutes(app, '/reference')
  await app.register(propelAuth, testAuth.pluginOptions)
  await app.register(swagger, { openapi: { info } })
  await app.register(scalar, { routePrefix: '/reference', hooks: { onRequest: docsGate } })
  await app.ready()
  t.same([...served].sort(), ['/reference', '/reference/', '/reference/js/scalar.js', '/reference/openapi.json', '/reference/openapi.yaml'], 'the routes Scalar serves')
  for (const url of served) {
    const refused = await app.inject({ url })
    t.equal(refused.statusCode, 401, `${url}: 401 without the docs' credentials`)
    t.equal(refused.headers['www-authenticate'], 'Basic realm="API docs"')
    t.equal(refused.body, '', `${url}: nothing of the docs in the refusal`)
    const allowed = await app.inject({ url, headers: { authorization: expected } })
    t.equal(allowed.statusCode, url === '/reference' ? 301 : 200, `${url}: served with them`)
  }
})

test('a bearer guard in Scalar\'s hooks: the document for programs that send a token, such as a code generator', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, testAuth.pluginOptions)
  await app.register(swagger, { openapi: { info } })
  await app.register(scalar, { routePrefix: '/reference', hooks: { onRequest: app.auth.requireUser } })
  t.equal((await app.inject({ url: '/reference/openapi.json' })).statusCode, 401)
  const token = await testAuth.mintAccessToken()
  t.equal((await app.inject({ url: '/reference/openapi.json', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
})

test('denyByDefault with Scalar\'s prefix in publicPaths: the reference stays public, the API guarded', async (t) => {
  const app = await build(t, {}, { ...testAuth.pluginOptions, denyByDefault: { publicPaths: ['/reference'] } })
  app.get('/api/forgotten', async () => ({ ok: true }))
  for (const url of ['/reference/', '/reference/openapi.json', '/reference/openapi.yaml', '/reference/js/scalar.js']) {
    t.equal((await app.inject({ url })).statusCode, 200, `${url} is public`)
  }
  t.equal((await app.inject({ url: '/api/forgotten' })).statusCode, 401, 'a route without a guard is guarded')
  const document: Json = (await app.inject({ url: '/reference/openapi.json' })).json()
  t.same(document.paths['/api/forgotten'].get.security, [{ propelauth: [] }])
})

test('Scalar with the stand-in\'s docs login: its document offers the password scheme, app.swagger() stays as it is', async (t) => {
  const { app, standIn } = await scalarAppWithDocsLogin(t)
  const document: Json = (await app.inject({ url: '/reference/openapi.json' })).json()
  t.match(document.components.securitySchemes.standInLogin, { type: 'oauth2', flows: { password: { tokenUrl: `${standIn.authUrl}/login` } } })
  t.same(document.paths['/api/whoami'].get.security, [{ propelauth: [] }, { standInLogin: [] }])
  t.notOk('standInLogin' in (app.swagger() as Json).components.securitySchemes, 'app.swagger() is untouched')
  t.match((await app.inject({ url: '/reference/' })).body, '"preferredSecurityScheme": "standInLogin"', 'the page opens on the password sign-in')
  const token = await standIn.createAccessToken(SEEDED.member)
  t.equal((await app.inject({ url: '/api/whoami', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
})
