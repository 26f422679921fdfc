// End to end: the stand-in sends its webhooks to the example app, whose
// receiver (fastify-propelauth/webhooks) logs them and revokes tokens.
import { test } from 'tap'
import { createWebhookSecret, startStandIn } from 'fastify-propelauth-standin'
import { buildApp } from '../example/app.js'
import { EXAMPLE_SEED } from '../example/seed.js'
import { captureLogs } from './helpers/log-capture.js'

test('a user disabled at the stand-in: the event reaches the app, which refuses that user\'s earlier token at once', async (t) => {
  const standIn = await startStandIn({ seed: EXAMPLE_SEED })
  t.teardown(() => standIn.close())
  const secret = createWebhookSecret()
  const logs = captureLogs('info')
  const app = await buildApp(standIn.pluginOptions, { logger: logs.logger }, { webhookSecret: secret, frontend: false })
  t.teardown(() => app.close())
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  standIn.webhooks.addEndpoint({ url: `${base}/webhooks/propelauth`, secret })

  const member = standIn.state.findUserByEmail('member@acme.test')
  const admin = standIn.state.findUserByEmail('admin@acme.test')
  if (member === undefined || admin === undefined) throw new Error('the example seed has member@ and admin@')
  // Tokens carry `iat` in seconds: issued a second before the event, so "before" is unambiguous.
  const memberToken = { authorization: `Bearer ${await standIn.createAccessToken(member.userId)}` }
  const adminToken = { authorization: `Bearer ${await standIn.createAccessToken(admin.userId)}` }
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.equal((await fetch(`${base}/api/whoami`, { headers: memberToken })).status, 200, 'the member\'s token works')

  t.equal(await app.auth.disableUser(member.userId), true, 'disabled through the backend API')
  await standIn.webhooks.settled()
  const delivery = standIn.webhooks.deliveries.find((entry) => entry.event.event_type === 'user.disabled')
  t.equal(delivery?.status, 'succeeded', 'the app answered the delivery 2xx')

  const refused = await fetch(`${base}/api/whoami`, { headers: memberToken })
  t.equal(refused.status, 401)
  t.equal((await refused.json() as { code: string }).code, 'FST_PROPELAUTH_TOKEN_REVOKED', 'the earlier token is refused, before it expires')
  t.equal((await fetch(`${base}/api/whoami`, { headers: adminToken })).status, 200, 'another user keeps access')

  t.equal(await app.auth.enableUser(member.userId), true)
  // A token of the second the revocation was made in counts as before it: sign in a second later.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const fresh = { authorization: `Bearer ${await standIn.createAccessToken(member.userId)}` }
  t.equal((await fetch(`${base}/api/whoami`, { headers: fresh })).status, 200, 'enabled again: a new token works')
  await standIn.webhooks.settled()

  const lines = logs.lines.filter((line) => typeof line.msg === 'string' && line.msg.startsWith('PropelAuth event '))
  t.same(lines.map((line) => line.msg), ['PropelAuth event user.disabled', 'PropelAuth event user.enabled'], 'the example logs one line per event')
  t.notOk(logs.raw.join('\n').includes('member@acme.test'), 'and no personal data')
})
