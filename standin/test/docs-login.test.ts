import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import propelAuth from 'fastify-propelauth'
import { startStandIn } from '../index.js'
import { STAND_IN_LOGIN_SCHEME, standInDocsLogin, type StandInDocsLogin } from '../lib/docs-login/index.js'
import { harness, readResponse, SEEDED, sharedKeyPair } from './helpers/harness.js'
import { freePort } from '../../example/app-url.js'

// `fastify-propelauth-standin/docs-login`: an app's /docs signs in with the
// stand-in's password login, and only ever against a stand-in on loopback.

interface Teardown { teardown: (fn: () => unknown) => void }

/** Fails the test if anything is fetched while `run` runs: a refusal must come before any request. */
async function withoutRequests (t: Teardown & { fail: (message: string) => void }, run: () => Promise<void>): Promise<void> {
  const original = globalThis.fetch
  globalThis.fetch = async (input) => {
    t.fail(`a request was made to ${String(input)}`)
    throw new Error('no request expected')
  }
  try {
    await run()
  } finally {
    globalThis.fetch = original
  }
}

/** A loopback server that is not the stand-in: answers `about` at the stand-in's path, or 404. */
async function impostor (t: Teardown, about?: unknown): Promise<string> {
  const app = Fastify()
  if (about !== undefined) app.get('/standin/about', async () => about)
  t.teardown(() => app.close())
  return await app.listen({ host: '127.0.0.1', port: 0 })
}

/** An app as a user writes it: the plugin, @fastify/swagger, Swagger UI with the docs login, three routes. */
async function docsApp (t: Teardown, pluginOptions: { authUrl: string, apiKey: string, apiBaseUrl: string }, login: StandInDocsLogin, openapi = true): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, pluginOptions)
  await app.register(swagger, openapi
    ? { openapi: { info: { title: 'Docs login', version: '1.0.0' } } }
    : { swagger: { info: { title: 'Docs login', version: '1.0.0' } } })
  await app.register(swaggerUi, { routePrefix: '/docs', transformSpecification: login.transformSpecification })
  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => ({ userId: app.auth.user(request).userId }))
  app.get('/api/maybe', { onRequest: app.auth.optionalUser }, async (request) => ({ userId: request.user?.userId ?? null }))
  app.get('/api/public', async () => ({ ok: true }))
  return app
}

test('GET /standin/about says it is the stand-in and where its password login is, with no API key', async (t) => {
  const { standIn } = await harness(t)
  const about = await readResponse(await fetch(`${standIn.apiBaseUrl}/standin/about`))
  t.equal(about.status, 200)
  t.same(about.body, { name: 'fastify-propelauth-standin', passwordLoginPath: '/login' })
})

