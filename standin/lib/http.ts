import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Page } from './wire.js'

/** PropelAuth's 400 body: field name → messages. */
export type FieldErrors = Record<string, string[]>

interface FieldOptions {
  required?: boolean
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const DAY = /^\d{4}-\d{2}-\d{2}$/
export const MAX_PAGE_SIZE = 1000

/**
 * Reads the fields of a JSON body or a query string, collecting PropelAuth-style
 * field errors. A `null` counts as absent (Python's client sends nulls for unset
 * arguments); query values are coerced (`"true"`, `"10"`).
 */
export class Fields {
  readonly errors: FieldErrors = {}
  readonly #source: Record<string, unknown>
  readonly #fromQuery: boolean

  private constructor (source: unknown, fromQuery: boolean) {
    this.#fromQuery = fromQuery
    if (source === undefined || source === null) {
      this.#source = {}
    } else if (typeof source === 'object' && !Array.isArray(source)) {
      this.#source = source as Record<string, unknown>
    } else {
      this.#source = {}
      this.fail('body', 'Expected a JSON object')
    }
  }

  static body (request: FastifyRequest): Fields {
    return new Fields(request.body, false)
  }

  static query (request: FastifyRequest): Fields {
    return new Fields(request.query, true)
  }

  get ok (): boolean {
    return Object.keys(this.errors).length === 0
  }

  fail (field: string, message: string): void {
    (this.errors[field] ??= []).push(message)
  }

  has (name: string): boolean {
    return this.#raw(name) !== undefined
  }

  #raw (name: string): unknown {
    const value = this.#source[name]
    return value === null ? undefined : value
  }

  #missing (name: string, options: FieldOptions): undefined {
    if (options.required === true) this.fail(name, 'This field is required')
    return undefined
  }

  string (name: string, options: FieldOptions & { nonEmpty?: boolean } = {}): string | undefined {
    const value = this.#raw(name)
    if (value === undefined) return this.#missing(name, options)
    if (typeof value !== 'string') {
      this.fail(name, 'Expected a string')
      return undefined
    }
    if ((options.nonEmpty ?? options.required) === true && value.trim() === '') {
      this.fail(name, 'Must not be empty')
      return undefined
    }
    return value
  }

  /** A string that must also pass `accepts`, else the field fails with `message`. */
  #stringThat (name: string, options: FieldOptions & { nonEmpty?: boolean }, accepts: (value: string) => boolean, message: string): string | undefined {
    const value = this.string(name, options)
    if (value === undefined) return undefined
    if (!accepts(value)) {
      this.fail(name, message)
      return undefined
    }
    return value
  }

  email (name: string, options: FieldOptions = {}): string | undefined {
    return this.#stringThat(name, options, (value) => EMAIL.test(value), 'Invalid email address')
  }

  /** A calendar date as `YYYY-MM-DD`, returned as sent. */
  day (name: string, options: FieldOptions = {}): string | undefined {
    return this.#stringThat(name, options, (value) => DAY.test(value) && !Number.isNaN(Date.parse(value)), 'Expected a date as YYYY-MM-DD')
  }

  /** A URL with a scheme (`https://app.example.test/done`), as sent. */
  absoluteUrl (name: string, options: FieldOptions & { nonEmpty?: boolean } = {}): string | undefined {
    return this.#stringThat(name, options, (value) => URL.canParse(value), 'Must be an absolute URL')
  }

  boolean (name: string, options: FieldOptions = {}): boolean | undefined {
    const value = this.#raw(name)
    if (value === undefined) return this.#missing(name, options)
    if (typeof value === 'boolean') return value
    if (this.#fromQuery && (value === 'true' || value === 'false')) return value === 'true'
    this.fail(name, 'Expected true or false')
    return undefined
  }

  integer (name: string, options: FieldOptions & { min?: number, max?: number } = {}): number | undefined {
    let value = this.#raw(name)
    if (value === undefined) return this.#missing(name, options)
    if (this.#fromQuery && typeof value === 'string' && /^-?\d+$/.test(value)) value = Number(value)
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.fail(name, 'Expected an integer')
      return undefined
    }
    if (options.min !== undefined && value < options.min) {
      this.fail(name, `Must be at least ${options.min}`)
      return undefined
    }
    if (options.max !== undefined && value > options.max) {
      this.fail(name, `Must be at most ${options.max}`)
      return undefined
    }
    return value
  }

  number (name: string, options: FieldOptions & { min?: number, max?: number } = {}): number | undefined {
    let value = this.#raw(name)
    if (value === undefined) return this.#missing(name, options)
    if (this.#fromQuery && typeof value === 'string' && value.trim() !== '') value = Number(value)
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(name, 'Expected a number')
      return undefined
    }
    if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
      this.fail(name, `Must be between ${options.min ?? '-∞'} and ${options.max ?? '∞'}`)
      return undefined
    }
    return value
  }

  object (name: string, options: FieldOptions = {}): Record<string, unknown> | undefined {
    const value = this.#raw(name)
    if (value === undefined) return this.#missing(name, options)
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(name, 'Expected an object')
      return undefined
    }
    return value as Record<string, unknown>
  }

  stringArray (name: string, options: FieldOptions & { maxItems?: number } = {}): string[] | undefined {
    const value = this.#raw(name)
    if (value === undefined) return this.#missing(name, options)
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.fail(name, 'Expected a list of strings')
      return undefined
    }
    if (options.maxItems !== undefined && value.length > options.maxItems) {
      this.fail(name, `At most ${options.maxItems} items`)
      return undefined
    }
    return value as string[]
  }

  oneOf<T extends string> (name: string, allowed: readonly T[], options: FieldOptions = {}): T | undefined {
    const isAllowed = (value: string): boolean => (allowed as readonly string[]).includes(value)
    return this.#stringThat(name, options, isAllowed, `Must be one of ${allowed.join(', ')}`) as T | undefined
  }

  /** `page_size` (default 10, 1 to 1000) and `page_number` (default 0): PropelAuth's 0-based paging. */
  page (keys: { size: string, number: string } = { size: 'page_size', number: 'page_number' }): Page {
    return {
      pageSize: this.integer(keys.size, { min: 1, max: MAX_PAGE_SIZE }) ?? 10,
      pageNumber: this.integer(keys.number, { min: 0 }) ?? 0
    }
  }
}

/** 400 with PropelAuth's field-error body. */
export async function sendFieldErrors (reply: FastifyReply, errors: FieldErrors): Promise<FastifyReply> {
  return await reply.code(400).send(errors)
}

/** 404; PropelAuth's clients read only the status. */
export async function sendNotFound (reply: FastifyReply, what: string): Promise<FastifyReply> {
  return await reply.code(404).send({ user_facing_error: `${what} not found` })
}

/**
 * The wording PropelAuth's own Node library uses for a 426, so a developer
 * reading the stand-in's answer sees the message they will meet in production.
 */
const ORGS_SWITCHED_OFF_MESSAGE = 'Cannot use organizations unless B2B support is enabled. Enable it in your PropelAuth dashboard.'

/** 426: the project has organizations (B2B support) switched off. */
export async function sendOrgsSwitchedOff (reply: FastifyReply): Promise<FastifyReply> {
  return await reply.code(426).send({ user_facing_error: ORGS_SWITCHED_OFF_MESSAGE })
}

/** `{}`, what PropelAuth answers to a successful mutation (some clients parse it). */
export const OK = Object.freeze({})

export function isEmail (value: string): boolean {
  return EMAIL.test(value)
}
