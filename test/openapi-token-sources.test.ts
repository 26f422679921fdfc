// The OpenAPI document says where each route reads its access token: the bearer
// scheme for the header, a cookie scheme per cookie name, a query scheme, and
// words for what no scheme can hold (a WebSocket subprotocol, the app's own
// function). It lists the cross-site 403 where a cookie token can meet it, and
// the 401 of a missing token names the sources the route reads, in the document
// and in the answer alike.
import { test, type Test } from 'tap'
import cookie from '@fastify/cookie'
import swagger, { type SwaggerOptions } from '@fastify/swagger'
import websocket from '@fastify/websocket'
import SwaggerParser from '@apidevtools/swagger-parser'
import Fastify, { type FastifyInstance } from 'fastify'
import WebSocket from 'ws'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { carrierSchemeNamed, schemeNameOf } from '../lib/openapi/carrier-schemes.js'
import { createTestAuth } from '../lib/testing/index.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

type Json = Record<string, any>

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const token = await testAuth.mintAccessToken({ userId: 'u-1', orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Member' }] })
const info = { title: 'sources', version: '1.0.0' }
const CROSS_SITE = 'FST_PROPELAUTH_CROSS_SITE_REQUEST'
const MALFORMED_HEADER = 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER'
const HEADER_MESSAGE = 'Missing access token: send "Authorization: Bearer <access token>"'
/** What a cross-site browser request carries. */
const CROSS_SITE_HEADERS = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }
const ok = async (): Promise<string> => 'ok'

async function build (t: Test, options: Partial<FastifyPropelAuthOptions>, routes: (app: FastifyInstance) => void, swaggerOptions: SwaggerOptions = { openapi: { info } }): Promise<{ app: FastifyInstance, doc: Json }> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(cookie)
  await app.register(websocket)
  await app.register(swagger, swaggerOptions)
  await app.register(propelAuth, { ...testAuth.pluginOptions, ...options })
  routes(app)
  await app.ready()
  const doc = app.swagger() as Json
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as any), 'a valid document')
  return { app, doc }
}

function operation (doc: Json, path: string, method = 'get'): Json {
  const op = doc.paths?.[path]?.[method]
  if (op === undefined) throw new Error(`no ${method} ${path} in the document`)
  return op
}

/** The documented 401's example is the whole body of the answer to a request with no token, and its codes and challenge are listed. */
async function assertMissingTokenDocumented (t: Test, app: FastifyInstance, doc: Json, url: string, message: string, method: 'GET' | 'POST' = 'GET'): Promise<void> {
  const documented = operation(doc, url, method.toLowerCase()).responses['401']
  const answer = await app.inject({ method, url })
  t.equal(answer.statusCode, 401, `${url}: 401 without a token`)
  t.equal(answer.json().message, message, `${url}: the message names the sources`)
  t.equal(answer.headers['www-authenticate'], 'Bearer', `${url}: the challenge of no credentials, whatever the source`)
  t.same(answer.json(), documented.content?.['application/json']?.example ?? documented.examples?.['application/json'], `${url}: the documented example is the answer`)
  t.match(documented.headers['WWW-Authenticate'].description, 'FST_PROPELAUTH_MISSING_TOKEN: `Bearer`')
}

