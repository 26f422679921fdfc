import { test } from 'tap'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Page } from 'playwright-core'
import { buildApp } from '../example/app.js'
import { DEV_LOGIN_SCHEME } from '../example/dev-login.js'
import { harness, SEEDED } from './helpers/standin.js'

// The example's /docs in development, in a real headless Chromium (Debian's
// `chromium` package, never a download): a newcomer signs in as a seeded user
// with the stand-in's password login, across origins (the app and the stand-in
// listen on different ports), and calls a protected route.
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) to run the browser test of the development login`

/** Expands GET `path`, fills its parameters, presses Execute; returns the status and body Swagger UI shows. */
async function execute (page: Page, path: string, parameters: Record<string, string> = {}): Promise<{ status: string, body: string }> {
  const operation = page.locator('.opblock-get').filter({ has: page.locator(`[data-path="${path}"]`) })
  if (!await operation.locator('.opblock-body').isVisible()) await operation.locator('.opblock-summary').click()
  const tryOut = operation.locator('button.try-out__btn')
  if ((await tryOut.textContent())?.includes('Try it out') === true) await tryOut.click()
  for (const [name, value] of Object.entries(parameters)) {
    await operation.locator(`tr[data-param-name="${name}"] input`).fill(value)
  }
  await operation.locator('button.execute').click()
  const live = operation.locator('.live-responses-table .response').first()
  await live.waitFor()
  const status = (await live.locator('.response-col_status').textContent())?.trim() ?? ''
  const body = (await live.locator('.response-col_description pre').first().textContent()) ?? ''
  await operation.locator('button.btn-clear').click()
  return { status, body }
}

test('Swagger UI in development: Authorize with the stand-in\'s password login, then a protected route answers 200', { skip }, async (t) => {
  const { standIn } = await harness(t)
  const app = await buildApp(standIn.pluginOptions, {}, { devLoginUrl: `${standIn.apiBaseUrl}/login` })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const userDataDir = await mkdtemp(join(tmpdir(), 'fastify-propelauth-chromium-'))
  t.teardown(() => rm(userDataDir, { recursive: true, force: true }))
  const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 })
  t.teardown(() => browser.close())
  browser.setDefaultTimeout(15_000)
  const page = browser.pages()[0] ?? await browser.newPage()

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
  await login.locator('button.modal-btn.auth', { hasText: 'Logout' }).waitFor()
  await modal.locator('button.btn-done').first().click()

  const whoami = await execute(page, '/api/whoami')
  t.equal(whoami.status, '200', 'signed in from the docs page: 200')
  t.same(JSON.parse(whoami.body), { user_id: SEEDED.admin })
  // A route that calls PropelAuth's backend API (the stand-in) through the plugin.
  const members = await execute(page, '/api/org/{orgId}/members', { orgId: SEEDED.acme })
  t.equal(members.status, '200', 'an admin lists the org\'s members')
  t.equal(JSON.parse(members.body).totalMembers, 3)
  t.ok(standIn.calls.some((call) => call.method === 'POST' && call.url === '/login' && call.status === 200), 'the login went to the stand-in')
})
