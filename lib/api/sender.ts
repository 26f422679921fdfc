import { B2bNotEnabledError, BackendResponseError, IntegrationApiKeyRejectedError } from '../errors.js'
import { camelize } from './casing.js'
import { RateLimitedException } from './exceptions.js'
import { requestedWaitMs, type BackendResponse, type HttpMethod, type QueryValue, type Transport } from './transport.js'

/** One call to PropelAuth's backend API, as an API function describes it. */
export interface Call {
  method: HttpMethod
  path: string
  query?: Record<string, QueryValue>
  /** Appends `?` even with an empty query, where the Node library's URL has one. */
  queryMark?: boolean
  body?: unknown
  /** Safe to repeat after a network error, 5xx or 429: GETs, and POSTs that only read. */
  retry?: boolean
  /** End-user API keys in the body, kept out of messages that quote the answer. */
  secrets?: readonly string[]
}

/** PropelAuth's answer, with what the error messages need to say where it came from. */
export interface Answer extends BackendResponse {
  /** The API function's name, e.g. `fetchOrg`. */
  operation: string
  /** Method and path, without the query (which may carry e-mail addresses). */
  where: string
}

/** Errors for answers the Node library reports as plain `Error`s carry PropelAuth's status. */
export type BackendError = InstanceType<typeof BackendResponseError> & { backendStatus?: number }

export type Send = (operation: string, call: Call) => Promise<Answer>

/** Binds the transport; every API function sends through the function this returns. */
export function createSender (transport: Transport): Send {
  return async function send (operation, call) {
    const response = await transport.request({
      method: call.method,
      path: call.path,
      query: call.query,
      emptyQueryMark: call.queryMark,
      body: call.body,
      retry: call.retry,
      secrets: call.secrets
    })
    return { ...response, operation, where: `${call.method} ${call.path}` }
  }
}

const MAX_BODY_IN_MESSAGE = 500

function excerpt (text: string): string {
  return text.length > MAX_BODY_IN_MESSAGE ? `${text.slice(0, MAX_BODY_IN_MESSAGE)}…` : text
}

/** The body for a message: secrets cut out (lib/util/redact-secrets.ts), at most MAX_BODY_IN_MESSAGE characters. */
function quote (answer: Answer): string {
  return excerpt(answer.redact.json(answer.text))
}

/**
 * The Node library's exception for an answer (its 400s): the body is the
 * message, as there, and `fieldToErrors` and the other fields are read from
 * it. Both have the secrets the request carried cut out: a key PropelAuth
 * echoes back is still ours, not data, and an app logs these errors whole.
 */
export function exceptionOf<E extends Error> (Exception: new (body: string) => E, answer: Answer): E {
  return new Exception(answer.redact.json(answer.text))
}

function backendError (answer: Answer, message: string): BackendError {
  const error: BackendError = new BackendResponseError(`${answer.operation}: ${message}`)
  error.backendStatus = answer.status
  return error
}

/** 429: what PropelAuth said (secrets cut out), and how long it asked to wait when it said so. */
export function rateLimited (answer: Answer, message = answer.redact.json(answer.text)): RateLimitedException {
  const waitMs = requestedWaitMs(answer)
  return new RateLimitedException(message, { waitSeconds: waitMs === undefined ? undefined : waitMs / 1000 })
}

export function b2bNotEnabled (answer: Answer): InstanceType<typeof B2bNotEnabledError> {
  return new B2bNotEnabledError(answer.where)
}

/** 400 answers the Node library reports as `Error("Invalid query <body>")` and the like. */
export function badRequest (answer: Answer, what: string): BackendError {
  return backendError(answer, `PropelAuth refused the ${what} (400 from ${answer.where}): ${quote(answer)}`)
}

export function notFound (answer: Answer, what: string): BackendError {
  return backendError(answer, `${what} (404 from ${answer.where})`)
}

/**
 * The statuses every function shares: 401 (integration key rejected), 429
 * (rate limited) and any other failure. Call after the function's own cases.
 */
export function failUnlessOk (answer: Answer): void {
  if (answer.status < 400) return
  if (answer.status === 401) throw new IntegrationApiKeyRejectedError(answer.where)
  if (answer.status === 429) throw rateLimited(answer)
  throw backendError(answer, `unexpected status ${answer.status} from ${answer.where}`)
}

/** The answer's JSON; a body that is not JSON is an error that says so, not a SyntaxError. */
export function json (answer: Answer): unknown {
  try {
    return JSON.parse(answer.text)
  } catch {
    throw backendError(answer, `${answer.where} answered ${answer.status} with a body that is not JSON; check the \`apiBaseUrl\` option`)
  }
}

/** The answer's JSON in the Node library's camelCase shape. */
export function camel<T> (answer: Answer, renames?: Readonly<Record<string, string>>): T {
  return camelize(json(answer), renames) as T
}
