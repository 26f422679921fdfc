import { createHash } from 'node:crypto'

function digest (secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Records found by a secret until they expire; only a SHA-256 of each secret is kept. */
export class ExpiringSecrets<T extends { userId: string, expiresAt: number }> {
  readonly #entries = new Map<string, T>()

  set (secret: string, entry: T): void {
    this.#entries.set(digest(secret), entry)
  }

  /** The live entry for this secret; an expired one is forgotten. */
  get (secret: string, now: number): T | undefined {
    const key = digest(secret)
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.expiresAt > now) return entry
    this.#entries.delete(key)
    return undefined
  }

  delete (secret: string): boolean {
    return this.#entries.delete(digest(secret))
  }

  /** Forgets every entry of the user; returns how many there were. */
  deleteAllOf (userId: string): number {
    let deleted = 0
    for (const [key, entry] of this.#entries) {
      if (entry.userId === userId) {
        this.#entries.delete(key)
        deleted++
      }
    }
    return deleted
  }

  values (): IterableIterator<T> {
    return this.#entries.values()
  }

  clear (): void {
    this.#entries.clear()
  }
}
