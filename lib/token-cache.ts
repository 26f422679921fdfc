import { hash } from 'node:crypto'
import type { User } from './user.js'

interface Entry {
  user: User
  /** Epoch milliseconds after which the token must not be served from here. */
  expiresAt: number
}

/**
 * A bounded LRU of verified tokens. Keys are SHA-256 digests of the whole
 * token, so the cache holds no token and a token that differs in any byte
 * (signature included) can never hit another's entry. Entries never outlive
 * the token's `exp`.
 */
export class TokenCache {
  readonly #max: number
  readonly #entries = new Map<string, Entry>()

  constructor (max: number) {
    this.#max = max
  }

  static keyOf (token: string): string {
    return hash('sha256', token, 'base64')
  }

  get size (): number { return this.#entries.size }

  get (key: string, now: number): User | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (now >= entry.expiresAt) {
      this.#entries.delete(key)
      return undefined
    }
    // Re-insert to mark as most recently used; Map keeps insertion order.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.user
  }

  set (key: string, user: User, expiresAt: number): void {
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value as string
      this.#entries.delete(oldest)
    }
    this.#entries.set(key, { user, expiresAt })
  }

  clear (): void {
    this.#entries.clear()
  }
}
