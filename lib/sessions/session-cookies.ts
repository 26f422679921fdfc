import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SessionTokens } from './auth-url-calls.js'

// The cookies of a server-run session, under the names PropelAuth's Next.js
// library uses, so that an app moving from Next.js keeps its users signed in.
// None is readable by scripts (HttpOnly); SameSite=Lax keeps them off requests
// other sites make, except top-level navigations; `Secure` is left out only for
// an app on plain-http loopback, where browsers would not store it otherwise
// in every case.
//
// A browser drops, without a word, a cookie over about 4 KB, and an access
// token with many orgs is larger. So a token over CHUNK_SIZE characters is
// written over `__pa_at_0`, `__pa_at_1`, …, and read back by joining them.

export const COOKIE_NAMES = {
  accessToken: '__pa_at',
  refreshToken: '__pa_rt',
  activeOrg: '__pa_org_id',
  state: '__pa_state',
  returnTo: '__pa_return_to_path'
} as const

/** Characters per cookie: 4096 bytes less room for the name and the attributes. */
export const CHUNK_SIZE = 3800
/** Chunks read at most: 16 × 3800 characters is past any access token PropelAuth issues. */
const MAX_CHUNKS = 16
/** The sign-in's state and return path live as long as a sign-in may take. */
const SIGN_IN_MAX_AGE_S = 600

export interface SessionCookies {
  accessToken: string | undefined
  refreshToken: string | undefined
  activeOrgId: string | undefined
  /** The names of the access token's cookies the request carried, to clear the stale ones. */
  accessTokenCookies: readonly string[]
}

interface CookieOptions { httpOnly: true, sameSite: 'lax', path: '/', secure: boolean, maxAge?: number }
interface CookieReply { setCookie: (name: string, value: string, options: CookieOptions) => FastifyReply, clearCookie: (name: string, options: CookieOptions) => FastifyReply }

function cookiesOf (request: FastifyRequest): Record<string, string | undefined> {
  return (request as { cookies?: Record<string, string | undefined> }).cookies ?? {}
}

const present = (value: string | undefined): string | undefined => value === undefined || value === '' ? undefined : value

export class SessionCookieJar {
  readonly #options: CookieOptions

  constructor (secure: boolean) {
    this.#options = { httpOnly: true, sameSite: 'lax', path: '/', secure }
  }

  read (request: FastifyRequest): SessionCookies {
    const cookies = cookiesOf(request)
    const names: string[] = []
    let accessToken = present(cookies[COOKIE_NAMES.accessToken])
    if (accessToken !== undefined) names.push(COOKIE_NAMES.accessToken)
    const chunks: string[] = []
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const chunk = present(cookies[`${COOKIE_NAMES.accessToken}_${i}`])
      if (chunk === undefined) break
      chunks.push(chunk)
      names.push(`${COOKIE_NAMES.accessToken}_${i}`)
    }
    if (accessToken === undefined && chunks.length > 0) accessToken = chunks.join('')
    return {
      accessToken,
      refreshToken: present(cookies[COOKIE_NAMES.refreshToken]),
      activeOrgId: present(cookies[COOKIE_NAMES.activeOrg]),
      accessTokenCookies: names
    }
  }

  #jar (reply: FastifyReply): CookieReply {
    return reply as unknown as CookieReply
  }

  /** Writes the tokens; clears the access token's cookies of `before` that the new token does not use. */
  writeTokens (reply: FastifyReply, tokens: SessionTokens, before: SessionCookies): void {
    const jar = this.#jar(reply)
    const written = new Set<string>()
    if (tokens.accessToken.length <= CHUNK_SIZE) {
      jar.setCookie(COOKIE_NAMES.accessToken, tokens.accessToken, this.#options)
      written.add(COOKIE_NAMES.accessToken)
    } else {
      for (let i = 0; i * CHUNK_SIZE < tokens.accessToken.length; i++) {
        const name = `${COOKIE_NAMES.accessToken}_${i}`
        jar.setCookie(name, tokens.accessToken.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE), this.#options)
        written.add(name)
      }
    }
    for (const name of before.accessTokenCookies) if (!written.has(name)) jar.clearCookie(name, this.#options)
    jar.setCookie(COOKIE_NAMES.refreshToken, tokens.refreshToken, this.#options)
  }

  writeActiveOrg (reply: FastifyReply, orgId: string | undefined): void {
    if (orgId === undefined) this.#jar(reply).clearCookie(COOKIE_NAMES.activeOrg, this.#options)
    else this.#jar(reply).setCookie(COOKIE_NAMES.activeOrg, orgId, this.#options)
  }

  /** Ends the session in this browser: the tokens' cookies. The active org is kept, as PropelAuth's library keeps it, for the next sign-in. */
  clearTokens (reply: FastifyReply, before: SessionCookies): void {
    const jar = this.#jar(reply)
    for (const name of before.accessTokenCookies) jar.clearCookie(name, this.#options)
    if (before.accessTokenCookies.length === 0) jar.clearCookie(COOKIE_NAMES.accessToken, this.#options)
    jar.clearCookie(COOKIE_NAMES.refreshToken, this.#options)
  }

  writeSignIn (reply: FastifyReply, state: string, returnTo: string | undefined): void {
    const options = { ...this.#options, maxAge: SIGN_IN_MAX_AGE_S }
    this.#jar(reply).setCookie(COOKIE_NAMES.state, state, options)
    if (returnTo === undefined) this.#jar(reply).clearCookie(COOKIE_NAMES.returnTo, this.#options)
    else this.#jar(reply).setCookie(COOKIE_NAMES.returnTo, returnTo, options)
  }

  readSignIn (request: FastifyRequest): { state: string | undefined, returnTo: string | undefined } {
    const cookies = cookiesOf(request)
    return { state: present(cookies[COOKIE_NAMES.state]), returnTo: present(cookies[COOKIE_NAMES.returnTo]) }
  }

  clearSignIn (reply: FastifyReply): void {
    this.#jar(reply).clearCookie(COOKIE_NAMES.state, this.#options)
    this.#jar(reply).clearCookie(COOKIE_NAMES.returnTo, this.#options)
  }
}
