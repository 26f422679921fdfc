/**
 * A failure to inject into the stand-in's answers, for reliability tests:
 * latency, an error status, or a dropped connection, on every call or only on
 * matching ones, until removed or for a number of calls.
 */
export interface StandInFault {
  /** Which calls: an exact path (`/api/backend/v1/user/query`), a prefix ending in `*` (`/api/backend/v1/org/*`) or a RegExp. Default: every call. */
  path?: string | RegExp
  /** Only calls with this HTTP method. Default: any. */
  method?: string
  /** Milliseconds to wait before answering (or failing). */
  latency?: number
  /** Answer with this status instead of the real answer (e.g. 500, 503, 429). */
  status?: number
  /** The body sent with `status`. Default: a small JSON error fitting the status. */
  body?: unknown
  /** Close the connection without answering, as a crashed or unreachable backend would. */
  drop?: boolean
  /** Seconds sent in `Retry-After` and `wait_seconds` with a 429. Default 1. */
  retryAfter?: number
  /** Apply to this many matching calls, then expire. Default: until removed. */
  times?: number
}

interface ActiveFault {
  fault: StandInFault
  remaining: number
}

/** What the matching faults amount to for one call. */
export interface FaultOutcome {
  latency: number
  drop: boolean
  status?: number
  body?: unknown
  retryAfter: number
}

export function matchesPath (pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true
  if (typeof pattern !== 'string') return pattern.test(path)
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern
}

function checkFault (fault: StandInFault): void {
  const where = 'stand-in fault'
  if (fault.latency === undefined && fault.status === undefined && fault.drop !== true) {
    throw new TypeError(`${where}: give latency, status or drop: true`)
  }
  if (fault.latency !== undefined && !(Number.isFinite(fault.latency) && fault.latency >= 0)) throw new TypeError(`${where}: latency must be milliseconds >= 0`)
  if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) throw new TypeError(`${where}: status must be an HTTP status (100 to 599)`)
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times >= 1)) throw new TypeError(`${where}: times must be a whole number >= 1`)
  if (fault.retryAfter !== undefined && !(Number.isFinite(fault.retryAfter) && fault.retryAfter >= 0)) throw new TypeError(`${where}: retryAfter must be seconds >= 0`)
}

/** Faults injected now; `startStandIn` returns one as `standIn.faults`. */
export class FaultController {
  #active: ActiveFault[] = []

  /** Starts injecting `fault`; returns a function that stops it. */
  add (fault: StandInFault): () => void {
    checkFault(fault)
    const entry: ActiveFault = { fault: { ...fault }, remaining: fault.times ?? Infinity }
    this.#active.push(entry)
    return () => { this.#active = this.#active.filter((other) => other !== entry) }
  }

  /** Stops every fault. */
  clear (): void {
    this.#active = []
  }

  /** The faults in force (copies). */
  get active (): StandInFault[] {
    return this.#active.map((entry) => ({ ...entry.fault }))
  }

  /** Consumes the faults matching one call and says what to do. */
  take (method: string, path: string): FaultOutcome | undefined {
    const hits = this.#active.filter(({ fault }) =>
      (fault.method === undefined || fault.method.toUpperCase() === method) && matchesPath(fault.path, path))
    if (hits.length === 0) return undefined
    const outcome: FaultOutcome = { latency: 0, drop: false, retryAfter: 1 }
    for (const hit of hits) {
      outcome.latency += hit.fault.latency ?? 0
      if (hit.fault.drop === true) outcome.drop = true
      if (outcome.status === undefined && hit.fault.status !== undefined) {
        outcome.status = hit.fault.status
        outcome.body = hit.fault.body
        outcome.retryAfter = hit.fault.retryAfter ?? 1
      }
      hit.remaining--
    }
    this.#active = this.#active.filter((entry) => entry.remaining > 0)
    return outcome
  }
}

/** The body sent with an injected status when the fault gives none. */
export function faultBody (status: number, retryAfter: number): unknown {
  if (status === 429) return { wait_seconds: retryAfter, user_facing_error: 'Too many requests (injected by the stand-in)', error_code: 'rate_limited' }
  if (status >= 500) return { user_facing_error: `Server error ${status} (injected by the stand-in)` }
  return { user_facing_error: `Status ${status} (injected by the stand-in)` }
}
