import { test } from 'tap'
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import scalar from '@scalar/fastify-api-reference'
import propelAuth from '../index.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { SEEDED } from '../standin/test/helpers/harness.js'
import { chromiumSkip, openBrowserPage } from './helpers/browser.js'
import { keepOnLoopback, sendFromScalar } from './helpers/scalar-page.js'
import { scalarAppWithDocsLogin } from './helpers/scalar-app.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// Scalar's API reference as docs/openapi.md sets it up, in a real headless
// Chromium (Debian's `chromium` package, never a download): the page shows the
// plugin's scheme, and a request sent from it with a token is let in.
const skip = chromiumSkip('Scalar\'s API reference')

const info = { title: 'Scalar in the browser', version: '1.0.0' }

test('Scalar: the propelauth scheme is offered, Send without a token answers 401, with a token from the page 200', { skip }, async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, testAuth.pluginOptions)
  await app.register(swagger, { openapi: { info } })
  await app.register(scalar, { routePrefix: '/reference', configuration: { authentication: { preferredSecurityScheme: 'propelauth' } } })
  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => ({ user_id: app.auth.user(request).userId }))
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const token = await testAuth.mintAccessToken({ userId: 'ada-in-scalar', email: 'ada@example.test' })

  const page = await openBrowserPage(t)
  const blocked = await keepOnLoopback(page)
  await page.goto(`${base}/reference/`)
  await page.getByText('Selected Auth Type: propelauth').first().waitFor()
  t.pass('the page offers the propelauth scheme')
  t.ok(await page.getByText('Auth Required').first().isVisible(), 'the guarded route is marked as needing it')

  const sent: Array<string | undefined> = []
  page.on('request', (request) => { if (request.url().endsWith('/api/whoami')) sent.push(request.headers().authorization) })
  const anonymous = await sendFromScalar(page, 'GET', '/api/whoami')
  t.match(anonymous.status, /^401\b/, 'Send with no token: 401')
  // Scalar sends the scheme's word with an empty field, which is a malformed header, not a missing one.
  t.same(sent, ['Bearer'], 'Scalar sent "Authorization: Bearer" with nothing after it')
  t.match(anonymous.body, 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER')

  // The client's own copy of the scheme's field, in the dialog Send is in.
  await page.getByRole('dialog').getByLabel('Bearer Token', { exact: true }).fill(token)
  const signedIn = await sendFromScalar(page, 'GET', '/api/whoami')
  t.match(signedIn.status, /^200\b/, 'with the token typed into the page: 200')
  t.same(JSON.parse(signedIn.body), { user_id: 'ada-in-scalar' })
  t.comment(`requests kept from leaving the machine: ${[...new Set(blocked)].join(', ') || 'none'}`)
})

test('Scalar with the stand-in\'s docs login: sign in with a seeded user\'s password on the page, then 200', { skip }, async (t) => {
  const { app, standIn, login } = await scalarAppWithDocsLogin(t)
  const base = await app.listen({ host: '127.0.0.1', port: 0 })

  const page = await openBrowserPage(t)
  await keepOnLoopback(page)
  await page.goto(`${base}/reference/`)
  await page.getByText(`Selected Auth Type: ${login.schemeName}`).first().waitFor()
  await page.getByLabel('Username', { exact: true }).first().fill('member@acme.test')
  await page.getByLabel('Password', { exact: true }).first().fill('password')
  const [signIn] = await Promise.all([
    page.waitForResponse((response) => response.url() === login.tokenUrl && response.request().method() === 'POST'),
    page.getByRole('button', { name: 'Authorize' }).first().click()
  ])
  t.equal(signIn.status(), 200, 'the page signed in at the stand-in\'s password login')
  await page.getByLabel('Access Token', { exact: true }).first().waitFor()

  const whoami = await sendFromScalar(page, 'GET', '/api/whoami')
  t.match(whoami.status, /^200\b/, 'signed in from the page: 200')
  t.same(JSON.parse(whoami.body), { user_id: SEEDED.member })
  t.ok(standIn.calls.some((call) => call.method === 'POST' && call.url === '/login' && call.status === 200), 'the sign-in went to the stand-in')
})
