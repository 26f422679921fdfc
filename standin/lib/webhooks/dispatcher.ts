import { performance } from 'node:perf_hooks'
import type { Clock } from '../clock.js'
import type { IdSource } from '../ids.js'
import type { StandInWebhooks, StandInWebhookAttempt, StandInWebhookDelivery, StandInWebhookDeliveryStatus, StandInWebhookEndpointInfo } from './deliveries.js'
import { createDueAlarm, type DueAlarm } from './due-alarm.js'
import { checkWebhookEndpoint, type EndpointFieldName, type StandInWebhookEndpoint, type WebhookTarget } from './endpoints.js'
import type { PropelAuthWebhookEvent } from 'fastify-propelauth/webhooks'
import { newMessageId } from './message-ids.js'
import { postWebhook } from './post.js'
import { delayAfterFailure } from './retry-schedule.js'
import { svixHeaders } from './signature.js'

/** Deliveries kept once they have ended; older ones are dropped, as `standIn.calls` drops old calls. */
export const MAX_ENDED_DELIVERIES = 1000
const USER_AGENT = 'fastify-propelauth-standin'

/** A delivery as the dispatcher updates it; tests see it through the read-only `StandInWebhookDelivery`. */
interface DeliveryRecord extends StandInWebhookDelivery {
  status: StandInWebhookDeliveryStatus
  nextAttemptAt: number | undefined
  attempts: StandInWebhookAttempt[]
}

export interface DispatcherOptions {
  targets: readonly WebhookTarget[]
  /** The stand-in's clock: retries are due by it. */
  now: Clock
  /** Makes a new id source for message ids, at start and at each reset (seeded ids repeat). */
  newIds: () => IdSource
  timeoutMs: number
  onAttempt?: (attempt: StandInWebhookAttempt, delivery: StandInWebhookDelivery) => void
}

/** Attempts run on their own, with no caller to throw to: a fault of the stand-in's is a warning. */
function warn (error: Error): void {
  process.emitWarning(`stand-in webhooks: ${error.message}`)
}

const addEndpointFieldName: EndpointFieldName = (_index, field) =>
  field === undefined ? 'webhooks.addEndpoint(endpoint): the endpoint' : `webhooks.addEndpoint({ ${field} })`

/**
 * Sends each reported event to every endpoint that wants it, signed as Svix
 * signs, and retries failures on Svix's schedule, on the stand-in's clock.
 * Sending never holds up nor fails the change that reported the event: the
 * attempt runs on its own, and its outcome is only recorded.
 */
export class WebhookDispatcher implements StandInWebhooks {
  readonly #options: DispatcherOptions
  readonly #alarm: DueAlarm
  /** Each endpoint's cancel switch: thrown when it is removed, or the stand-in resets or closes. */
  #targets = new Map<WebhookTarget, AbortController>()
  #deliveries: DeliveryRecord[] = []
  readonly #targetOf = new WeakMap<StandInWebhookDelivery, WebhookTarget>()
  readonly #inFlight = new Set<Promise<unknown>>()
  #ids: IdSource
  #closed = false

  constructor (options: DispatcherOptions) {
    this.#options = options
    this.#ids = options.newIds()
    for (const target of options.targets) this.#targets.set(target, new AbortController())
    this.#alarm = createDueAlarm(options.now, () => { this.deliverDue().catch(warn) })
  }

