import { test } from 'tap'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import Fastify from 'fastify'
import propelAuth from 'fastify-propelauth'
import type { Page } from 'playwright-core'
import { chromiumSkip, openBrowserPage } from '../../test/helpers/browser.js'
import type { StandIn } from '../index.js'
import { claimsOf, harness, SEEDED } from './helpers/harness.js'

// PropelAuth's own browser client (@propelauth/javascript, unchanged) in a
// real Chromium against the stand-in's auth URL: the whole cycle an app's
// frontend goes through, and the plugin accepting what the client gets.
const skip = chromiumSkip('PropelAuth\'s browser client against the stand-in')
const CLIENT_BUNDLE = createRequire(import.meta.url).resolve('@propelauth/javascript/dist/esm/index.js')
const PAGE = new URL('./fixtures/client-page.html', import.meta.url)
// A name that is not loopback, for an origin the project does not allow; Chromium maps it to 127.0.0.1.
const FOREIGN_HOST = 'elsewhere.test'

interface Described {
  accessToken: string
  expiresAtSeconds: number
  userId: string
  email: string
  firstName?: string
  mfaEnabled: boolean
  orgs: Array<{ orgId: string, orgName: string, role: string, permissions: string[] }>
  isAtLeastAdmin: boolean[]
}
type Settled<T> = { ok: true, value: T } | { ok: false, error: string }
interface OrgToken { accessToken: string | null, error?: string }
interface Teardown { teardown: (fn: () => unknown) => void }

/** The app: its page (the client, from the fixture) and its API (the plugin), on loopback. */
async function startApp (t: Teardown, standIn: StandIn): Promise<number> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(propelAuth, standIn.pluginOptions)
  const html = (await readFile(PAGE, 'utf8')).replace('__AUTH_URL__', standIn.authUrl)
  const bundle = await readFile(CLIENT_BUNDLE, 'utf8')
  app.get('/', async (_request, reply) => await reply.type('text/html; charset=utf-8').send(html))
  app.get('/vendor/propelauth-javascript.js', async (_request, reply) => await reply.type('text/javascript; charset=utf-8').send(bundle))
  app.get('/api/whoami', { onRequest: app.auth.requireUser }, async (request) => ({
    userId: request.user!.userId,
    activeOrgId: request.user!.activeOrgId ?? null,
    orgIds: request.user!.getOrgs().map((org) => org.orgId)
  }))
  app.get('/api/org/:orgId/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, async (request) => ({ org: request.org!.orgName }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  return (app.server.address() as AddressInfo).port
}

/** Calls `window.app[method](...args)` of the fixture page and returns its answer. */
async function call<T> (page: Page, method: string, ...args: unknown[]): Promise<T> {
  return await page.evaluate(async ({ method, args }) => {
    const app = (globalThis as unknown as { app: Record<string, (...values: unknown[]) => Promise<unknown>> }).app
    return await app[method](...args)
  }, { method, args }) as T
}

async function openApp (page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' })
}

const base64 = (text: string): string => Buffer.from(text).toString('base64')

