// The guards as strategies of the real @fastify/auth, in OR and AND relations:
// a guard reports its refusal inside its error and sets nothing on the reply, so
// an answer that another strategy admitted carries no challenge of ours, and an
// answer that is ours carries its challenge, with Fastify's error handler or an
// app's own. `composed` names the alternatives for the OpenAPI document.
import { test, type Test } from 'tap'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import propelAuth, { type PropelAuthDecorator } from '../index.js'
import { createTestAuth } from '../lib/testing/index.js'
import { authOf, fastifyAuth, type Strategy } from './helpers/fastify-auth.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

type Json = Record<string, any>

const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
const member = await testAuth.authorizationHeader({ userId: 'u-member', orgs: [{ orgId: ORG, orgName: 'Acme', role: 'Member' }] })
const INVALID = 'Bearer error="invalid_token", error_description="The access token is invalid"'

/** Another strategy, as an app writes one: a static key in `x-api-token`. */
const apiToken: Strategy = (request, _reply, done) => {
  if (request.headers['x-api-token'] === 'let-me-in') {
    done()
    return
  }
  done(Object.assign(new Error('Bad API token'), { statusCode: 401, code: 'APP_BAD_API_TOKEN' }))
}

/** A second condition for AND: the request comes from the office network. */
const fromOffice: Strategy = (request, _reply, done) => {
  done(request.headers['x-office'] === 'yes' ? undefined : Object.assign(new Error('Not from the office'), { statusCode: 403, code: 'APP_NOT_OFFICE' }))
}

interface Apps {
  app: FastifyInstance
  propel: PropelAuthDecorator
}

async function build (t: Test, routes: (app: FastifyInstance, propel: PropelAuthDecorator) => void, setup?: (app: FastifyInstance) => void): Promise<Apps> {
  const app = Fastify()
  await app.register(swagger, { openapi: { info: { title: 'composition', version: '1' }, components: { securitySchemes: { apiToken: { type: 'apiKey', in: 'header', name: 'x-api-token' }, office: { type: 'apiKey', in: 'header', name: 'x-office' } } } } })
  await app.register(fastifyAuth)
  // @fastify/auth owns `auth`: ours goes by another name.
  await app.register(propelAuth, { ...testAuth.pluginOptions, decorator: 'propelAuth' })
  const propel = app.getDecorator<PropelAuthDecorator>('propelAuth')
  setup?.(app)
  routes(app, propel)
  t.teardown(() => app.close())
  await app.ready()
  return { app, propel }
}

const ok = async (): Promise<{ ok: true }> => ({ ok: true })

