import { hash } from 'node:crypto'

/**
 * The cache key of a secret (a token, an API key): its SHA-256, so a cache
 * holds no secret, and two secrets that differ in any byte never share an entry.
 */
export function digestOf (secret: string): string {
  return hash('sha256', secret, 'base64')
}

/**
 * A bounded LRU whose entries each carry an expiry time. Both caches of the
 * plugin (verified tokens, validated API keys) are one of these.
 */
export class ExpiringLru<V> {
  readonly #max: number
  readonly #entries = new Map<string, { value: V, expiresAt: number }>()

  constructor (max: number) {
    this.#max = max
  }

  get size (): number { return this.#entries.size }

  /** The value, unless absent or expired at `now` (epoch ms); a hit becomes the most recently used. */
  get (key: string, now: number): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (now >= entry.expiresAt) {
      this.#entries.delete(key)
      return undefined
    }
    // Re-insert to mark as most recently used: a Map keeps insertion order.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.value
  }

  /** Stores `value` until `expiresAt` (epoch ms), evicting the least recently used entry when full. */
  set (key: string, value: V, expiresAt: number): void {
    if (this.#max <= 0) return
    this.#entries.delete(key)
    if (this.#entries.size >= this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    this.#entries.set(key, { value, expiresAt })
  }

  clear (): void {
    this.#entries.clear()
  }
}
