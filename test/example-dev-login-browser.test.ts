import { test } from 'tap'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../example/app.js'
import { STAND_IN_LOGIN_SCHEME as DEV_LOGIN_SCHEME } from 'fastify-propelauth-standin/docs-login'
import { chromiumSkip, openBrowserPage, tryOperation } from './helpers/browser.js'
import { harness, SEEDED } from '../standin/test/helpers/harness.js'

// The example's /docs in development, in a real headless Chromium (Debian's
// `chromium` package, never a download): a newcomer signs in as a seeded user
// with the stand-in's password login, across origins (the app and the stand-in
// listen on different ports), and calls a protected route.
const skip = chromiumSkip('the development login')

test('Swagger UI in development: Authorize with the stand-in\'s password login, then a protected route answers 200', { skip }, async (t) => {
  const { standIn } = await harness(t)
  const app = await buildApp(standIn.pluginOptions, {}, { standInUrl: standIn.apiBaseUrl })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const page = await openBrowserPage(t)

  await page.goto(`${base}/docs`)
  await page.locator('.opblock-summary [data-path="/api/whoami"]').waitFor()
  await page.locator('.scheme-container button.authorize').click()
  const modal = page.locator('.modal-ux')
  const login = modal.locator('.auth-container').filter({ has: page.locator('h4', { hasText: DEV_LOGIN_SCHEME }) })
  await login.waitFor()
  await login.locator('#oauth_username').fill('wrong@acme.test')
  await login.locator('#oauth_password').fill('password')
  await login.locator('button.modal-btn.auth.authorize').click()
  await login.locator('.errors').filter({ hasText: /Incorrect email or password/ }).waitFor()
  t.pass('a wrong email is refused with the stand-in\'s message')

  await login.locator('#oauth_username').fill('admin@acme.test')
  await login.locator('button.modal-btn.auth.authorize').click()
  await login.locator('.errors').filter({ hasText: /signs in with MFA: send .* as mfa_code/ }).waitFor()
  t.pass('a user with MFA is asked for the code, which Swagger UI\'s password form has no field for')

  // As `npm start` does (example/seed.ts), the docs page signs in an Admin without MFA.
  standIn.state.users.get(SEEDED.admin)!.mfa = null
  await login.locator('button.modal-btn.auth.authorize').click()
  await login.locator('button.modal-btn.auth', { hasText: 'Logout' }).waitFor()
  await modal.locator('button.btn-done').first().click()

  const whoami = await tryOperation(page, '/api/whoami')
  t.equal(whoami.status, '200', 'signed in from the docs page: 200')
  t.same(JSON.parse(whoami.body), { user_id: SEEDED.admin })
  // A route that calls PropelAuth's backend API (the stand-in) through the plugin.
  const members = await tryOperation(page, '/api/org/{orgId}/members', { orgId: SEEDED.acme })
  t.equal(members.status, '200', 'an admin lists the org\'s members')
  t.equal(JSON.parse(members.body).totalMembers, 3)
  t.ok(standIn.calls.some((call) => call.method === 'POST' && call.url === '/login' && call.status === 200), 'the login went to the stand-in')
})
