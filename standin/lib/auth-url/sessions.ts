import type { LoginMethodClaims } from 'fastify-propelauth'
import { ExpiringSecrets } from './expiring-secrets.js'

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
  /** The redirect URI of the last app this session signed in on its server (`/propelauth/ssr/authorize`): signing out goes back there. */
  ssrRedirectUri?: string
}

/** A sign-in whose password was right, waiting for the user's MFA code. */
export interface PendingMfaSignIn {
  userId: string
  /** The page's `rt`, as given (checked again when the code arrives). */
  rt?: string
  expiresAt: number
  attemptsLeft: number
}

/**
 * Browser sessions and sign-ins waiting for an MFA code, each found by the
 * secret the browser holds (the session cookie, a hidden form field). Only a
 * SHA-256 of each secret is kept, so nothing in memory can be replayed as a
 * cookie. Times are epoch seconds on the stand-in's clock.
 */
export class SessionStore {
  readonly #sessions = new ExpiringSecrets<Session>()
  readonly #pendingMfa = new ExpiringSecrets<PendingMfaSignIn>()

  start (secret: string, session: Session): void {
    this.#sessions.set(secret, session)
  }

  /** The live session for this secret; an expired one is forgotten. */
  find (secret: string, now: number): Session | undefined {
    return this.#sessions.get(secret, now)
  }

  /** Whether this very session is still live (not ended, not expired). */
  holds (session: Session, now: number): boolean {
    return session.expiresAt > now && [...this.#sessions.values()].includes(session)
  }

  end (secret: string): boolean {
    return this.#sessions.delete(secret)
  }

  /** Ends every session (and pending sign-in) of the user; returns how many sessions there were. */
  endAllOf (userId: string): number {
    this.#pendingMfa.deleteAllOf(userId)
    return this.#sessions.deleteAllOf(userId)
  }

  /** The user's live sessions, oldest first (for tests). */
  of (userId: string, now: number): Session[] {
    return [...this.#sessions.values()]
      .filter((session) => session.userId === userId && session.expiresAt > now)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  awaitMfa (secret: string, pending: PendingMfaSignIn): void {
    this.#pendingMfa.set(secret, pending)
  }

  /** The sign-in waiting under this secret, if it has not expired. */
  pendingMfa (secret: string, now: number): PendingMfaSignIn | undefined {
    return this.#pendingMfa.get(secret, now)
  }

  endMfa (secret: string): void {
    this.#pendingMfa.delete(secret)
  }

  clear (): void {
    this.#sessions.clear()
    this.#pendingMfa.clear()
  }
}