  get endpoints (): StandInWebhookEndpointInfo[] {
    return [...this.#targets.keys()].map((target) => ({
      url: target.url,
      eventTypes: target.eventTypes === undefined ? undefined : [...target.eventTypes]
    }))
  }

  get deliveries (): StandInWebhookDelivery[] {
    return [...this.#deliveries]
  }

  addEndpoint (endpoint: StandInWebhookEndpoint): () => void {
    if (this.#closed) throw new Error('stand-in webhooks.addEndpoint: the stand-in is closed')
    const target = checkWebhookEndpoint(endpoint, 0, addEndpointFieldName)
    this.#targets.set(target, new AbortController())
    return () => { this.#removeTarget(target) }
  }

  /** Sends an event to every endpoint that takes its type. */
  send (event: PropelAuthWebhookEvent): void {
    if (this.#closed) return
    const targets = [...this.#targets.keys()].filter((target) => target.eventTypes?.has(event.event_type) ?? true)
    if (targets.length === 0) return
    // One message, one id, whichever endpoints it goes to: Svix's `svix-id` names the message.
    const id = newMessageId(this.#ids)
    const body = JSON.stringify(event)
    const createdAt = this.#options.now()
    for (const target of targets) {
      const delivery: DeliveryRecord = { id, event, url: target.url, body, createdAt, status: 'sending', nextAttemptAt: undefined, attempts: [] }
      this.#targetOf.set(delivery, target)
      this.#deliveries.push(delivery)
      this.#start(delivery, false).catch(warn)
    }
    this.#dropOldEnded()
  }

  async settled (): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  async deliverDue (): Promise<StandInWebhookAttempt[]> {
    if (this.#closed) return []
    const now = this.#options.now()
    const due = this.#deliveries.filter((delivery) => delivery.status === 'retrying' && delivery.nextAttemptAt! <= now)
    const attempts = due.map((delivery) => this.#start(delivery, false))
    this.#setAlarm()
    const made = await Promise.all(attempts)
    await this.settled()
    return made
  }

  async replay (delivery: StandInWebhookDelivery): Promise<StandInWebhookAttempt> {
    const target = this.#targetOf.get(delivery)
    if (target === undefined || !this.#deliveries.includes(delivery as DeliveryRecord)) {
      throw new TypeError('stand-in webhooks.replay takes one of standIn.webhooks.deliveries')
    }
    if (this.#closed) throw new Error('stand-in webhooks.replay: the stand-in is closed')
    if (!this.#targets.has(target)) throw new Error(`stand-in webhooks.replay: the endpoint ${target.url} was removed`)
    return await this.#start(delivery as DeliveryRecord, true)
  }

  /** Back to the endpoints of the start, with no delivery; attempts in flight are cancelled. */
  reset (): void {
    this.#cancelAll()
    this.#targets = new Map(this.#options.targets.map((target) => [target, new AbortController()]))
    this.#deliveries = []
    this.#ids = this.#options.newIds()
    this.#alarm.setFor(undefined)
  }

  /** Stops for good: no timer, no retry; attempts in flight are cancelled, and waited for. */
  async close (): Promise<void> {
    this.#closed = true
    this.#alarm.stop()
    this.#cancelAll()
    await this.settled()
  }

  #start (delivery: DeliveryRecord, replay: boolean): Promise<StandInWebhookAttempt> {
    if (!replay) {
      delivery.status = 'sending'
      delivery.nextAttemptAt = undefined
    }
    const attempt = this.#attempt(delivery, replay)
    this.#inFlight.add(attempt)
    attempt.finally(() => this.#inFlight.delete(attempt)).catch(() => {})
    return attempt
  }

  async #attempt (delivery: DeliveryRecord, replay: boolean): Promise<StandInWebhookAttempt> {
    const target = this.#targetOf.get(delivery)!
    const cancel = this.#targets.get(target)?.signal ?? AbortSignal.abort()
    const at = this.#options.now()
    // The real time, not the stand-in's: receivers check it against their own clock.
    const timestamp = Math.floor(Date.now() / 1000)
    const headers = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...svixHeaders(target.key, delivery.id, timestamp, delivery.body) }
    const started = performance.now()
    const outcome = await postWebhook(target.url, headers, delivery.body, { timeoutMs: this.#options.timeoutMs, cancel })
    const durationMs = Math.round((performance.now() - started) * 10) / 10
    const attempt: StandInWebhookAttempt = 'error' in outcome
      ? { at, timestamp, ok: false, error: outcome.error, durationMs, replay }
      : { at, timestamp, ok: outcome.statusCode >= 200 && outcome.statusCode < 300, statusCode: outcome.statusCode, response: outcome.response, durationMs, replay }
    delivery.attempts.push(attempt)
    this.#afterAttempt(delivery, attempt, cancel.aborted)
    this.#tell(attempt, delivery)
    return attempt
  }

  /** Moves the delivery on after an attempt: done, retried later, given up. */
  #afterAttempt (delivery: DeliveryRecord, attempt: StandInWebhookAttempt, cancelled: boolean): void {
    if (attempt.ok) {
      delivery.status = 'succeeded'
      delivery.nextAttemptAt = undefined
      this.#setAlarm()
      return
    }
    // A failed replay leaves the schedule as it was; so does a late failure of an attempt a replay has beaten.
    if (attempt.replay || delivery.status !== 'sending') return
    const delay = delayAfterFailure(delivery.attempts.filter((made) => !made.replay).length)
    if (cancelled || this.#closed) delivery.status = 'cancelled'
    else if (delay === undefined) delivery.status = 'failed'
    else {
      delivery.status = 'retrying'
      delivery.nextAttemptAt = this.#options.now() + delay
    }
    this.#setAlarm()
  }

  #tell (attempt: StandInWebhookAttempt, delivery: StandInWebhookDelivery): void {
    try {
      this.#options.onAttempt?.(attempt, delivery)
    } catch (error) {
      process.emitWarning(`stand-in option onWebhookAttempt threw: ${(error as Error).message}`)
    }
  }

  /** Rings the alarm at the earliest retry due. */
  #setAlarm (): void {
    if (this.#closed) return
    let earliest: number | undefined
    for (const delivery of this.#deliveries) {
      if (delivery.status === 'retrying' && (earliest === undefined || delivery.nextAttemptAt! < earliest)) earliest = delivery.nextAttemptAt
    }
    this.#alarm.setFor(earliest)
  }

  #removeTarget (target: WebhookTarget): void {
    this.#targets.get(target)?.abort()
    if (!this.#targets.delete(target)) return
    for (const delivery of this.#deliveries) {
      if (this.#targetOf.get(delivery) === target && delivery.status === 'retrying') this.#cancel(delivery)
    }
    this.#setAlarm()
  }

  #cancelAll (): void {
    for (const controller of this.#targets.values()) controller.abort()
    for (const delivery of this.#deliveries) {
      if (delivery.status === 'retrying') this.#cancel(delivery)
    }
  }

  #cancel (delivery: DeliveryRecord): void {
    delivery.status = 'cancelled'
    delivery.nextAttemptAt = undefined
  }

  #dropOldEnded (): void {
    let ended = this.#deliveries.filter((delivery) => delivery.status !== 'sending' && delivery.status !== 'retrying').length
    if (ended <= MAX_ENDED_DELIVERIES) return
    this.#deliveries = this.#deliveries.filter((delivery) => {
      const drop = ended > MAX_ENDED_DELIVERIES && delivery.status !== 'sending' && delivery.status !== 'retrying'
      if (drop) ended--
      return !drop
    })
  }
}