test('OpenAPI 3: a cookie route names a cookie scheme; a header-or-cookie route names both', async (t) => {
  const { app, doc } = await build(t, { tokenFrom: ['authorization', { cookie: '__pa_at' }] }, (app) => {
    const fromCookie = app.auth.from({ cookie: '__pa_at' })
    const fromOther = app.auth.from({ cookie: 'other_at' })
    const fromOdd = app.auth.from({ cookie: 'odd!name' })
    app.get('/both', { onRequest: app.auth.requireUser }, ok)
    app.get('/maybe', { onRequest: app.auth.optionalUser }, ok)
    app.get('/cookie', { onRequest: fromCookie.requireUser }, ok)
    app.get('/other', { onRequest: fromOther.requireUser }, ok)
    app.get('/odd', { onRequest: fromOdd.requireUser }, ok)
    app.get('/header', { onRequest: app.auth.from('authorization').requireUser }, ok)
  })
  const schemes = doc.components.securitySchemes

  t.same(operation(doc, '/both').security, [{ propelauth: [] }, { 'propelauthCookie.__pa_at': [] }], 'header or cookie: both schemes, in the order they are tried')
  t.match(operation(doc, '/both').description, 'Requires a signed-in user (`Authorization: Bearer …` or the cookie `__pa_at`).')
  t.same(operation(doc, '/maybe').security, [{}, { propelauth: [] }, { 'propelauthCookie.__pa_at': [] }], 'optionalUser keeps its anonymous alternative')
  t.match(operation(doc, '/maybe').description, 'with a valid PropelAuth access token (`Authorization: Bearer …` or the cookie `__pa_at`)')
  t.same(operation(doc, '/cookie').security, [{ 'propelauthCookie.__pa_at': [] }], 'cookie only: the cookie scheme alone')
  t.match(operation(doc, '/cookie').description, 'Requires a signed-in user (the cookie `__pa_at`).')
  t.same(operation(doc, '/other').security, [{ 'propelauthCookie.other_at': [] }], 'another cookie, another scheme')
  t.same(operation(doc, '/header').security, [{ propelauth: [] }])

  t.same(schemes['propelauthCookie.__pa_at'], {
    type: 'apiKey',
    in: 'cookie',
    name: '__pa_at',
    description: 'A PropelAuth access token in the cookie `__pa_at`, which a browser signed in on this site sends by itself.'
  })
  t.match(schemes['propelauthCookie.other_at'], { type: 'apiKey', in: 'cookie', name: 'other_at' })
  const odd = Object.keys(operation(doc, '/odd').security[0])[0]
  t.equal(odd, `propelauthCookieHex.${Buffer.from('odd!name').toString('hex')}`, 'a name a component cannot hold is written in hex')
  t.match(schemes[odd], { type: 'apiKey', in: 'cookie', name: 'odd!name' })
  t.equal(schemes.propelauth.type, 'http', 'the bearer scheme stays as it was')

  // The 401: where to send the token, and only the codes the sources can produce.
  const both401 = operation(doc, '/both').responses['401']
  const cookie401 = operation(doc, '/cookie').responses['401']
  t.match(both401.description, MALFORMED_HEADER, 'a route that reads the header can find it malformed')
  t.notMatch(cookie401.description, MALFORMED_HEADER, 'a cookie-only route never reads the header')
  t.notMatch(cookie401.headers['WWW-Authenticate'].description, 'Malformed Authorization header')
  await assertMissingTokenDocumented(t, app, doc, '/both', 'Missing access token: send "Authorization: Bearer <access token>" or the "__pa_at" cookie')
  await assertMissingTokenDocumented(t, app, doc, '/cookie', 'Missing access token: send the "__pa_at" cookie')
  await assertMissingTokenDocumented(t, app, doc, '/header', HEADER_MESSAGE)
  t.equal((await app.inject({ url: '/cookie', cookies: { __pa_at: token } })).statusCode, 200, 'the cookie the scheme names is the one read')

  // Safe methods are never refused as cross-site.
  for (const path of ['/both', '/cookie', '/maybe']) t.notOk(operation(doc, path).responses['403'], `GET ${path}: no 403`)
})

test('a scheme the app defined under a cookie scheme\'s name is the app\'s', async (t) => {
  const mine = { type: 'apiKey' as const, in: 'cookie' as const, name: '__pa_at', description: 'Our own words' }
  const { doc } = await build(t, {}, (app) => {
    app.get('/cookie', { onRequest: app.auth.from({ cookie: '__pa_at' }).requireUser }, ok)
  }, { openapi: { info, components: { securitySchemes: { 'propelauthCookie.__pa_at': mine } } } })
  t.same(doc.components.securitySchemes['propelauthCookie.__pa_at'], mine)
  t.same(operation(doc, '/cookie').security, [{ 'propelauthCookie.__pa_at': [] }])
})

