import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test, type Test } from 'tap'
import { createManualClock, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_MS, type StandInWebhookDelivery } from '../index.js'
import { createDueAlarm } from '../lib/webhooks/due-alarm.js'
import { harness, SEEDED, type StandInHarness } from './helpers/harness.js'
import { downReceiverUrl, startReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js'
import { untracked } from '../../test/helpers/untracked.js'

// Failed deliveries and what follows them: Svix's retry schedule on the
// stand-in's clock, replays, a receiver that is down, and closing.

const DISABLE_MEMBER = `/api/backend/v1/user/${SEEDED.member}/disable`
const START = new Date('2030-01-15T12:00:00Z')

interface Setup extends StandInHarness {
  receiver: WebhookReceiver
  clock: ReturnType<typeof createManualClock>
  /** Makes one change (disabling the member) and waits for its first attempt; its delivery. */
  change: () => Promise<StandInWebhookDelivery>
}

async function onManualClock (t: Test): Promise<Setup> {
  const receiver = await startReceiver(t)
  const clock = createManualClock(START)
  const setup = await harness(t, { now: clock.now, webhooks: [{ url: receiver.url, secret: receiver.secret }] })
  const change = async (): Promise<StandInWebhookDelivery> => {
    t.equal((await setup.api('POST', DISABLE_MEMBER)).status, 200)
    await setup.standIn.webhooks.settled()
    return setup.standIn.webhooks.deliveries.at(-1)!
  }
  return { ...setup, receiver, clock, change }
}

test('Svix\'s schedule on a manual clock: 8 attempts of one message, due as the clock moves, each signed anew', async (t) => {
  const { standIn, receiver, clock, change } = await onManualClock(t)
  receiver.answer = 500
  const delivery = await change()
  t.match(delivery, { status: 'retrying', nextAttemptAt: START.getTime() + 5_000, attempts: [{ at: START.getTime(), ok: false, statusCode: 500, replay: false }] })

  t.same(WEBHOOK_RETRY_DELAYS_MS, [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000])
  for (const [index, delay] of WEBHOOK_RETRY_DELAYS_MS.entries()) {
    clock.advance(delay - 1)
    await standIn.webhooks.settled()
    t.equal(delivery.attempts.length, index + 1, `no attempt ${index + 2} a millisecond early`)
    clock.advance(1)
    await standIn.webhooks.settled()
    t.equal(delivery.attempts.length, index + 2, `attempt ${index + 2} once ${delay} ms more have passed`)
    t.equal(delivery.attempts.at(-1)!.at, clock.now(), 'made at the time of the clock')
  }
  t.equal(WEBHOOK_MAX_ATTEMPTS, 8)
  t.match(delivery, { status: 'failed', nextAttemptAt: undefined })
  t.equal(clock.now() - START.getTime(), 99_305_000, 'the last attempt came 27 h 35 min 5 s after the first')
  clock.advance(100 * 3_600_000)
  t.equal(await standIn.webhooks.deliverDue().then((made) => made.length), 0, 'nothing more is due')

  t.equal(receiver.received.length, 8)
  t.same(new Set(receiver.received.map((got) => got.headers['svix-id'])), new Set([delivery.id]), 'the same svix-id on every attempt')
  t.same(receiver.received.filter((got) => got.refused !== undefined), [], 'each attempt verifies with Svix\'s library')
  t.same(receiver.received.map((got) => Number(got.headers['svix-timestamp'])), delivery.attempts.map((attempt) => attempt.timestamp))
  t.ok(delivery.attempts.every((attempt) => Math.abs(attempt.timestamp - Date.now() / 1000) < 60), 'svix-timestamp is the real time, which receivers check, not the manual clock\'s 2030')
})

test('a 3xx is a failure and is not followed; a later success ends the retries', async (t) => {
  const { standIn, receiver, clock, change } = await onManualClock(t)
  const answers = [302, 500, 200]
  receiver.answer = () => answers.shift() ?? 204
  const delivery = await change()
  t.match(delivery, { status: 'retrying', attempts: [{ ok: false, statusCode: 302 }] })
  clock.advance(5_000)
  await standIn.webhooks.settled()
  clock.advance(300_000)
  await standIn.webhooks.settled()
  t.match(delivery, { status: 'succeeded', nextAttemptAt: undefined })
  t.same(delivery.attempts.map((attempt) => [attempt.statusCode, attempt.ok]), [[302, false], [500, false], [200, true]])
  clock.advance(24 * 3_600_000)
  await standIn.webhooks.settled()
  t.equal(receiver.received.length, 3)
  t.same(receiver.received.map((got) => got.path), ['/webhooks', '/webhooks', '/webhooks'], 'the redirect was not followed')
})

test('deliverDue() makes the attempts due on a clock of one\'s own that is not a manual clock', async (t) => {
  const receiver = await startReceiver(t)
  let offset = 0
  const { standIn, api } = await harness(t, { now: () => Date.now() + offset, webhooks: [{ url: receiver.url, secret: receiver.secret }] })
  receiver.answer = 503
  await api('POST', DISABLE_MEMBER)
  await standIn.webhooks.settled()
  t.same(await standIn.webhooks.deliverDue(), [], 'nothing is due yet')
  receiver.answer = 204
  offset = 6_000
  const made = await standIn.webhooks.deliverDue()
  t.match(made, [{ ok: true, statusCode: 204 }])
  t.equal(standIn.webhooks.deliveries[0].status, 'succeeded')
})

test('replay: the same message and svix-id again, one attempt outside the schedule', async (t) => {
  const { standIn, receiver, clock, change } = await onManualClock(t)
  const delivered = await change()
  const again = await standIn.webhooks.replay(delivered)
  t.match(again, { ok: true, statusCode: 204, replay: true, at: clock.now() })
  t.same(delivered.attempts, [delivered.attempts[0], again])
  t.equal(receiver.received.length, 2)
  t.equal(receiver.received[1].headers['svix-id'], delivered.id, 'the same svix-id')
  t.equal(receiver.received[1].body, receiver.received[0].body, 'the same body')
  t.equal(receiver.received[1].headers['svix-timestamp'], String(again.timestamp), 'the timestamp of the replay, signed with it')
  t.equal(receiver.received[1].refused, undefined)

  receiver.answer = 500
  const failing = await change()
  const due = failing.nextAttemptAt
  t.match(await standIn.webhooks.replay(failing), { ok: false, statusCode: 500, replay: true })
  t.match(failing, { status: 'retrying', nextAttemptAt: due }, 'a failed replay leaves the schedule as it was')
  receiver.answer = 204
  t.match(await standIn.webhooks.replay(failing), { ok: true, replay: true })
  t.match(failing, { status: 'succeeded', nextAttemptAt: undefined }, 'a successful one ends the retries')
  clock.advance(3_600_000)
  await standIn.webhooks.settled()
  t.equal(failing.attempts.length, 3, 'no retry after it')

  await t.rejects(standIn.webhooks.replay({ ...delivered }), new TypeError('stand-in webhooks.replay takes one of standIn.webhooks.deliveries'))
})

test('a receiver that is down: the call succeeds, the attempt says why, and a retry reaches it once it is up', async (t) => {
  const down = await downReceiverUrl()
  const clock = createManualClock(START)
  const secret = (await import('../index.js')).createWebhookSecret()
  const { standIn, api } = await harness(t, { now: clock.now, webhooks: [{ url: down.url, secret }] })
  t.equal((await api('POST', DISABLE_MEMBER)).status, 200)
  await standIn.webhooks.settled()
  const [delivery] = standIn.webhooks.deliveries
  t.match(delivery, { status: 'retrying', attempts: [{ ok: false, statusCode: undefined, error: /ECONNREFUSED/ }] })

  const receiver = await startReceiver(t, { secret, port: down.port })
  clock.advance(5_000)
  await standIn.webhooks.settled()
  t.match(delivery, { status: 'succeeded', attempts: [{ ok: false }, { ok: true, statusCode: 204 }] })
  t.same(receiver.events(), [{ event_type: 'user.disabled', user_id: SEEDED.member }])
})

test('closing with retries pending cancels them: no attempt after, on a manual clock', async (t) => {
  const { standIn, receiver, clock, change } = await onManualClock(t)
  receiver.answer = 500
  const delivery = await change()
  t.equal(delivery.status, 'retrying')
  await standIn.close()
  t.match(delivery, { status: 'cancelled', nextAttemptAt: undefined })
  clock.advance(48 * 3_600_000)
  await standIn.webhooks.settled()
  t.same(await standIn.webhooks.deliverDue(), [])
  t.equal(receiver.received.length, 1, 'no attempt after close')
  await t.rejects(standIn.webhooks.replay(delivery), /the stand-in is closed/)
  t.throws(() => standIn.webhooks.addEndpoint({ url: receiver.url, secret: receiver.secret }), /the stand-in is closed/)
})

test('reset() drops the retries pending; reset() and close() cancel an attempt in flight', async (t) => {
  const { standIn, api, receiver, change, clock } = await onManualClock(t)
  receiver.answer = 500
  const retrying = await change()
  receiver.answer = () => 'hang'
  t.equal((await api('POST', `/api/backend/v1/user/${SEEDED.member}/enable`)).status, 200)
  await receiver.waitFor(2)
  const inFlight = standIn.webhooks.deliveries[1]
  t.equal(inFlight.status, 'sending')
  standIn.reset()
  t.same(standIn.webhooks.deliveries, [], 'reset() forgets the deliveries')
  t.equal(retrying.status, 'cancelled')
  await standIn.webhooks.settled()
  t.match(inFlight, { status: 'cancelled', attempts: [{ ok: false, error: /^cancelled/ }] })
  clock.advance(5_000)
  await standIn.webhooks.settled()
  t.equal(receiver.received.length, 2, 'the dropped retry is not made')

  t.equal((await api('POST', DISABLE_MEMBER)).status, 200)
  await receiver.waitFor(3)
  const hanging = standIn.webhooks.deliveries[0]
  await standIn.close()
  t.match(hanging, { status: 'cancelled', attempts: [{ ok: false, error: /^cancelled/ }] }, 'close() ends the attempt in flight and waits for it')
})

test('the alarm that makes retries: on a manual clock when it moves, on any other clock at the time set', async (t) => {
  const manual = createManualClock(START)
  let moves = 0
  const onManual = createDueAlarm(manual.now, () => { moves++ })
  onManual.setFor(START.getTime() + 60_000)
  manual.advance(1)
  manual.set(START)
  t.equal(moves, 2, 'each move rings, whatever the time set: the dispatcher looks for what is due')
  onManual.stop()
  manual.advance(1)
  t.equal(moves, 2, 'not after stop()')

  let rings = 0
  const timed = createDueAlarm(Date.now, () => { rings++ })
  t.teardown(() => timed.stop())
  const rung = new Promise<void>((resolve) => {
    const alarm = createDueAlarm(Date.now, resolve)
    alarm.setFor(Date.now() + 20)
  })
  await rung
  timed.setFor(Date.now() + 20)
  timed.setFor(undefined)
  timed.setFor(Date.now() + 10_000)
  timed.stop()
  timed.setFor(Date.now())
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(rings, 0, 'a time replaced, cleared or set after stop() never rings')
})

test('closing on the real clock leaves no timer: the program ends at once after closing, though a retry was due in 5 s', async (t) => {
  const fixture = new URL('fixtures/close-with-retry-pending.ts', import.meta.url).pathname
  const child = spawn(...untracked(process.execPath, ['--import', 'tsx', fixture]), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' } })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  // Only so that a program held forever cannot hang the suite: the verdict is the time it printed.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  t.teardown(() => clearTimeout(timer))
  const [code, signal] = await once(child, 'exit')
  t.equal(signal, null, `the program ended by itself: ${output}`)
  t.equal(code, 0)
  const [before, after, exited] = output.trim().split('\n').map((line) => JSON.parse(line))
  t.match(before, { answer: 200, status: 'retrying' })
  t.ok(before.retryInMs > 4_000 && before.retryInMs <= 5_000, 'a retry was scheduled 5 s on')
  t.same(after, { afterClose: 'cancelled' })
  t.ok(exited.exitedAfterCloseMs < 2_000, `it ended at once after closing, not at the retry (${String(exited.exitedAfterCloseMs)} ms after)`)
})
