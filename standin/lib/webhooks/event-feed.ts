import type { PropelAuthWebhookEvent } from 'fastify-propelauth/webhooks'

export type WebhookEventListener = (event: PropelAuthWebhookEvent) => void

/**
 * Where the project's changes are reported, as PropelAuth reports them to
 * webhooks. The state owns one; whatever sends webhooks listens to it. Each
 * change reports once, from the function that makes it (`lib/changes/`), so
 * the API, the hosted pages and the test helpers cannot report it twice or
 * forget to.
 */
export class EventFeed {
  readonly #listeners = new Set<WebhookEventListener>()

  /** Hears every event reported from now on; returns the function that stops it. */
  subscribe (listener: WebhookEventListener): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  report (event: PropelAuthWebhookEvent): void {
    for (const listener of this.#listeners) listener(event)
  }
}