test('query, subprotocol and function sources: a scheme where one fits, the description always', async (t) => {
  const readOwnHeader = (request: { headers: Record<string, unknown> }): string | undefined => {
    const value = request.headers['x-access-token']
    return typeof value === 'string' ? value : undefined
  }
  const { app, doc } = await build(t, {}, (app) => {
    app.get('/query', { onRequest: app.auth.from({ query: 'access_token' }).requireUser }, ok)
    app.get('/odd-query', { onRequest: app.auth.from({ query: 'access token' }).requireUser }, ok)
    app.get('/protocol', { onRequest: app.auth.from({ subprotocol: 'access_token' }).requireUser }, ok)
    app.get('/protocol-or-header', { onRequest: app.auth.from([{ subprotocol: 'access_token' }, 'authorization']).requireUser }, ok)
    app.get('/protocol-maybe', { onRequest: app.auth.from({ subprotocol: 'access_token' }).optionalUser }, ok)
    app.get('/function', { onRequest: app.auth.from(readOwnHeader).requireUser }, ok)
    app.post('/function-cookie', { onRequest: app.auth.from({ from: (request) => request.cookies.signed_at }).requireUser }, ok)
  })
  const schemes = doc.components.securitySchemes

  const query = operation(doc, '/query')
  t.same(query.security, [{ 'propelauthQuery.access_token': [] }])
  t.same(schemes['propelauthQuery.access_token'], {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description: 'A PropelAuth access token in the query parameter `access_token`, read on WebSocket upgrades only.'
  })
  t.match(query.description, 'Requires a signed-in user (the query parameter `access_token` of a WebSocket upgrade).')
  t.match(schemes[`propelauthQueryHex.${Buffer.from('access token').toString('hex')}`], { in: 'query', name: 'access token' })

  const protocol = operation(doc, '/protocol')
  t.equal(protocol.security, undefined, 'no scheme holds a subprotocol: none is named rather than a wrong one')
  t.match(protocol.description, 'Requires a signed-in user (the WebSocket subprotocol `access_token`: `Sec-WebSocket-Protocol: access_token, <token>` on the upgrade).')
  t.ok(protocol.responses['401'], 'its 401 is still documented')
  t.same(operation(doc, '/protocol-or-header').security, [{ propelauth: [] }], 'the header alternative is named; the subprotocol is said in words')
  t.match(operation(doc, '/protocol-or-header').description, '(the WebSocket subprotocol `access_token`: `Sec-WebSocket-Protocol: access_token, <token>` on the upgrade or `Authorization: Bearer …`)')
  t.same(operation(doc, '/protocol-maybe').security, [{}], 'optional, and nothing to name: anonymous calls are allowed')

  const fn = operation(doc, '/function')
  t.equal(fn.security, undefined)
  t.match(fn.description, 'Requires a signed-in user (a token the app reads with its own function).')
  t.notOk(fn.responses['403'], 'a bare function declares no cookie: no cross-site 403')
  const fnCookie = operation(doc, '/function-cookie', 'post')
  t.match(fnCookie.description, 'Requires a signed-in user (a cookie the app reads with its own function).')
  t.match(fnCookie.responses['403'].description, CROSS_SITE, '{ from } rides on a cookie: the cross-site 403 of an unsafe method')

  t.notOk(Object.keys(schemes).some((name) => name.includes('Subprotocol') || name.includes('Function')), 'no scheme for what OpenAPI cannot describe')

  await assertMissingTokenDocumented(t, app, doc, '/query', 'Missing access token: send the "access_token" query parameter on a WebSocket upgrade')
  await assertMissingTokenDocumented(t, app, doc, '/protocol', 'Missing access token: send "Sec-WebSocket-Protocol: access_token, <access token>" on a WebSocket upgrade')
  await assertMissingTokenDocumented(t, app, doc, '/protocol-or-header', 'Missing access token: send "Sec-WebSocket-Protocol: access_token, <access token>" on a WebSocket upgrade or "Authorization: Bearer <access token>"')
  await assertMissingTokenDocumented(t, app, doc, '/function', "Missing access token: send the access token where this app's tokenFrom function reads it")
  await assertMissingTokenDocumented(t, app, doc, '/function-cookie', "Missing access token: send the access token where this app's tokenFrom function reads it", 'POST')
})

