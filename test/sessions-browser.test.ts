import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Page } from 'playwright-core'
import { buildApp } from '../example/app.js'
import { freePort } from '../example/app-url.js'
import { EXAMPLE_SEED } from '../example/seed.js'
import { chromiumSkip, openBrowserPage } from './helpers/browser.js'
import { harness, SEEDED } from '../standin/test/helpers/harness.js'
import { refreshWith } from '../standin/test/helpers/ssr.js'

// Server-run sign-in (the option `sessions`) in a real headless Chromium, on
// the example's server-rendered page /ssr, against the stand-in: the hosted
// login and back, cookies as the browser keeps them, the refresh on the
// server, and the attacks a browser makes possible. One browser for all.
const skip = chromiumSkip('server-run sign-in')

test('server-run sign-in in Chromium, on the example\'s /ssr page', { skip }, async (t) => {
  const { standIn, api } = await harness(t, { seed: EXAMPLE_SEED })
  // On localhost, the site of the stand-in's auth URL, as `npm start` serves it.
  const port = await freePort('127.0.0.1')
  const base = `http://localhost:${port}`
  const app = await buildApp(standIn.pluginOptions, {}, { baseUrl: base, frontend: false })
  await app.listen({ host: '127.0.0.1', port })
  t.teardown(() => app.close())

  const page = await openBrowserPage(t)
  const context = page.context()
  const refreshCalls = (): number => standIn.calls.filter((call) => call.method === 'POST' && call.url.startsWith('/api/backend/v1/refresh_token')).length
  const sessionCookies = async (): Promise<Array<{ name: string, value: string, httpOnly: boolean, sameSite: string, path: string }>> =>
    (await context.cookies(base)).filter((cookie) => cookie.name.startsWith('__pa_'))
  const cookieValue = async (name: string): Promise<string | undefined> => (await sessionCookies()).find((cookie) => cookie.name === name)?.value

  /** From a signed-out browser: /ssr, the hosted login (and its MFA step), back on /ssr. */
  async function signIn (p: Page, email: string, mfa = false): Promise<void> {
    await p.goto(`${base}/ssr`)
    if (!p.url().startsWith(standIn.authUrl)) throw new Error(`not sent to the hosted login: ${p.url()}`)
    await p.locator('#email').fill(email)
    await p.locator('#password').fill('password')
    await p.locator('button[type=submit]').click()
    if (mfa) {
      await p.locator('#code').fill(standIn.mfaCode)
      await p.locator('button[type=submit]').click()
    }
    await p.waitForURL(`${base}/ssr`)
    await p.locator('#name').waitFor()
  }

  t.beforeEach(async () => { await context.clearCookies() })

  await t.test('the whole cycle: hosted login with MFA, the page, a switch of org, sign-out', async (t) => {
    await signIn(page, 'owner@acme.test', true)
    t.equal(await page.locator('#name').textContent(), 'Ada Owner')
    t.equal(await page.locator('#email').textContent(), 'owner@acme.test')
    t.equal(await page.locator('#active-org').textContent(), 'Acme Inc', 'the first org is made active at sign-in')
    t.equal(await page.locator('#active-role').textContent(), 'Owner')
    const status = async (orgId: string, route: string): Promise<string | null> =>
      await page.locator(`section[data-org-id="${orgId}"] tr`, { hasText: `/${route}` }).locator('td').nth(1).textContent()
    t.equal(await status(SEEDED.acme, 'billing'), '200', 'the org routes answer the session: billing in Acme')
    t.equal(await status(SEEDED.acme, 'admin_only'), '403')

    const cookies = await sessionCookies()
    t.same(cookies.map((cookie) => cookie.name).sort(), ['__pa_at', '__pa_org_id', '__pa_rt'], 'the tokens and the active org; the sign-in\'s state is gone')
    for (const cookie of cookies) t.match(cookie, { httpOnly: true, sameSite: 'Lax', path: '/' }, `${cookie.name}: HttpOnly, SameSite=Lax, Path=/`)
    t.notMatch(await page.evaluate('document.cookie') as string, /__pa_/, 'no script of the page reads them')

    await page.locator('button', { hasText: 'Make Globex active' }).click()
    await page.waitForURL(`${base}/ssr`)
    t.equal(await page.locator('#active-org').textContent(), 'Globex', 'switched with a plain form')
    t.equal(await page.locator('#active-role').textContent(), 'Member')
    const globex = (await context.cookies(base)).find((cookie) => cookie.name === '__pa_org_id')?.value
    t.equal(await status(globex!, 'billing'), '403', 'a Member of Globex does not see its billing')
    t.equal(await status(globex!, 'check'), '200')
    t.equal(await status(SEEDED.acme, 'check'), '403', 'the token speaks for the active org only')

    const refreshToken = await cookieValue('__pa_rt')
    t.equal((await refreshWith(standIn, refreshToken!)).status, 200, 'the refresh token works before the sign-out')
    await page.locator('#sign-out').click()
    await page.waitForURL(`${base}/ssr/signed-out`)
    t.same((await sessionCookies()).map((cookie) => cookie.name), ['__pa_org_id'], 'the tokens\' cookies are cleared')
    t.equal((await refreshWith(standIn, refreshToken!)).status, 401, 'the old refresh token no longer refreshes at PropelAuth')
  })

  await t.test('a callback with another state: an error page and no session', async (t) => {
    await page.goto(`${base}/api/auth/login?return_to_path=%2Fssr`)
    t.ok(page.url().startsWith(standIn.authUrl), 'at the hosted login')
    t.ok(await cookieValue('__pa_state'), 'the sign-in\'s state is in a cookie')
    const answer = await page.goto(`${base}/api/auth/callback?code=whatever&state=${'b'.repeat(64)}`)
    t.equal(answer?.status(), 400)
    await page.locator('h1', { hasText: 'Sign-in problem' }).waitFor()
    t.same(await sessionCookies(), [], 'no session cookies, and the state is spent')
  })

  await t.test('return paths that leave the site are refused', async (t) => {
    for (const path of ['//evil.example', '/\\evil.example', '/%2F%2Fevil.example', '/%5Cevil.example', 'https://evil.example/', 'javascript:alert(1)', ' /ssr']) {
      const answer = await page.goto(`${base}/api/auth/login?return_to_path=${encodeURIComponent(path)}`)
      t.equal(answer?.status(), 400, `${JSON.stringify(path)}: 400`)
      t.equal(new URL(page.url()).origin, base, `${JSON.stringify(path)}: still on the site`)
    }
    // A legitimate one goes all the way round and comes back.
    await page.goto(`${base}/api/auth/login?return_to_path=${encodeURIComponent('/ssr?tab=orgs')}`)
    await page.locator('#email').fill('member@acme.test')
    await page.locator('#password').fill('password')
    await page.locator('button[type=submit]').click()
    await page.waitForURL(`${base}/ssr?tab=orgs`)
    t.pass('a path of the site is returned to')
  })

  await t.test('htmx gets a 401 with HX-Redirect to the sign-in', async (t) => {
    await page.goto(`${base}/ssr/signed-out`)
    const answer = await page.evaluate(async (origin) => {
      const response = await fetch('/ssr', { headers: { 'HX-Request': 'true', 'HX-Current-URL': `${origin}/ssr?tab=orgs` } })
      return { status: response.status, redirect: response.headers.get('hx-redirect') }
    }, base)
    t.same(answer, { status: 401, redirect: '/api/auth/login?return_to_path=%2Fssr%3Ftab%3Dorgs' })
  })

  await t.test('another site\'s form cannot sign the user out', async (t) => {
    await signIn(page, 'member@acme.test')
    const refreshToken = await cookieValue('__pa_rt')
    // A page of another origin that posts a form to the app as soon as it loads:
    // text/plain, which Fastify parses, so the request reaches the route's own check.
    await page.route('http://evil.test/**', async (route) => {
      const target = new URL(route.request().url()).searchParams.get('target')!
      await route.fulfill({ contentType: 'text/html', body: `<form method="post" enctype="text/plain" action="${target}"><input name="a" value="b"></form><script>document.forms[0].submit()</script>` })
    })
    for (const target of ['/api/auth/logout', '/ssr/logout']) {
      const refused = page.waitForResponse(`${base}${target}`)
      await page.goto(`http://evil.test/?target=${encodeURIComponent(base + target)}`)
      t.equal((await refused).status(), 403, `POST ${target} from another site: 403`)
    }
    t.equal(await cookieValue('__pa_rt'), refreshToken, 'the session\'s cookies are kept')
    await page.goto(`${base}/ssr`)
    t.equal(page.url(), `${base}/ssr`, 'still signed in')
    t.equal(await page.locator('#name').textContent(), 'Linus Member')
  })

  await t.test('20 requests after expiry make one refresh; a disabled user is signed out at the next', async (t) => {
    // Three seconds: `exp` is counted in whole seconds from a truncated `iat`, so a
    // one-second token may have a tenth of a second left when it reaches the browser.
    standIn.ssrAccessTokenSeconds = 3
    t.teardown(() => { standIn.ssrAccessTokenSeconds = 1800 })
    await signIn(page, 'member@acme.test')
    const refreshToken = await cookieValue('__pa_rt')
    await sleep(3200)
    const before = refreshCalls()
    const statuses = await page.evaluate(async () => await Promise.all(Array.from({ length: 20 }, async () => (await fetch('/api/whoami')).status)))
    t.same(statuses, Array(20).fill(200), 'the 20 are answered as the user')
    t.equal(refreshCalls() - before, 1, 'with one refresh at PropelAuth')
    t.not(await cookieValue('__pa_rt'), refreshToken, 'the browser keeps the rotated refresh token')

    t.equal((await api('POST', `/api/backend/v1/user/${SEEDED.member}/disable`)).status, 200)
    await sleep(3200)
    await page.goto(`${base}/ssr`)
    t.ok(page.url().startsWith(standIn.authUrl), 'sent to sign in again')
    t.same((await sessionCookies()).filter((cookie) => cookie.name !== '__pa_org_id' && !cookie.name.startsWith('__pa_state') && cookie.name !== '__pa_return_to_path'), [], 'the session\'s tokens are cleared')
  })
})