test('PropelAuth\'s browser client against the stand-in, in Chromium', { skip }, async (t) => {
  const { standIn } = await harness(t)
  const port = await startApp(t, standIn)
  const appUrl = `http://localhost:${port}/`
  const page = await openBrowserPage(t, [`--host-resolver-rules=MAP ${FOREIGN_HOST} 127.0.0.1`])
  const cookieName = `standin_session_${new URL(standIn.authUrl).port}`
  const liveSessions = (userId: string): number => standIn.state.sessions.of(userId, standIn.state.nowSeconds()).length

  await t.test('logged out, the client gets null', async (t) => {
    await openApp(page, appUrl)
    t.same(await call(page, 'info'), { ok: true, value: null })
  })

  let adminToken = ''
  await t.test('signing in on the hosted login page, MFA step included, comes back to the app signed in', async (t) => {
    await openApp(page, appUrl)
    await call(page, 'login', `${appUrl}?back=1`)
    await page.waitForURL(`${standIn.authUrl}/login?**`)
    await page.getByLabel('Email').fill('admin@acme.test')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').filter({ hasText: 'Incorrect email or password' }).waitFor()
    t.equal(liveSessions(SEEDED.admin), 0, 'a wrong password gets the page again with a message, and no session')

    await page.getByLabel('Password').fill('password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('the code from your authenticator app').waitFor()
    await page.getByLabel('Verification code').fill('000000')
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('alert').filter({ hasText: 'Incorrect verification code' }).waitFor()
    t.equal(liveSessions(SEEDED.admin), 0, 'a wrong MFA code: no session')
    await page.getByLabel('Verification code').fill(standIn.mfaCode)
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL(`${appUrl}?back=1`)
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' })
    t.pass('back at the rt return URL')

    const signedIn = await call<Settled<Described | null>>(page, 'info')
    const described = signedIn.ok ? signedIn.value : null
    t.match(described, { userId: SEEDED.admin, email: 'admin@acme.test', firstName: 'Grace', mfaEnabled: true })
    t.same(described?.orgs, [{ orgId: SEEDED.acme, orgName: 'Acme Inc', role: 'Admin', permissions: ['can_view_billing', 'can_manage_api_keys', 'can_invite', 'can_read'] }])
    t.same(described?.isAtLeastAdmin, [true], 'the client\'s access helper works on what it got')
    t.ok(described!.expiresAtSeconds - Date.now() / 1000 > 10 * 60, 'the token outlives the client\'s 10-minute refresh window')
    adminToken = described!.accessToken
    t.equal(claimsOf(adminToken).exp, described!.expiresAtSeconds, 'expires_at_seconds is the token\'s exp')
    t.same(claimsOf(adminToken).login_method, { login_method: 'password' })
  })

  await t.test('the plugin accepts the token, with the same user', async (t) => {
    t.same(await call(page, 'api', '/api/whoami', adminToken), { status: 200, body: { userId: SEEDED.admin, activeOrgId: null, orgIds: [SEEDED.acme] } })
    t.same(await call(page, 'api', `/api/org/${SEEDED.acme}/admin`, adminToken), { status: 200, body: { org: 'Acme Inc' } })
  })

  await t.test('an active-org token carries that org alone; an org the user is not in gets none', async (t) => {
    const org = await call<OrgToken>(page, 'orgToken', SEEDED.acme)
    t.equal(org.error, undefined)
    const claims = claimsOf(org.accessToken!)
    t.equal(claims.org_member_info.org_id, SEEDED.acme)
    t.equal(claims.org_member_info.user_role, 'Admin')
    t.notOk('org_id_to_org_member_info' in claims, 'no other org')
    t.same(await call(page, 'api', '/api/whoami', org.accessToken), { status: 200, body: { userId: SEEDED.admin, activeOrgId: SEEDED.acme, orgIds: [SEEDED.acme] } })
    t.same(await call(page, 'orgToken', '7d3f6b2e-0000-4000-8000-0000000000ff'), { error: 'user_not_in_org', accessToken: null })
  })

  await t.test('the session cookie is HttpOnly: the browser keeps it, no script reads it', async (t) => {
    const cookie = (await page.context().cookies(standIn.authUrl)).find((candidate) => candidate.name === cookieName)
    t.match(cookie, { httpOnly: true, sameSite: 'Lax', path: '/', domain: 'localhost' })
    t.notOk((await page.evaluate('document.cookie') as string).includes(cookieName), 'not in the app page\'s document.cookie')
    await page.goto(`${standIn.authUrl}/account`)
    await page.locator('#signed-in-email', { hasText: 'admin@acme.test' }).waitFor()
    t.notOk((await page.evaluate('document.cookie') as string).includes(cookieName), 'not even on the auth URL\'s own pages')
  })

  await t.test('logout gives null again, and ends the session on the stand-in', async (t) => {
    await openApp(page, appUrl)
    t.match(await call(page, 'logout'), { ok: true })
    t.same(await call(page, 'info', true), { ok: true, value: null })
    t.equal(liveSessions(SEEDED.admin), 0)
    t.notOk((await page.context().cookies(standIn.authUrl)).some((candidate) => candidate.name === cookieName), 'the cookie is gone')
  })

  await t.test('a session from createSession: a second user, with another role, gets the plugin\'s 403', async (t) => {
    await page.context().addCookies([standIn.createSession('member@acme.test').cookie])
    await openApp(page, appUrl)
    const signedIn = await call<Settled<Described | null>>(page, 'info')
    const member = signedIn.ok ? signedIn.value : null
    t.match(member, { userId: SEEDED.member, email: 'member@acme.test', orgs: [{ orgId: SEEDED.acme, role: 'Member' }] })
    t.same(await call(page, 'api', '/api/whoami', member!.accessToken), { status: 200, body: { userId: SEEDED.member, activeOrgId: null, orgIds: [SEEDED.acme] } })
    t.match(await call(page, 'api', `/api/org/${SEEDED.acme}/admin`, member!.accessToken), { status: 403, body: { statusCode: 403, code: 'FST_PROPELAUTH_INSUFFICIENT_ROLE' } })
  })

  await t.test('CORS: granted with credentials to a loopback origin, not to another', async (t) => {
    t.same(await call(page, 'refreshDirectly'), { ok: true, value: 200 }, 'a credentialed fetch from http://localhost:<port> reads the answer')
    await openApp(page, `http://${FOREIGN_HOST}:${port}/`)
    const refused = await call<Settled<number>>(page, 'refreshDirectly')
    t.equal(refused.ok, false, 'the browser refuses the answer to a page of another origin')
    t.match(await call(page, 'info'), { ok: false }, 'so does the client')
    t.ok(standIn.calls.some((c) => c.method === 'OPTIONS' && c.url === '/api/v1/refresh_token' && c.status === 403), 'the preflight was refused')
  })

  await t.test('logoutAllUserSessions really signs the browser out', async (t) => {
    await openApp(page, appUrl)
    t.match(await call(page, 'info', true), { ok: true, value: { userId: SEEDED.member } })
    const backend = Fastify()
    t.teardown(() => backend.close())
    await backend.register(propelAuth, standIn.pluginOptions)
    await backend.auth.logoutAllUserSessions(SEEDED.member)
    t.same(await call(page, 'info', true), { ok: true, value: null })
  })

  await t.test('an rt to an origin the project does not allow is not followed', async (t) => {
    const foreign = `http://${FOREIGN_HOST}:${port}/`
    const answer = await page.goto(`${standIn.authUrl}/login?rt=${encodeURIComponent(base64(foreign))}`)
    t.equal(answer?.status(), 400)
    await page.getByRole('alert').filter({ hasText: `goes to http://${FOREIGN_HOST}:${port}, which this project does not allow` }).waitFor()
    t.equal(await page.getByLabel('Password').count(), 0, 'no form to sign in with')

    // The form of a good login page, its hidden rt changed to another site.
    await page.goto(`${standIn.authUrl}/login?rt=${encodeURIComponent(base64(appUrl))}`)
    await page.evaluate(`document.querySelector('input[name="rt"]').value = ${JSON.stringify(base64('https://evil.example/steal'))}`)
    await page.getByLabel('Email').fill('member@acme.test')
    await page.getByLabel('Password').fill('password')
    const [posted] = await Promise.all([page.waitForResponse(`${standIn.authUrl}/hosted/login`), page.getByRole('button', { name: 'Sign in' }).click()])
    t.equal(posted.status(), 400)
    t.equal(page.url(), `${standIn.authUrl}/hosted/login`, 'the browser stayed on the stand-in')
    t.equal(liveSessions(SEEDED.member), 0, 'and no session was started')
  })
})