test('refused before any request: a URL off loopback, or not an http URL', async (t) => {
  await withoutRequests(t, async () => {
    for (const url of ['https://auth.example.com', 'http://10.0.0.5:4000', 'http://127.0.0.2:4000', 'http://localhost.example.com:4000', 'http://[::2]:4000']) {
      await t.rejects(standInDocsLogin({ url }), { message: /^standInDocsLogin refuses .*: the password sign-in on your docs is for the PropelAuth stand-in on this machine \(localhost, 127\.0\.0\.1 or \[::1\]\), never for a real PropelAuth project\. Set it up in development only, and give the stand-in's URL/ }, url)
    }
    await t.rejects(standInDocsLogin({ url: new URL('https://auth.example.com') }), { message: /refuses https:\/\/auth\.example\.com:/ }, 'a URL object too')
    for (const url of ['', 'localhost:4000', 'ftp://localhost/', undefined, 4000]) {
      await t.rejects(standInDocsLogin({ url: url as string }), { name: 'TypeError', message: /^standInDocsLogin: url must be the http URL of the PropelAuth stand-in: give the stand-in's URL/ }, String(url))
    }
  })
})

test('a refusal names the origin, never credentials or a path the URL carried', async (t) => {
  await withoutRequests(t, async () => {
    const error = await standInDocsLogin({ url: 'https://admin:s3cret-pass@auth.example.com/some/path?key=value' }).catch((reason: Error) => reason)
    t.match(error, { message: /refuses https:\/\/auth\.example\.com:/ })
    t.notMatch(String(error), /s3cret-pass|admin|key=value/)
  })
})

test('refused: a server on loopback that is not the stand-in', async (t) => {
  await t.rejects(standInDocsLogin({ url: await impostor(t) }), {
    message: /^standInDocsLogin refuses http:\/\/127\.0\.0\.1:\d+: it is not the PropelAuth stand-in \(GET \/standin\/about answered 404, not the stand-in's description\)\. Start the stand-in \(npx fastify-propelauth-standin, or startStandIn\(\) in code\)/
  }, 'one that answers 404')
  await t.rejects(standInDocsLogin({ url: await impostor(t, { name: 'another-app', passwordLoginPath: '/login' }) }), { message: /answered 200, not the stand-in's description/ }, 'one that answers with another name')
  await t.rejects(standInDocsLogin({ url: await impostor(t, { name: 'fastify-propelauth-standin', passwordLoginPath: '//elsewhere.example/login' }) }), { message: /not the PropelAuth stand-in/ }, 'one that sends the login elsewhere')
  await t.rejects(standInDocsLogin({ url: await impostor(t, 'fastify-propelauth-standin') }), { message: /not the PropelAuth stand-in/ }, 'one that answers text')
})

test('nothing listening: refused once timeoutMs has passed, saying why', async (t) => {
  const port = await freePort()
  const started = Date.now()
  await t.rejects(standInDocsLogin({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 }), {
    message: `standInDocsLogin: the PropelAuth stand-in did not answer at http://127.0.0.1:${port} within 300 ms (ECONNREFUSED). Start it before the app (npx fastify-propelauth-standin, or startStandIn() in code), or give the stand-in's URL (standIn.authUrl or standIn.apiBaseUrl, or the one \`npx fastify-propelauth-standin\` prints, e.g. http://localhost:4000)`
  })
  t.ok(Date.now() - started < 2_000, 'it gave up in time')
})

test('a stand-in still starting is waited for: asked again until it answers', async (t) => {
  const port = await freePort()
  const login = standInDocsLogin({ url: `http://localhost:${port}` })
  await sleep(300)
  const standIn = await startStandIn({ port, keyPair: await sharedKeyPair() })
  t.teardown(() => standIn.close())
  t.equal((await login).tokenUrl, `http://localhost:${port}/login`)
})

test('wrong options are refused with what to give', async (t) => {
  await withoutRequests(t, async () => {
    await t.rejects(standInDocsLogin({ url: 'http://localhost:4000', schemeName: 'stand in' }), { name: 'TypeError', message: 'standInDocsLogin: schemeName must be a security scheme name (letters, digits, _, . and -), default \'standInLogin\', not "stand in"' })
    await t.rejects(standInDocsLogin({ url: 'http://localhost:4000', bearerScheme: '' }), { message: /bearerScheme must be a security scheme name .* default 'propelauth'/ })
    await t.rejects(standInDocsLogin({ url: 'http://localhost:4000', timeoutMs: 0 }), { message: 'standInDocsLogin: timeoutMs must be a number of milliseconds > 0 (default 5000), not 0' })
    await t.rejects(standInDocsLogin({ url: 'http://localhost:4000', description: 42 as unknown as string }), { message: 'standInDocsLogin: description must be text, not number' })
  })
})

test('with a stand-in: /docs/json offers its password login beside the bearer scheme, and the token it gives opens the guarded route', async (t) => {
  const { standIn } = await harness(t)
  const login = await standInDocsLogin({ url: standIn.authUrl })
  t.equal(login.schemeName, STAND_IN_LOGIN_SCHEME)
  t.equal(login.tokenUrl, `${standIn.authUrl}/login`)
  const app = await docsApp(t, standIn.pluginOptions, login)

  const shown = (await app.inject({ url: '/docs/json' })).json()
  t.same(shown.components.securitySchemes[STAND_IN_LOGIN_SCHEME], {
    type: 'oauth2',
    description: 'Development only: sign in with the email and password of a user of the PropelAuth stand-in (leave client_id and client_secret empty). A user enrolled in MFA cannot sign in here: this form has no field for the code.',
    flows: { password: { tokenUrl: login.tokenUrl, scopes: {} } }
  })
  t.match(shown.components.securitySchemes.propelauth, { type: 'http', scheme: 'bearer' }, 'the bearer scheme stays')
  t.same(shown.paths['/api/whoami'].get.security, [{ propelauth: [] }, { standInLogin: [] }])
  t.same(shown.paths['/api/maybe'].get.security, [{}, { propelauth: [] }, { standInLogin: [] }])
  t.notOk('security' in shown.paths['/api/public'].get, 'a public route stays public')
  t.match(shown.info.description, /\*\*Development:\*\* click \*\*Authorize\*\* and sign in under \*\*standInLogin\*\*/)
  const own = app.swagger() as { components: { securitySchemes: object }, paths: Record<string, { get: { security: unknown } }> }
  t.same(Object.keys(own.components.securitySchemes), ['propelauth'], 'app.swagger() is untouched')
  t.same(own.paths['/api/whoami'].get.security, [{ propelauth: [] }])
  t.same((await app.inject({ url: '/docs/json' })).json(), shown, 'served the same every time')

  // What Swagger UI and Scalar post: the password grant as a form.
  const form = new URLSearchParams({ grant_type: 'password', username: 'member@acme.test', password: 'password' })
  const signIn = await readResponse(await fetch(login.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }))
  t.equal(signIn.status, 200)
  t.equal(signIn.body.token_type, 'bearer')
  const whoami = await app.inject({ url: '/api/whoami', headers: { authorization: `Bearer ${signIn.body.access_token as string}` } })
  t.equal(whoami.statusCode, 200)
  t.same(whoami.json(), { userId: SEEDED.member })
  t.equal((await app.inject({ url: '/api/whoami' })).statusCode, 401, 'without it: 401')
})

test('the API base URL, a renamed bearer scheme, another scheme name and a description of your own', async (t) => {
  const { standIn } = await harness(t)
  const login = await standInDocsLogin({ url: standIn.apiBaseUrl, bearerScheme: 'bearerAuth', schemeName: 'devLogin', description: 'Sign in as member@acme.test, password: password.' })
  t.equal(login.tokenUrl, `${standIn.apiBaseUrl}/login`)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, { ...standIn.pluginOptions, openapi: { securitySchemeName: 'bearerAuth' } })
  await app.register(swagger, { openapi: { info: { title: 'Docs login', version: '1.0.0', description: 'My API.' } } })
  await app.register(swaggerUi, { routePrefix: '/docs', transformSpecification: login.transformSpecification })
  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async () => ({}))
  const shown = (await app.inject({ url: '/docs/json' })).json()
  t.same(shown.paths['/api/whoami'].get.security, [{ bearerAuth: [] }, { devLogin: [] }])
  t.equal(shown.components.securitySchemes.devLogin.description, 'Sign in as member@acme.test, password: password.')
  t.match(shown.info.description, /^My API\.\n\n\*\*Development:\*\* click \*\*Authorize\*\* and sign in under \*\*devLogin\*\*/, 'after your own description')
})

test('a Swagger 2.0 document gets the password flow in its own form', async (t) => {
  const { standIn } = await harness(t)
  const login = await standInDocsLogin({ url: standIn.authUrl })
  const app = await docsApp(t, standIn.pluginOptions, login, false)
  const shown = (await app.inject({ url: '/docs/json' })).json()
  t.equal(shown.swagger, '2.0')
  t.match(shown.securityDefinitions[STAND_IN_LOGIN_SCHEME], { type: 'oauth2', flow: 'password', tokenUrl: login.tokenUrl, scopes: {} })
  t.notOk('components' in shown, 'no OpenAPI 3 part in a 2.0 document')
  t.same(shown.paths['/api/whoami'].get.security, [{ propelauth: [] }, { standInLogin: [] }])
})

test('the transform copies: a document given twice, or with top-level security, comes out right and unchanged', async (t) => {
  const { standIn } = await harness(t)
  const login = await standInDocsLogin({ url: standIn.authUrl })
  const document = {
    openapi: '3.0.3',
    info: { title: 'T', version: '1' },
    security: [{ propelauth: [] }],
    paths: { '/a': { parameters: [], get: { security: [{ propelauth: [] }], responses: {} }, post: { responses: {} } } }
  }
  const before = structuredClone(document)
  const once = login.transformSpecification(document)
  t.same(document, before, 'the given document is not changed')
  t.same(once.security, [{ propelauth: [] }, { standInLogin: [] }])
  t.same(once.paths['/a'].get.security, [{ propelauth: [] }, { standInLogin: [] }])
  t.notOk('security' in once.paths['/a'].post, 'an operation without security inherits the top level, as before')
  t.same(login.transformSpecification(once).paths['/a'].get.security, once.paths['/a'].get.security, 'offered once, even if transformed twice')
})
