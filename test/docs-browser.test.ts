import { test } from 'tap'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Page } from 'playwright-core'
import { buildApp } from '../example/app.js'
import { createTestAuth } from '../lib/testing/test-auth.js'

// The example's Swagger UI, driven in a real headless Chromium: Debian's
// `chromium` package (`.ci/run` installs it), never a browser download.
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) to run the browser test of /docs`

/** Expands GET `path`, presses Try it out (once) and Execute; returns the status and body Swagger UI shows. */
async function tryIt (page: Page, path: string): Promise<{ status: string, body: string }> {
  const operation = page.locator('.opblock-get').filter({ has: page.locator(`[data-path="${path}"]`) })
  if (!await operation.locator('.opblock-body').isVisible()) {
    await operation.locator('.opblock-summary').click()
  }
  const tryOut = operation.locator('button.try-out__btn')
  if ((await tryOut.textContent())?.includes('Try it out') === true) await tryOut.click()
  const execute = operation.locator('button.execute')
  await execute.click()
  const live = operation.locator('.live-responses-table .response').first()
  await live.waitFor()
  const status = (await live.locator('.response-col_status').textContent())?.trim() ?? ''
  const body = (await live.locator('.response-col_description pre').first().textContent()) ?? ''
  // Clear, so the next Execute's answer is the one read.
  await operation.locator('button.btn-clear').click()
  return { status, body }
}

test('Swagger UI at /docs: 401 without a token, Authorize with a minted token, 200 with the user id', { skip }, async (t) => {
  const testAuth = await createTestAuth()
  const app = await buildApp(testAuth.pluginOptions)
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const token = await testAuth.mintAccessToken({ userId: 'ada-in-the-browser', email: 'ada@example.test' })

  const userDataDir = await mkdtemp(join(tmpdir(), 'fastify-propelauth-chromium-'))
  t.teardown(() => rm(userDataDir, { recursive: true, force: true }))
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000
  })
  t.teardown(() => browser.close())
  browser.setDefaultTimeout(15_000)
  const page = browser.pages()[0] ?? await browser.newPage()

  await page.goto(`${base}/docs`)
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'fastify-propelauth example' }).waitFor()
  t.equal(await page.locator('.opblock-summary [data-path="/api/whoami"]').count(), 1, 'the protected route is listed')
  t.ok(await page.locator('.opblock-get', { has: page.locator('[data-path="/api/whoami"]') }).locator('.authorization__btn').isVisible(), 'with a lock icon')

  const anonymous = await tryIt(page, '/api/whoami')
  t.equal(anonymous.status, '401', 'Try it out without authorizing: 401')
  t.match(anonymous.body, 'FST_PROPELAUTH_MISSING_TOKEN')

  await page.locator('.scheme-container button.authorize').click()
  const modal = page.locator('.modal-ux')
  await modal.locator('h4', { hasText: 'propelauth' }).waitFor()
  await modal.locator('input[type="text"], input[type="password"]').first().fill(token)
  await modal.locator('button.modal-btn.auth.authorize').click()
  await modal.locator('button.btn-done').click()

  const signedIn = await tryIt(page, '/api/whoami')
  t.equal(signedIn.status, '200', 'after Authorize: 200')
  t.same(JSON.parse(signedIn.body), { user_id: 'ada-in-the-browser' }, "with the user's id")

  // optionalUser routes document `[{}, {propelauth: []}]`: Swagger UI still sends the token.
  const optional = await tryIt(page, '/api/whoami_optional')
  t.same(JSON.parse(optional.body), { user_id: 'ada-in-the-browser' }, 'the optional route sees the authorized user')

  // persistAuthorization: the token survives a reload of /docs.
  await page.reload()
  await page.locator('.opblock-summary [data-path="/api/whoami"]').waitFor()
  const afterReload = await tryIt(page, '/api/whoami')
  t.equal(afterReload.status, '200', 'still authorized after a reload (persistAuthorization)')
})
