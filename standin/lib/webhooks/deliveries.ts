import type { StandInWebhookEndpoint } from './endpoints.js'
import type { PropelAuthWebhookEvent, PropelAuthWebhookEventType } from 'fastify-propelauth/webhooks'

// What `standIn.webhooks` shows a test: each message to each endpoint, and
// every attempt made to deliver it. Times named `at` are epoch milliseconds
// on the stand-in's clock (the `now` option), the clock retries are
// scheduled on.

/** One POST of a message to its endpoint. */
export interface StandInWebhookAttempt {
  /** When it was made, on the stand-in's clock (epoch ms). */
  readonly at: number
  /**
   * The `svix-timestamp` it carried: Unix seconds on the real clock, which
   * receivers compare with their own (Svix's library allows 5 minutes either
   * way), whatever the stand-in's clock says.
   */
  readonly timestamp: number
  /** Whether the endpoint answered 2xx in time: a success. */
  readonly ok: boolean
  /** The endpoint's HTTP status; undefined when it gave none (see `error`). */
  readonly statusCode?: number
  /** Why there was no answer: the connection failed, the timeout passed, the stand-in closed. */
  readonly error?: string
  /** The start of the endpoint's answer (1000 characters at most), to see why it refused. */
  readonly response?: string
  /** Real milliseconds from sending to the end of the answer. */
  readonly durationMs: number
  /** Made by `replay()`, outside the retry schedule. */
  readonly replay: boolean
}

/**
 * Where a delivery stands: an attempt in flight (`sending`), a retry
 * scheduled (`retrying`, at `nextAttemptAt`), delivered (`succeeded`), all
 * eight attempts failed (`failed`), or given up because the stand-in closed,
 * was reset or lost the endpoint (`cancelled`).
 */
export type StandInWebhookDeliveryStatus = 'sending' | 'retrying' | 'succeeded' | 'failed' | 'cancelled'

/** One event's message to one endpoint, and what became of it. */
export interface StandInWebhookDelivery {
  /** The message id, sent as `svix-id`: the same on every attempt and replay, and at every endpoint. */
  readonly id: string
  readonly event: PropelAuthWebhookEvent
  /** The endpoint's URL. */
  readonly url: string
  /** The exact JSON that is posted and signed. */
  readonly body: string
  /** When the event happened, on the stand-in's clock (epoch ms). */
  readonly createdAt: number
  readonly status: StandInWebhookDeliveryStatus
  /** When the next scheduled attempt is due, on the stand-in's clock (epoch ms); undefined when none is. */
  readonly nextAttemptAt: number | undefined
  /** Oldest first. */
  readonly attempts: readonly StandInWebhookAttempt[]
}

/** An endpoint as `standIn.webhooks.endpoints` lists it: its secret is not shown. */
export interface StandInWebhookEndpointInfo {
  readonly url: string
  /** undefined: every event type. */
  readonly eventTypes: readonly PropelAuthWebhookEventType[] | undefined
}

/** `standIn.webhooks`: the endpoints, the deliveries, and what a test needs to wait for them. */
export interface StandInWebhooks {
  readonly endpoints: readonly StandInWebhookEndpointInfo[]
  /** Every delivery, oldest first (the latest 1000 that have ended, and all that have not). */
  readonly deliveries: readonly StandInWebhookDelivery[]
  /**
   * Adds an endpoint while the stand-in runs (an app's URL is often known
   * only once it listens, after it was given the stand-in's). It hears events
   * from now on. Returns the function that removes it, which cancels its
   * retries. `reset()` goes back to the endpoints of the `webhooks` option.
   */
  addEndpoint: (endpoint: StandInWebhookEndpoint) => () => void
  /** Resolves once no attempt is in flight. Retries scheduled for later are not waited for. */
  settled: () => Promise<void>
  /**
   * Makes every attempt due by the stand-in's clock now, and waits for every
   * attempt in flight; resolves with the attempts it made. A manual clock
   * does this by itself when it moves, and a timer does it on any other clock.
   */
  deliverDue: () => Promise<StandInWebhookAttempt[]>
  /**
   * Sends a delivery's message again, as Svix's "resend": the same `svix-id`
   * and body, a new timestamp and signature. It is one attempt, outside the
   * schedule: a success ends the delivery's retries, a failure changes nothing.
   */
  replay: (delivery: StandInWebhookDelivery) => Promise<StandInWebhookAttempt>
}
