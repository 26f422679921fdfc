import type { FastifyBaseLogger } from 'fastify'
import { invalidOption } from '../options/option-checks.js'
import type { RejectionFacts } from '../token/rejection.js'

// Every refusal of a guard is logged once, by the guard that refused, with its
// error code and the precise reason: a wrong `authUrl` (expected and received
// issuer), a token of another project (signature), a clock problem (not yet
// valid, expired for how long), where a token is malformed. Nothing secret goes
// in: never the token, its signature, or any claim but the issuer and `user_id`.
// The level is the app's choice; the default (`debug`) keeps production logs quiet.

/** pino's levels, as Fastify's logger has them; `silent` logs nothing. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export const DEFAULT_REFUSAL_LOG_LEVEL: LogLevel = 'debug'

/** What a refusal log line carries under `refusal`. */
export interface RefusalRecord extends RejectionFacts {
  /** The FST_PROPELAUTH_* code the request was answered with. */
  code: string
  /** Stable name of the cause, e.g. `wrong-issuer`, `signature-mismatch`, `expired`, `malformed-token`. */
  cause: string
}

/** Logs one refusal on `log` (the request's logger, so that the line carries its reqId), else on the instance's. */
export type RefusalLog = (record: RefusalRecord, detail: string, log?: FastifyBaseLogger) => void

export function checkLogLevel (name: string, value: unknown, fallback: LogLevel): LogLevel {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !(LOG_LEVELS as readonly string[]).includes(value)) {
    invalidOption(`option \`${name}\` must be one of ${LOG_LEVELS.join(', ')} (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value})`)
  }
  return value as LogLevel
}

export function createRefusalLog (level: LogLevel, instanceLog?: FastifyBaseLogger): RefusalLog {
  if (level === 'silent') return () => {}
  return (record, detail, log = instanceLog) => {
    log?.[level]({ refusal: record }, `fastify-propelauth refused the request (${record.code}): ${detail}`)
  }
}
