import { InvalidOptionError } from '../errors.js'

// The checks every option and factory argument goes through, with one wording
// each, so that a typo reads the same wherever it is made: at `register`, in
// `app.auth.from(…)`, `denyByDefault(…)`, `composed(…)` or `createPropelAuthClient(…)`.

/** Throws FST_PROPELAUTH_INVALID_OPTION with `message`. */
export function invalidOption (message: string): never {
  throw new InvalidOptionError(message)
}

/**
 * Refuses members `value` does not have, so that a typo is not silently ignored:
 * "unknown option `cache.maxSize`; cache takes max". `path` names `value`
 * (`cache`, `tokenFrom[1]`), or is empty for a function's own options, which
 * `owner` then names (`fastify-propelauth`, `composed(hook, options)`).
 */
export function rejectUnknownKeys (value: object, known: readonly string[], path: string, owner = path): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) invalidOption(`unknown option \`${path === '' ? key : `${path}.${key}`}\`; ${owner} takes ${known.join(', ')}`)
  }
}

/** A non-empty string argument of a guard factory, e.g. `requireOrgMemberWithMinimumRole(role)`. */
export function requireNonEmptyString (factory: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') invalidOption(`${factory}(${what}) expects ${what} to be a non-empty string`)
  return value
}

/**
 * Describes a value for an error message without showing what must stay
 * private: a string that contains `secret` (say, the API key pasted into
 * `authUrl` by mistake) is not shown, nor is a long string.
 */
export function describeValue (value: unknown, secret?: string): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') {
    if (secret !== undefined && secret !== '' && value.includes(secret)) return 'a string that contains the `apiKey`'
    return value.length > 60 ? 'a long string' : JSON.stringify(value)
  }
  return typeof value === 'object' ? 'an object' : String(value)
}

/** A whole number option within bounds, or `fallback` when not given. */
export function wholeNumberInRange (name: string, value: unknown, fallback: number, unit: string, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidOption(`option \`${name}\` must be a whole number of ${unit} from ${min} to ${max} (got ${describeValue(value)})`)
  }
  return value
}

/** A finite number option within bounds, or `fallback` when not given; `why` says why the bounds are what they are. */
export function numberInRange (name: string, value: unknown, fallback: number, unit: string, min: number, max: number, why = ''): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_VALUE ? `${min} or more` : `from ${min} to ${max}`
    invalidOption(`option \`${name}\` must be a finite number of ${unit}, ${range} (got ${describeValue(value)})${why}`)
  }
  return value
}
