import { ExpiringLru } from '../util/expiring-lru.js'

/**
 * Where the receiver remembers the deliveries it has handled, by id, so that a
 * redelivery (Svix retries until it sees a 2xx, with the same id) is answered
 * 2xx without running the handler again. The default keeps them in this
 * process; a fleet behind one endpoint backs this with a store every process
 * shares (Redis, a database table): each method may return a promise.
 */
export interface WebhookDeliveryStore {
  /** Whether the delivery `id` was handled. */
  has: (id: string) => boolean | Promise<boolean>
  /** Records `id` as handled, once its handler has succeeded. */
  add: (id: string) => void | Promise<void>
}

/**
 * Svix's retries of one event span about 28 hours (at once, then after 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h and 10 h): ids are kept for 3 days.
 */
export const DELIVERY_MEMORY_MS = 3 * 24 * 60 * 60 * 1000

/** The default store: the `max` most recent ids of this process, each kept DELIVERY_MEMORY_MS. */
export function createMemoryDeliveryStore (max = 10_000, now: () => number = Date.now): WebhookDeliveryStore {
  const handled = new ExpiringLru<true>(max)
  return {
    has: (id) => handled.get(id, now()) === true,
    add: (id) => { handled.set(id, true, now() + DELIVERY_MEMORY_MS) }
  }
}