test('the cross-site 403: on unsafe methods and WebSocket upgrades of routes whose token rides on a cookie, as answered', async (t) => {
  const { app, doc } = await build(t, {}, (app) => {
    const fromCookie = app.auth.from({ cookie: '__pa_at' })
    const allowing = app.auth.from({ cookie: '__pa_at', crossSite: 'allow' })
    app.post('/write', { onRequest: fromCookie.requireUser }, ok)
    app.route({ method: ['GET', 'PUT', 'DELETE'], url: '/item', onRequest: fromCookie.requireUser, handler: ok })
    app.post('/org/:orgId/write', { onRequest: fromCookie.requireOrgMember() }, ok)
    app.get('/org/:orgId/read', { onRequest: fromCookie.requireOrgMember() }, ok)
    app.post('/maybe', { onRequest: fromCookie.optionalUser }, ok)
    app.post('/allowed', { onRequest: allowing.requireUser }, ok)
    app.post('/header', { onRequest: app.auth.requireUser }, ok)
    app.route({ method: 'GET', url: '/live', onRequest: fromCookie.requireUser, handler: ok, wsHandler: (socket: WebSocket) => { socket.send('hello') } })
  })

  const write = operation(doc, '/write', 'post')
  t.same(Object.keys(write.responses).sort(), ['200', '401', '403'])
  t.equal(write.responses['403'].description, 'Forbidden: FST_PROPELAUTH_CROSS_SITE_REQUEST: the access token came from a cookie on a request another site made the browser send, or on a WebSocket upgrade from another origin, and is refused before it is even checked (cross-site request forgery).')
  t.equal(write.responses['403'].headers, undefined, 'the cross-site refusal sends no challenge')
  const refused = await app.inject({ method: 'POST', url: '/write', headers: CROSS_SITE_HEADERS, cookies: { __pa_at: token } })
  t.equal(refused.statusCode, 403)
  t.same(refused.json(), write.responses['403'].content['application/json'].example, 'the documented example is the answer')

  t.notOk(operation(doc, '/item').responses['403'], 'GET of a plain route: no 403')
  for (const method of ['put', 'delete']) t.match(operation(doc, '/item', method).responses['403'].description, CROSS_SITE, `${method.toUpperCase()} of the same route: the 403`)

  const orgWrite = operation(doc, '/org/{orgId}/write', 'post').responses['403']
  t.match(orgWrite.description, /FST_PROPELAUTH_NOT_ORG_MEMBER.*FST_PROPELAUTH_MISSING_PERMISSION.*FST_PROPELAUTH_CROSS_SITE_REQUEST/, 'an org route: both kinds of 403 in one description')
  t.match(orgWrite.headers['WWW-Authenticate'].description, 'none with FST_PROPELAUTH_CROSS_SITE_REQUEST')
  t.equal(orgWrite.content['application/json'].example.code, 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  const orgRead = operation(doc, '/org/{orgId}/read').responses['403']
  t.notMatch(orgRead.description, CROSS_SITE, 'GET of an org route: the org 403 alone')
  t.ok(orgRead.headers['WWW-Authenticate'])

  t.same(Object.keys(operation(doc, '/maybe', 'post').responses), ['200'], 'optionalUser never refuses, cross-site included')
  t.notOk(operation(doc, '/allowed', 'post').responses['403'], "crossSite: 'allow': no 403")
  t.notOk(operation(doc, '/header', 'post').responses['403'], 'a header token cannot be sent by another site')
  t.equal((await app.inject({ method: 'POST', url: '/allowed', headers: CROSS_SITE_HEADERS, cookies: { __pa_at: token } })).statusCode, 200)

  // A route that serves WebSocket upgrades: the GET is the upgrade, judged by its Origin.
  const live = operation(doc, '/live')
  t.match(live.responses['403'].description, CROSS_SITE, 'GET of a WebSocket route: the 403 of a cross-origin upgrade')
  const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('http:', 'ws:')
  const upgrade = await new Promise<{ status: number, body: unknown }>((resolve, reject) => {
    const socket = new WebSocket(`${base}/live`, { headers: { origin: 'https://evil.example', cookie: `__pa_at=${token}` } })
    socket.once('open', () => reject(new Error('the upgrade was not refused')))
    socket.once('unexpected-response', (_request, response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => { text += chunk.toString() })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }))
    })
  })
  t.equal(upgrade.status, 403)
  t.same(upgrade.body, live.responses['403'].content['application/json'].example, 'the refused upgrade answers the documented example')
})

