import { test } from 'tap'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { buildApp } from '../example/app.js'
import { chromiumSkip, openBrowserPage } from './helpers/browser.js'
import { harness, SEEDED } from '../standin/test/helpers/harness.js'

// The example's frontend page (what `npm start` serves at /) in a real
// headless Chromium: PropelAuth's browser client signs in on the stand-in's
// login page, comes back, and the page shows what the backend answers.
const skip = chromiumSkip('the example\'s frontend page')

/** The page's table of backend answers: request label → status. */
async function answers (page: Page): Promise<Record<string, string>> {
  const rows = await page.locator('#results tr').all()
  const out: Record<string, string> = {}
  for (const row of rows) {
    const cells = await row.locator('td').allTextContents()
    out[cells[0]] = `${cells[1]} ${cells[2]}`
  }
  return out
}

test('the example frontend: sign in on the stand-in, see the backend\'s answers for that user, sign out', { skip }, async (t) => {
  const { standIn } = await harness(t)
  const app = await buildApp(standIn.pluginOptions)
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  // localhost, as the stand-in's auth URL: the same site, so the session cookie goes with the client's calls.
  const pageUrl = `http://localhost:${(app.server.address() as AddressInfo).port}/`
  const page = await openBrowserPage(t)

  await page.goto(pageUrl)
  await page.getByRole('status').filter({ hasText: 'Not signed in' }).waitFor()
  await page.locator('#results tr').first().waitFor()
  t.match((await answers(page))['GET /api/whoami'], /^401 .*FST_PROPELAUTH_MISSING_TOKEN/, 'signed out, the backend answers 401')

  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${standIn.authUrl}/login?**`)
  await page.getByLabel('Email').fill('member@acme.test')
  await page.getByLabel('Password').fill('password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(pageUrl)
  await page.getByRole('status').filter({ hasText: 'Signed in as member@acme.test (Linus Member)' }).waitFor()
  await page.locator('#results tr').nth(5).waitFor()
  const signedIn = await answers(page)
  t.equal(signedIn['GET /api/whoami'], `200 {"user_id":"${SEEDED.member}"}`)
  const org = (route: string): string => signedIn[`GET /api/org/${SEEDED.acme}/${route} (Acme Inc, Member)`]
  t.match(org('check'), /^200 .*You are a member of Acme Inc/)
  t.match(org('admin_or_owner'), /^403 .*FST_PROPELAUTH_INSUFFICIENT_ROLE/, 'a Member is refused the Admin route')
  t.match(org('billing'), /^403 .*FST_PROPELAUTH_MISSING_PERMISSION/)
  t.equal(signedIn['GET /api/whoami with Acme Inc\'s org token'], `200 {"user_id":"${SEEDED.member}"}`)

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('status').filter({ hasText: 'Not signed in' }).waitFor()
  t.equal(standIn.state.sessions.of(SEEDED.member, standIn.state.nowSeconds()).length, 0, 'the session ended on the stand-in')
  await page.reload()
  await page.getByRole('status').filter({ hasText: 'Not signed in' }).waitFor()
  t.pass('and stays ended after a reload')
})
