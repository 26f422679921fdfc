import { digestOf, ExpiringLru } from '../expiring-lru.js'

/**
 * A bounded LRU of API key validations, each kept `ttl` seconds. Keys are
 * SHA-256 digests of the API key, so the cache holds no key. Only positive
 * answers go in: a key that was refused is asked about again next time, so that
 * a key created a second ago works at once.
 */
export class ApiKeyCache<T> {
  readonly #lru: ExpiringLru<T>
  readonly #max: number
  readonly #ttlMs: number

  constructor (max: number, ttlSeconds: number) {
    this.#lru = new ExpiringLru(max)
    this.#max = max
    this.#ttlMs = ttlSeconds * 1000
  }

  static keyOf (apiKey: string): string {
    return digestOf(apiKey)
  }

  get enabled (): boolean { return this.#max > 0 }

  get (key: string, now = Date.now()): T | undefined {
    return this.#lru.get(key, now)
  }

  set (key: string, value: T, now = Date.now()): void {
    this.#lru.set(key, value, now + this.#ttlMs)
  }

  clear (): void {
    this.#lru.clear()
  }
}
