import { isDeepStrictEqual } from 'node:util'

/**
 * Secrets shorter than this are not looked for. PropelAuth's keys are far
 * longer; a short value (`test`, `e`: what a developer types against a local
 * stand-in) would be found inside ordinary words, and cutting it out would
 * garble the text it is found in.
 */
export const MIN_REDACTED_SECRET_LENGTH = 16

const REDACTED = '[redacted]'

/** How far an error's causes and nested errors are followed: beyond any chain built here, short of a runaway one. */
const MAX_ERROR_DEPTH = 10

/** The spellings a secret takes in text that quotes it: as sent, inside a JSON string, URL-encoded. */
function spellingsOf (secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]
}

function escapeRegExp (text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

/** Objects that are data (what JSON.parse builds), as opposed to instances of a class, which are left as they are. */
function isDataObject (value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * Cuts secrets (the integration key, an end-user API key) out of what this
 * plugin throws or logs about a request: each becomes `[redacted]`, in any case,
 * as written raw, inside a JSON string or URL-encoded. The case does not matter
 * because an answer may change it (a URL parser lower-cases a host name), and a
 * secret in other letters is still the secret. Only secrets of at least
 * MIN_REDACTED_SECRET_LENGTH characters are looked for.
 *
 * For errors and messages only: data handed to the caller from a successful
 * call never passes through here. One is made for every request, and its
 * pattern is compiled on first use, which only a failure reaches: a request
 * that succeeds pays for this object and nothing more.
 */
export class SecretRedactor {
  readonly #secrets: ReadonlyArray<string | undefined>
  /** undefined until first use; null when no secret is long enough to look for. */
  #pattern: RegExp | null | undefined

  constructor (secrets: ReadonlyArray<string | undefined>) {
    this.#secrets = secrets
  }

  #compile (): RegExp | null {
    if (this.#pattern === undefined) {
      const spellings = new Set<string>()
      for (const secret of this.#secrets) {
        if (secret === undefined || secret.length < MIN_REDACTED_SECRET_LENGTH) continue
        for (const spelling of spellingsOf(secret)) spellings.add(spelling.toLowerCase())
      }
      // Longest first, so that where one spelling contains another the whole of it goes.
      const alternatives = [...spellings].sort((a, b) => b.length - a.length).map(escapeRegExp)
      this.#pattern = alternatives.length === 0 ? null : new RegExp(alternatives.join('|'), 'gi')
    }
    return this.#pattern
  }

  /** `text` with every secret cut out. */
  text (text: string): string {
    const pattern = this.#compile()
    return pattern === null ? text : text.replace(pattern, REDACTED)
  }

  /**
   * A copy of JSON data (what JSON.parse gives) with every secret cut out of its
   * strings, field names included. Instances of classes are kept as they are.
   */
  data (value: unknown): unknown {
    if (typeof value === 'string') return this.text(value)
    if (Array.isArray(value)) return value.map((item) => this.data(item))
    if (!isDataObject(value)) return value
    const copy: Record<string, unknown> = {}
    for (const [name, item] of Object.entries(value)) {
      // Defined, not assigned: a `__proto__` field stays a field.
      Object.defineProperty(copy, this.text(name), { value: this.data(item), enumerable: true, writable: true, configurable: true })
    }
    return copy
  }

  /**
   * A body PropelAuth answered, fit to quote: when it is JSON holding a secret,
   * the JSON again with the secret cut out of the parsed strings (so an escape
   * the raw text spells differently, `\/` or `\u0041`, cannot hide it); else
   * the text, cut as `text` cuts it. A body holding no secret comes back as sent.
   */
  json (body: string): string {
    if (this.#compile() === null) return body
    try {
      const value: unknown = JSON.parse(body)
      const cleaned = this.data(value)
      if (!isDeepStrictEqual(cleaned, value)) return JSON.stringify(cleaned)
    } catch {}
    return this.text(body)
  }

  /**
   * `error`, changed in place: its message, stack, own properties, causes and
   * nested errors (AggregateError's `errors`) with every secret cut out. For
   * errors this plugin throws that hold an error it did not build.
   */
  error<E> (error: E): E {
    this.#scrub(error, new Set(), 0)
    return error
  }

  #scrub (value: unknown, seen: Set<object>, depth: number): void {
    if (!(value instanceof Error) || seen.has(value) || depth > MAX_ERROR_DEPTH) return
    seen.add(value)
    const target = value as Error & Record<string, unknown>
    const names = new Set(['message', 'stack', 'cause', 'errors', ...Object.keys(target)])
    for (const name of names) {
      if (!Object.hasOwn(target, name)) continue
      const item = target[name]
      if (item instanceof Error) {
        this.#scrub(item, seen, depth + 1)
      } else if (Array.isArray(item) && item.some((entry) => entry instanceof Error)) {
        for (const entry of item) this.#scrub(entry, seen, depth + 1)
      } else if (typeof item === 'string' || Array.isArray(item) || isDataObject(item)) {
        try {
          target[name] = this.data(item)
        } catch {} // a read-only property: nothing here put a secret in one
      }
    }
  }
}