test('OR: another strategy admits the request, and the 200 carries no challenge of ours', async (t) => {
  const { app } = await build(t, (app, propel) => {
    const auth = authOf(app)
    app.get('/ours-first', { onRequest: auth([propel.requireUser, apiToken]) }, ok)
    app.get('/ours-last', { onRequest: auth([apiToken, propel.requireUser]) }, ok)
    app.get('/org-last/:orgId', { onRequest: auth([apiToken, propel.requireOrgMemberWithMinimumRole('Admin')]) }, ok)
    app.get('/api-key-first', { onRequest: auth([propel.requireApiKey, apiToken]) }, ok)
  })
  for (const url of ['/ours-first', '/ours-last', '/api-key-first']) {
    const admitted = await app.inject({ url, headers: { 'x-api-token': 'let-me-in' } })
    t.equal(admitted.statusCode, 200, `${url}: admitted by the other strategy`)
    t.equal(admitted.headers['www-authenticate'], undefined, `${url}: no challenge of ours on the 200`)
    const ours = await app.inject({ url: url.replace('api-key', 'ours'), headers: { authorization: member } })
    t.equal(ours.statusCode, 200, `${url}: admitted by our guard`)
  }

  const last = await app.inject({ url: '/ours-last', headers: { authorization: 'Bearer junk' } })
  t.equal(last.statusCode, 401, 'both refuse, ours last: ours is the answer')
  t.equal(last.json().code, 'FST_PROPELAUTH_INVALID_TOKEN')
  t.equal(last.headers['www-authenticate'], INVALID, 'with its challenge')

  const first = await app.inject({ url: '/ours-first', headers: { authorization: 'Bearer junk' } })
  t.equal(first.statusCode, 401, 'both refuse, the other last: @fastify/auth answers with its error')
  t.equal(first.json().code, 'APP_BAD_API_TOKEN')
  t.equal(first.headers['www-authenticate'], undefined, 'and no challenge of ours')

  const forbidden = await app.inject({ url: `/org-last/${ORG}`, headers: { authorization: member } })
  t.equal(forbidden.statusCode, 403, 'an org guard last: its 403')
  t.equal(forbidden.json().code, 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
  t.match(forbidden.headers['www-authenticate'], /insufficient_scope/)
})

test('AND: every strategy must admit; the first refusal is the answer, with its own headers only', async (t) => {
  const { app } = await build(t, (app, propel) => {
    const auth = authOf(app)
    app.get('/both', { onRequest: auth([propel.requireUser, fromOffice], { relation: 'and' }) }, async (request) => ({ user: request.user?.userId }))
  })
  const admitted = await app.inject({ url: '/both', headers: { authorization: member, 'x-office': 'yes' } })
  t.equal(admitted.statusCode, 200)
  t.same(admitted.json(), { user: 'u-member' }, 'our guard set request.user')
  t.equal(admitted.headers['www-authenticate'], undefined)

  const notOffice = await app.inject({ url: '/both', headers: { authorization: member } })
  t.equal(notOffice.statusCode, 403)
  t.equal(notOffice.json().code, 'APP_NOT_OFFICE')
  t.equal(notOffice.headers['www-authenticate'], undefined, 'ours admitted: no challenge')

  const noToken = await app.inject({ url: '/both', headers: { 'x-office': 'yes' } })
  t.equal(noToken.statusCode, 401)
  t.equal(noToken.json().code, 'FST_PROPELAUTH_MISSING_TOKEN')
  t.equal(noToken.headers['www-authenticate'], 'Bearer')
})

test('an app with its own setErrorHandler sends the challenge with reply.headers(error.headers)', async (t) => {
  const { app } = await build(t, (app, propel) => {
    app.get('/me', { onRequest: propel.requireUser }, ok)
    app.get('/either', { onRequest: authOf(app)([apiToken, propel.requireUser]) }, ok)
  }, (app) => {
    app.setErrorHandler((error: Error & { statusCode?: number, code?: string, headers?: Record<string, string> }, _request: FastifyRequest, reply: FastifyReply) => {
      // The one line an error handler needs for the refusals of fastify-propelauth.
      reply.headers(error.headers ?? {})
      reply.status(error.statusCode ?? 500).send({ problem: error.code })
    })
  })
  for (const url of ['/me', '/either']) {
    const response = await app.inject({ url, headers: { authorization: 'Bearer junk' } })
    t.equal(response.statusCode, 401, `${url}: 401`)
    t.same(response.json(), { problem: 'FST_PROPELAUTH_INVALID_TOKEN' }, `${url}: the app's own body`)
    t.equal(response.headers['www-authenticate'], INVALID, `${url}: our challenge`)
  }
  const admitted = await app.inject({ url: '/either', headers: { 'x-api-token': 'let-me-in', authorization: 'Bearer junk' } })
  t.equal(admitted.statusCode, 200)
  t.equal(admitted.headers['www-authenticate'], undefined)
})

test('composed(): OR as separate security requirements, AND as one, with the 401/403 that can come back', async (t) => {
  const { app } = await build(t, (app, propel) => {
    const auth = authOf(app)
    app.get('/or', { onRequest: propel.composed(auth([propel.requireUser, apiToken]), { anyOf: [propel.requireUser, 'apiToken'] }) }, ok)
    app.get('/or-ours-last/:orgId', {
      onRequest: propel.composed(auth([apiToken, propel.requireOrgMember()]), { anyOf: ['apiToken', propel.requireOrgMember()] })
    }, ok)
    app.get('/and', {
      onRequest: propel.composed(auth([propel.requireUser, fromOffice], { relation: 'and' }), { allOf: [propel.requireUser, 'office'] })
    }, ok)
    app.get('/or-of-and', {
      onRequest: propel.composed(auth([[propel.requireUser, fromOffice], apiToken]), { anyOf: [[propel.requireUser, 'office'], 'apiToken'] })
    }, ok)
  })
  const doc = app.swagger() as Json
  const op = (path: string): Json => doc.paths[path].get

  const or = op('/or')
  t.same(or.security, [{ propelauth: [] }, { apiToken: [] }], 'OR: one requirement per alternative')
  t.same(Object.keys(or.responses).sort(), ['200', '401'])
  t.match(or.responses['401'].description, /^Unauthorized: the refusal of the `apiToken` strategy/, 'the other strategy is last: its refusal is the one that comes back')
  t.match(or.description, /Requires a signed-in user or `apiToken`/)

  const orgLast = op('/or-ours-last/{orgId}')
  t.same(orgLast.security, [{ apiToken: [] }, { propelauth: [] }])
  t.same(Object.keys(orgLast.responses).sort(), ['200', '401', '403'], 'our org guard last: its 401 and 403')
  t.match(orgLast.responses['401'].description, /FST_PROPELAUTH_MISSING_TOKEN/)
  t.match(orgLast.responses['401'].headers['WWW-Authenticate'].description, /Bearer/)

  const and = op('/and')
  t.same(and.security, [{ propelauth: [], office: [] }], 'AND: one requirement naming both')
  t.same(Object.keys(and.responses).sort(), ['200', '401'])
  t.match(and.responses['401'].description, /FST_PROPELAUTH_MISSING_TOKEN.*Or the refusal of the `office` strategy/, 'either can refuse')

  t.same(op('/or-of-and').security, [{ propelauth: [], office: [] }, { apiToken: [] }], 'an AND group inside OR')

  const schemes = doc.components.securitySchemes
  t.same(Object.keys(schemes).sort(), ['apiToken', 'office', 'propelauth'], 'our scheme is added; the app\'s are its own')
  t.same(schemes.apiToken, { type: 'apiKey', in: 'header', name: 'x-api-token' }, 'the app\'s scheme is untouched')
})

test('composed(): the cookie a member reads is named, and its cross-site 403 listed when it is the one answering', async (t) => {
  const { default: cookie } = await import('@fastify/cookie')
  const { app } = await build(t, (app, propel) => {
    const auth = authOf(app)
    const fromCookie = propel.from({ cookie: '__pa_at' })
    // In a plugin, so that @fastify/cookie is loaded when the routes are declared.
    app.register(cookie)
    app.register(async (scope) => {
      scope.post('/cookie-last', { onRequest: propel.composed(auth([propel.requireUser, fromCookie.requireUser]), { anyOf: [propel.requireUser, fromCookie.requireUser] }) }, ok)
      scope.post('/cookie-first', { onRequest: propel.composed(auth([fromCookie.requireUser, propel.requireUser]), { anyOf: [fromCookie.requireUser, propel.requireUser] }) }, ok)
      scope.post('/theirs-only', { onRequest: propel.composed(auth([apiToken, fromOffice]), { anyOf: ['apiToken', 'office'] }) }, ok)
    })
  })
  const doc = app.swagger() as Json
  const op = (path: string): Json => doc.paths[path].post

  const last = op('/cookie-last')
  t.same(last.security, [{ propelauth: [] }, { 'propelauthCookie.__pa_at': [] }])
  t.match(last.description, 'PropelAuth credentials go in `Authorization: Bearer …` or the cookie `__pa_at`.')
  t.match(last.responses['403'].description, 'FST_PROPELAUTH_CROSS_SITE_REQUEST', 'the cookie guard is last: its refusal comes back')
  t.equal(last.responses['401'].content['application/json'].example.message, 'Missing access token: send the "__pa_at" cookie')
  const refused = await app.inject({ method: 'POST', url: '/cookie-last', headers: { 'sec-fetch-site': 'cross-site' }, cookies: { __pa_at: 'any' } })
  t.equal(refused.statusCode, 403)
  t.same(refused.json(), last.responses['403'].content['application/json'].example)

  const first = op('/cookie-first')
  t.notOk(first.responses['403'], 'the header guard is last: only its 401 can come back')
  t.match(first.responses['401'].description, 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER')

  const theirs = op('/theirs-only')
  t.match(theirs.description, /^Requires `apiToken` or `office`\.$/, 'no guard of ours: no word on where PropelAuth credentials go')
})

test('composed() checks what it is given', async (t) => {
  const { propel } = await build(t, () => {})
  const hook = (): void => {}
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['no relation', () => propel.composed(hook, {} as never), /exactly one of anyOf/],
    ['both relations', () => propel.composed(hook, { anyOf: ['a'], allOf: ['b'] } as never), /exactly one of anyOf/],
    ['an empty list', () => propel.composed(hook, { anyOf: [] }), /anyOf to be a non-empty array/],
    ['a strategy of the app', () => propel.composed(hook, { anyOf: [apiToken] }), /a strategy of your own is named by its scheme/],
    ['a bad scheme name', () => propel.composed(hook, { allOf: ['api token'] }), /security scheme names in allOf\[0\]/],
    ['arrays too deep', () => propel.composed(hook, { anyOf: [[propel.requireUser, ['x'] as never]] }), /at most one level of nested arrays/],
    ['no hook', () => propel.composed(undefined as never, { anyOf: ['x'] }), /expects the hook @fastify\/auth returned/]
  ]
  for (const [name, call, message] of cases) t.throws(call, { code: 'FST_PROPELAUTH_INVALID_OPTION', message }, name)
})
