import { hash } from 'node:crypto'

/**
 * The cache key of a secret (a token, an API key): its SHA-256, so a cache
 * holds no secret, and two secrets that differ in any byte never share an entry.
 * The 32 digest bytes as a latin1 string ('binary' is Node's name for it): the
 * shortest string that carries all of them, the cheapest to make and to look up.
 */
export function digestOf (secret: string): string {
  return hash('sha256', secret, 'binary')
}

interface Entry<V> {
  value: V
  expiresAt: number
  /** When the entry was last placed at the recent end, counted in placements. */
  placedAt: number
}

/**
 * A bounded LRU whose entries each carry an expiry time. Both caches of the
 * plugin (verified tokens, validated API keys) are one of these.
 *
 * A Map keeps insertion order, so the least recently placed entry is evicted
 * first. Moving an entry to the recent end on every hit (delete, then set)
 * would be most of what a cache hit costs; instead a hit moves it only once it
 * has drifted into the older half. An entry that is used at least once per
 * max/2 placements is therefore never evicted, and eviction still takes the
 * least recently used entries first.
 */
export class ExpiringLru<V> {
  readonly #max: number
  readonly #entries = new Map<string, Entry<V>>()
  /** Placements so far: insertions and moves to the recent end. */
  #placements = 0

  constructor (max: number) {
    this.#max = max
  }

  get size (): number { return this.#entries.size }

  /** The value, unless absent or expired at `now` (epoch ms); a hit counts as a use. */
  get (key: string, now: number): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (now >= entry.expiresAt) {
      this.#entries.delete(key)
      return undefined
    }
    if (this.#placements - entry.placedAt >= this.#max >> 1) {
      this.#entries.delete(key)
      this.#entries.set(key, entry)
      entry.placedAt = ++this.#placements
    }
    return entry.value
  }

  /** Stores `value` until `expiresAt` (epoch ms), evicting the least recently used entry when full. */
  set (key: string, value: V, expiresAt: number): void {
    if (this.#max <= 0) return
    this.#entries.delete(key)
    if (this.#entries.size >= this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    this.#entries.set(key, { value, expiresAt, placedAt: ++this.#placements })
  }

  delete (key: string): void {
    this.#entries.delete(key)
  }

  clear (): void {
    this.#entries.clear()
  }
}
