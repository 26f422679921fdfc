import { test } from 'tap'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../example/app.js'
import { createTestAuth } from '../lib/testing/test-auth.js'
import { chromiumSkip, openBrowserPage, tryOperation } from './helpers/browser.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// The example's Swagger UI, driven in a real headless Chromium.
const skip = chromiumSkip('/docs')

test('Swagger UI at /docs: 401 without a token, Authorize with a minted token, 200 with the user id', { skip }, async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const app = await buildApp(testAuth.pluginOptions)
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const token = await testAuth.mintAccessToken({ userId: 'ada-in-the-browser', email: 'ada@example.test' })

  const page = await openBrowserPage(t)

  await page.goto(`${base}/docs`)
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'fastify-propelauth example' }).waitFor()
  t.equal(await page.locator('.opblock-summary [data-path="/api/whoami"]').count(), 1, 'the protected route is listed')
  t.ok(await page.locator('.opblock-get', { has: page.locator('[data-path="/api/whoami"]') }).locator('.authorization__btn').isVisible(), 'with a lock icon')

  const anonymous = await tryOperation(page, '/api/whoami')
  t.equal(anonymous.status, '401', 'Try it out without authorizing: 401')
  t.match(anonymous.body, 'FST_PROPELAUTH_MISSING_TOKEN')

  await page.locator('.scheme-container button.authorize').click()
  const modal = page.locator('.modal-ux')
  await modal.locator('h4', { hasText: 'propelauth' }).waitFor()
  await modal.locator('input[type="text"], input[type="password"]').first().fill(token)
  await modal.locator('button.modal-btn.auth.authorize').click()
  await modal.locator('button.btn-done').click()

  const signedIn = await tryOperation(page, '/api/whoami')
  t.equal(signedIn.status, '200', 'after Authorize: 200')
  t.same(JSON.parse(signedIn.body), { user_id: 'ada-in-the-browser' }, "with the user's id")

  // optionalUser routes document `[{}, {propelauth: []}]`: Swagger UI still sends the token.
  const optional = await tryOperation(page, '/api/whoami_optional')
  t.same(JSON.parse(optional.body), { user_id: 'ada-in-the-browser' }, 'the optional route sees the authorized user')

  // persistAuthorization: the token survives a reload of /docs.
  await page.reload()
  await page.locator('.opblock-summary [data-path="/api/whoami"]').waitFor()
  const afterReload = await tryOperation(page, '/api/whoami')
  t.equal(afterReload.status, '200', 'still authorized after a reload (persistAuthorization)')
})