test('a transform that drops the note: the cookie scheme and the 403 of each method come from the route all the same', async (t) => {
  const { doc } = await build(t, {}, (app) => {
    app.route({ method: ['GET', 'POST'], url: '/item', onRequest: app.auth.from({ cookie: '__pa_at' }).requireUser, handler: ok })
  }, {
    openapi: { info },
    transform: ({ url }) => ({ url, schema: {} }),
    // A path item holds more than operations: these are left as they are.
    transformObject: (input) => {
      const doc = (input as { openapiObject: Json }).openapiObject
      Object.assign(doc.paths['/item'], { summary: 'Items', description: 'Items', parameters: [] })
      return doc
    }
  })
  t.match(doc.paths['/item'], { summary: 'Items', description: 'Items', parameters: [] })
  for (const method of ['get', 'post']) {
    t.same(operation(doc, '/item', method).security, [{ 'propelauthCookie.__pa_at': [] }], `${method}: the cookie scheme`)
    t.equal(operation(doc, '/item', method).responses['401'].content['application/json'].example.message, 'Missing access token: send the "__pa_at" cookie')
  }
  t.notOk(operation(doc, '/item').responses['403'], 'GET: no cross-site 403')
  t.match(operation(doc, '/item', 'post').responses['403'].description, CROSS_SITE, 'POST: the cross-site 403, on its own operation')
  t.match(doc.components.securitySchemes['propelauthCookie.__pa_at'], { in: 'cookie', name: '__pa_at' })
})

test('Swagger 2.0: a cookie is the `Cookie` header, and the descriptions say which cookie', async (t) => {
  const { app, doc } = await build(t, { tokenFrom: [{ cookie: '__pa_at' }, 'authorization'] }, (app) => {
    app.post('/write', { onRequest: app.auth.requireUser }, ok)
    app.get('/query', { onRequest: app.auth.from({ query: 'access_token' }).requireUser }, ok)
  }, { swagger: { info } })
  const definitions = doc.securityDefinitions
  const write = operation(doc, '/write', 'post')
  t.same(write.security, [{ 'propelauthCookie.__pa_at': [] }, { propelauth: [] }], 'cookie first, as tokenFrom tries it')
  t.same(definitions['propelauthCookie.__pa_at'], {
    type: 'apiKey',
    in: 'header',
    name: 'Cookie',
    description: 'A PropelAuth access token in the cookie `__pa_at`, which a browser signed in on this site sends by itself (Swagger 2.0 has no cookie location: the `Cookie` header stands for it).'
  })
  t.match(write.description, 'Requires a signed-in user (the cookie `__pa_at` or `Authorization: Bearer …`).', "the route's description names the cookie")
  t.match(write.responses['403'].description, CROSS_SITE)
  t.equal(write.responses['403'].examples['application/json'].code, CROSS_SITE)
  t.same(operation(doc, '/query').security, [{ 'propelauthQuery.access_token': [] }])
  t.match(definitions['propelauthQuery.access_token'], { type: 'apiKey', in: 'query', name: 'access_token' })
  t.equal(definitions.propelauth.name, 'Authorization')
  await assertMissingTokenDocumented(t, app, doc, '/write', 'Missing access token: send the "__pa_at" cookie or "Authorization: Bearer <access token>"', 'POST')
})

test('scheme names: one per cookie or query name, read back to what they stand for', async (t) => {
  const names: Array<[Parameters<typeof schemeNameOf>[0], string | undefined, ReturnType<typeof carrierSchemeNamed>]> = [
    [{ kind: 'authorization' }, 'bearerAuth', undefined],
    [{ kind: 'session' }, 'propelauthSession', { in: 'session' }],
    [{ kind: 'cookie', name: '__Host-pa.at', crossSite: true }, 'propelauthCookie.__Host-pa.at', { in: 'cookie', name: '__Host-pa.at' }],
    [{ kind: 'cookie', name: "a'b", crossSite: false }, `propelauthCookieHex.${Buffer.from("a'b").toString('hex')}`, { in: 'cookie', name: "a'b" }],
    [{ kind: 'query', name: 'token' }, 'propelauthQuery.token', { in: 'query', name: 'token' }],
    [{ kind: 'query', name: 'tök en' }, `propelauthQueryHex.${Buffer.from('tök en').toString('hex')}`, { in: 'query', name: 'tök en' }],
    [{ kind: 'subprotocol', marker: 'access_token' }, undefined, undefined],
    [{ kind: 'function', crossSite: true }, undefined, undefined]
  ]
  for (const [carrier, name, readBack] of names) {
    t.equal(schemeNameOf(carrier, 'bearerAuth'), name, JSON.stringify(carrier))
    if (name !== undefined) t.same(carrierSchemeNamed(name), readBack, `${name} reads back`)
  }
  t.equal(carrierSchemeNamed('bearerAuth'), undefined, 'any other name is the bearer scheme')
  t.equal(carrierSchemeNamed('propelauthCookies'), undefined, 'a prefix alone names nothing')
})
