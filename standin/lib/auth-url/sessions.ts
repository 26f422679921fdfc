import { createHash } from 'node:crypto'
import type { LoginMethodClaims } from 'fastify-propelauth'

const DAY = 86_400
/** How long a browser session lasts without signing in again. */
export const SESSION_LIFETIME_SECONDS = 14 * DAY
/** How long a sign-in waits for its MFA code, and how many wrong codes it takes. */
export const MFA_WAIT_SECONDS = 10 * 60
export const MFA_ATTEMPTS = 5

/** A signed-in browser: what the session cookie stands for. */
export interface Session {
  userId: string
  /** How the user signed in; it goes into the tokens the session gets. */
  loginMethod: LoginMethodClaims
  createdAt: number
  expiresAt: number
}

/** A sign-in whose password was right, waiting for the user's MFA code. */
export interface PendingMfaSignIn {
  userId: string
  /** The page's `rt`, as given (checked again when the code arrives). */
  rt?: string
  expiresAt: number
  attemptsLeft: number
}

function digest (secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/**
 * Browser sessions and sign-ins waiting for an MFA code, each found by the
 * secret the browser holds (the session cookie, a hidden form field). Only a
 * SHA-256 of each secret is kept, so nothing in memory can be replayed as a
 * cookie. Times are epoch seconds on the stand-in's clock.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>()
  readonly #pendingMfa = new Map<string, PendingMfaSignIn>()

  start (secret: string, session: Session): void {
    this.#sessions.set(digest(secret), session)
  }

  /** The live session for this secret; an expired one is forgotten. */
  find (secret: string, now: number): Session | undefined {
    const key = digest(secret)
    const session = this.#sessions.get(key)
    if (session === undefined) return undefined
    if (session.expiresAt <= now) {
      this.#sessions.delete(key)
      return undefined
    }
    return session
  }

  end (secret: string): boolean {
    return this.#sessions.delete(digest(secret))
  }

  /** Ends every session (and pending sign-in) of the user; returns how many sessions there were. */
  endAllOf (userId: string): number {
    let ended = 0
    for (const [key, session] of this.#sessions) {
      if (session.userId === userId) {
        this.#sessions.delete(key)
        ended++
      }
    }
    for (const [key, pending] of this.#pendingMfa) {
      if (pending.userId === userId) this.#pendingMfa.delete(key)
    }
    return ended
  }

  /** The user's live sessions, oldest first (for tests and the account page). */
  of (userId: string, now: number): Session[] {
    return [...this.#sessions.values()]
      .filter((session) => session.userId === userId && session.expiresAt > now)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  awaitMfa (secret: string, pending: PendingMfaSignIn): void {
    this.#pendingMfa.set(digest(secret), pending)
  }

  /** The sign-in waiting under this secret, if it has not expired. */
  pendingMfa (secret: string, now: number): PendingMfaSignIn | undefined {
    const key = digest(secret)
    const pending = this.#pendingMfa.get(key)
    if (pending === undefined) return undefined
    if (pending.expiresAt <= now) {
      this.#pendingMfa.delete(key)
      return undefined
    }
    return pending
  }

  endMfa (secret: string): void {
    this.#pendingMfa.delete(digest(secret))
  }

  clear (): void {
    this.#sessions.clear()
    this.#pendingMfa.clear()
  }
}
