// What a refused token becomes: a reason (which 401 answers it), a stable cause
// for log queries and one sentence for the refusal log. Shared by the header
// parser, the verifier and the token sources, which each refuse in their own words.

/** Why a request carries no acceptable user. Each maps to one 401 error of the guards. */
export type RejectionReason = 'missing' | 'malformed-header' | 'invalid' | 'expired' | 'revoked'

/**
 * What the refusal log may say about a refused token besides its reason: only
 * what is no secret. The issuer is public; `userId` is given only once the
 * signature has proved it.
 */
export interface RejectionFacts {
  expectedIssuer?: string
  issuer?: string
  userId?: string
  /** Seconds since `exp` (expired) or until `nbf` (not yet valid). */
  seconds?: number
}

export class Rejection {
  constructor (
    readonly reason: RejectionReason,
    /** Stable name of the precise cause, e.g. `wrong-issuer`, for log queries. */
    readonly cause: string,
    /** One sentence saying what was wrong, for the refusal log; never the token. */
    readonly detail: string,
    readonly facts?: Readonly<RejectionFacts>
  ) {}
}

/** Short, quoted text of a value from a request, for the refusal log: never long, always escaped. */
export function quoted (value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text)
}
