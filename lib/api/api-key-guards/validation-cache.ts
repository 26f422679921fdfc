import { digestOf, ExpiringLru } from '../../util/expiring-lru.js'

/**
 * A bounded LRU of answers about API keys, each kept `ttl` seconds, or less
 * when the caller knows the answer stops being true sooner (a key's own
 * expiry). Keys are SHA-256 digests of the API key, so the cache holds no key.
 * The guards keep two: valid keys, and refused ones (kept much shorter, so that
 * a key created a moment ago elsewhere works soon, and apart, so that a flood of
 * bogus keys cannot push valid ones out).
 */
export class ApiKeyCache<T> {
  readonly #lru: ExpiringLru<T>
  readonly #max: number
  readonly #ttlMs: number

  constructor (max: number, ttlSeconds: number) {
    this.#lru = new ExpiringLru(ttlSeconds > 0 ? max : 0)
    this.#max = ttlSeconds > 0 ? max : 0
    this.#ttlMs = ttlSeconds * 1000
  }

  static keyOf (apiKey: string): string {
    return digestOf(apiKey)
  }

  get enabled (): boolean { return this.#max > 0 }

  get (key: string, now = Date.now()): T | undefined {
    return this.#lru.get(key, now)
  }

  /** Keeps `value` for the ttl, and never past `notAfter` (epoch ms); nothing is kept when that is already past. */
  set (key: string, value: T, now = Date.now(), notAfter = Number.POSITIVE_INFINITY): void {
    const expiresAt = Math.min(now + this.#ttlMs, notAfter)
    if (expiresAt > now) this.#lru.set(key, value, expiresAt)
  }

  delete (key: string): void {
    this.#lru.delete(key)
  }

  clear (): void {
    this.#lru.clear()
  }
}
