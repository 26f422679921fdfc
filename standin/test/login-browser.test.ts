import { test } from 'tap'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import type { Page } from 'playwright-core'
import { chromiumSkip, openBrowserPage } from '../../test/helpers/browser.js'
import { harness, SEEDED } from './helpers/harness.js'

// The development login (`POST /login`) from web pages, in a real Chromium:
// a page of the project's (loopback, as Swagger UI on the app's port) reads
// the token; a page of any other site cannot, whichever way it asks.
const skip = chromiumSkip('the development login from web pages')
// A name that is not loopback, for a site the project does not allow; Chromium maps it to 127.0.0.1.
const FOREIGN_HOST = 'evil.test'

type Attempt = { read: true, status: number, text: string } | { read: false, error: string }

/** From the open page, posts a login to `url` as a script of that page would, and says what the script could read. */
async function loginFromPage (page: Page, url: string, kind: 'form' | 'json' | 'no-cors'): Promise<Attempt> {
  return await page.evaluate(async ({ url, kind }) => {
    const fields = { username: 'member@acme.test', password: 'password' }
    const init: RequestInit = kind === 'json'
      ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) }
      : { method: 'POST', body: new URLSearchParams(fields), mode: kind === 'no-cors' ? 'no-cors' : 'cors' }
    try {
      const response = await fetch(url, init)
      return { read: true as const, status: response.status, text: await response.text() }
    } catch (error) {
      return { read: false as const, error: String(error) }
    }
  }, { url, kind })
}

test('POST /login in Chromium: a loopback page reads the token, a page of another site cannot', { skip }, async (t) => {
  const { standIn } = await harness(t)
  const site = Fastify()
  t.teardown(() => site.close())
  site.get('/', async (_request, reply) => await reply.type('text/html; charset=utf-8').send('<!doctype html><title>A page</title>'))
  await site.listen({ host: '127.0.0.1', port: 0 })
  const port = (site.server.address() as AddressInfo).port
  const page = await openBrowserPage(t, [`--host-resolver-rules=MAP ${FOREIGN_HOST} 127.0.0.1`])
  const loginUrl = `${standIn.apiBaseUrl}/login`
  const member = standIn.state.users.get(SEEDED.member)!

  await page.goto(`http://localhost:${port}/`)
  const allowed = await loginFromPage(page, loginUrl, 'form')
  t.match(allowed, { read: true, status: 200, text: /"access_token":"[^"]+"/ }, 'a page on a loopback origin reads the token')
  t.match(await loginFromPage(page, loginUrl, 'json'), { read: true, status: 200 }, 'with a preflight too')

  await page.goto(`http://${FOREIGN_HOST}:${port}/`)
  member.lastActiveAt = 0
  const callsBefore = standIn.calls.length
  const form = await loginFromPage(page, loginUrl, 'form')
  t.match(form, { read: false, error: /TypeError/ }, 'a form post from another site: the browser hides the answer')
  const json = await loginFromPage(page, loginUrl, 'json')
  t.match(json, { read: false, error: /TypeError/ }, 'a JSON post: its preflight fails')
  const opaque = await loginFromPage(page, loginUrl, 'no-cors')
  t.same(opaque, { read: true, status: 0, text: '' }, 'no-cors: an opaque answer, nothing in it')

  const calls = standIn.calls.slice(callsBefore).map(({ method, url, status }) => `${method} ${url} ${status}`)
  t.same(calls, ['POST /login 403', 'OPTIONS /login 403', 'POST /login 403'], 'the stand-in refused each, and the JSON post was never sent')
  t.equal(member.lastActiveAt, 0, 'no one was signed in')
})
