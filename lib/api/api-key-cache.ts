import { hash } from 'node:crypto'

/**
 * A bounded LRU of API key validations, each kept `ttl` seconds. Keys are
 * SHA-256 digests of the API key, so the cache holds no key. Only positive
 * answers go in: a key that was refused is asked about again next time, so that
 * a key created a second ago works at once.
 */
export class ApiKeyCache<T> {
  readonly #max: number
  readonly #ttlMs: number
  readonly #entries = new Map<string, { value: T, expiresAt: number }>()

  constructor (max: number, ttlSeconds: number) {
    this.#max = max
    this.#ttlMs = ttlSeconds * 1000
  }

  static keyOf (apiKey: string): string {
    return hash('sha256', apiKey, 'base64')
  }

  get enabled (): boolean { return this.#max > 0 }

  get (key: string, now = Date.now()): T | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (now >= entry.expiresAt) {
      this.#entries.delete(key)
      return undefined
    }
    // Most recently used goes last; Map keeps insertion order.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.value
  }

  set (key: string, value: T, now = Date.now()): void {
    if (!this.enabled) return
    this.#entries.delete(key)
    if (this.#entries.size >= this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    this.#entries.set(key, { value, expiresAt: now + this.#ttlMs })
  }

  clear (): void {
    this.#entries.clear()
  }
}
