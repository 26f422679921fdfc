import { test } from 'tap'
import type { StandInCall } from '../index.js'
import { captureLogs } from '../../test/helpers/log-capture.js'
import { claimsOf, harness, readResponse, SEEDED, type StandInHarness } from './helpers/harness.js'

// The link `createMagicLink` makes: who it signs in, and that its secret (which
// signs in again for as long as the link lives) stays out of every log.

/** A new magic link of `email`: its URL on the stand-in's API address, and its secret. */
async function magicLink ({ standIn, api }: StandInHarness, email: string, body: Record<string, unknown> = {}): Promise<{ url: string, secret: string }> {
  const made = await api('POST', '/api/backend/v1/magic_link', { email, ...body })
  const url = (made.body.url as string).replace(standIn.authUrl, standIn.apiBaseUrl)
  return { url, secret: new URL(url).searchParams.get('t')! }
}

test('a disabled or locked user is refused, as on the hosted login, and a single-use link is not spent on it', async (t) => {
  const auth = await harness(t)
  const member = auth.standIn.state.users.get(SEEDED.member)!
  const link = await magicLink(auth, 'member@acme.test', { expire_after_first_use: true })

  member.locked = true
  const locked = await readResponse(await fetch(link.url))
  t.same({ status: locked.status, body: locked.body }, { status: 403, body: { user_facing_error: 'This account is locked' } })
  member.locked = false
  member.enabled = false
  const disabled = await readResponse(await fetch(link.url))
  t.same({ status: disabled.status, body: disabled.body }, { status: 403, body: { user_facing_error: 'This account is disabled' } })
  for (const answer of [locked, disabled]) {
    t.notOk('access_token' in answer.body, 'no token')
    t.equal(answer.headers.get('cache-control'), 'no-store')
  }

  member.enabled = true
  const signedIn = await readResponse(await fetch(link.url))
  t.equal(signedIn.status, 200, 'the link still works once the account is usable again')
  t.equal(signedIn.headers.get('cache-control'), 'no-store', 'the token is kept by no cache')
  t.equal(claimsOf(signedIn.body.access_token).user_id, SEEDED.member)
  const spent = await readResponse(await fetch(link.url))
  t.equal(spent.status, 404, 'then it is spent')
  t.equal(spent.headers.get('cache-control'), 'no-store')
  t.equal((await fetch(`${auth.standIn.apiBaseUrl}/magic_link?t=${link.secret}&t=${link.secret}`)).status, 404, 'a secret given twice is no secret')
})

test('the secret is [REDACTED] in standIn.calls, onCall and the Fastify request log', async (t) => {
  const seen: StandInCall[] = []
  const logs = captureLogs('info')
  const auth = await harness(t, { onCall: (call) => seen.push(call), logger: logs.logger })
  const { url, secret } = await magicLink(auth, 'member@acme.test')
  t.equal((await fetch(`${url}&utm_source=mail`)).status, 200)
  t.equal((await fetch(url.replace('?t=', '?%74='))).status, 200, 'an encoded name is the same parameter')

  const expected = ['/magic_link?t=[REDACTED]&utm_source=mail', '/magic_link?%74=[REDACTED]']
  t.same(auth.standIn.calls.filter((call) => call.url.startsWith('/magic_link')).map((call) => call.url), expected, 'standIn.calls')
  t.same(seen.filter((call) => call.url.startsWith('/magic_link')).map((call) => call.url), expected, 'onCall')
  const logged = logs.lines.filter((line) => line.msg === 'incoming request').map((line) => (line.req as { url: string }).url)
  t.same(logged.filter((logUrl) => logUrl.startsWith('/magic_link')), expected, 'the request log')
  for (const where of [JSON.stringify(auth.standIn.calls), JSON.stringify(seen), logs.raw.join('\n')]) t.notOk(where.includes(secret), 'the secret is nowhere')
  t.ok(auth.standIn.state.outbox.some((email) => email.link?.includes(secret) === true), 'the email PropelAuth would send keeps the link, for the test to follow')
})

test('a request serializer of the caller\'s own is kept, its url redacted', async (t) => {
  const logs = captureLogs('info')
  const auth = await harness(t, { logger: { ...logs.logger, serializers: { req: (request) => ({ url: request.url, custom: true }) } } })
  const { url, secret } = await magicLink(auth, 'member@acme.test')
  await fetch(url)
  const logged = logs.lines.filter((line) => line.msg === 'incoming request').map((line) => line.req)
  t.same(logged.at(-1), { url: '/magic_link?t=[REDACTED]', custom: true })
  t.notOk(logs.raw.join('\n').includes(secret))
})
