import type { Transport } from '../api/transport.js'
import { deadline } from '../util/deadline.js'

// The calls server-run sign-in makes to the project's auth URL, as PropelAuth's
// Next.js library makes them: the code exchange and the refresh take the
// backend integration API key, userinfo the user's access token. Each answer is
// one of three outcomes the routes and the session hook act on: the tokens,
// a refusal (PropelAuth answered 4xx: the code, the session or the org is not
// good), or unavailable (no answer, or a 5xx: try again later, keep the session).

export interface SessionTokens {
  accessToken: string
  refreshToken: string
}

export type TokensOutcome =
  | { kind: 'tokens', tokens: SessionTokens }
  | { kind: 'refused', status: number }
  | { kind: 'unavailable', error: Error }

export type UserinfoOutcome =
  | { kind: 'userinfo', userinfo: unknown }
  | { kind: 'refused', status: number }
  | { kind: 'unavailable', error: Error }

function unavailable (error: unknown): { kind: 'unavailable', error: Error } {
  return { kind: 'unavailable', error: error instanceof Error ? error : new Error(String(error)) }
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== ''

export interface AuthUrlCalls {
  exchangeCode: (code: string, redirectUri: string) => Promise<TokensOutcome>
  refresh: (refreshToken: string, activeOrgId: string | undefined) => Promise<TokensOutcome>
  logout: (refreshToken: string) => Promise<{ ok: boolean, status?: number }>
  userinfo: (accessToken: string) => Promise<UserinfoOutcome>
}

/** `transport` must point at the auth URL's origin; `timeout` bounds userinfo, which goes without the API key. */
export function createAuthUrlCalls (transport: Transport, timeout: number): AuthUrlCalls {
  /** A 2xx with `read`'s tokens, a 4xx refusal, or unavailable. */
  async function tokensCall (path: string, query: Record<string, string> | undefined, body: Record<string, string>, secrets: string[],
    read: (json: Record<string, unknown>) => SessionTokens | undefined): Promise<TokensOutcome> {
    let answer
    try {
      answer = await transport.request({ method: 'POST', path, query, body, retry: false, secrets })
    } catch (error) {
      return unavailable(error)
    }
    if (answer.status >= 500) return unavailable(new Error(`POST ${path} answered ${answer.status}`))
    if (answer.status >= 400) return { kind: 'refused', status: answer.status }
    const json = parseJson(answer.text)
    const tokens = typeof json === 'object' && json !== null ? read(json as Record<string, unknown>) : undefined
    if (tokens === undefined) return unavailable(new Error(`POST ${path} answered ${answer.status} without the tokens`))
    return { kind: 'tokens', tokens }
  }

  return {
    // `{ access_token, refresh_token }`, flat.
    exchangeCode: async (code, redirectUri) => await tokensCall('/propelauth/ssr/token', undefined, { redirect_uri: redirectUri, code }, [code],
      (json) => isNonEmptyString(json.access_token) && isNonEmptyString(json.refresh_token)
        ? { accessToken: json.access_token, refreshToken: json.refresh_token }
        : undefined),

    // `{ refresh_token, access_token: { access_token, expires_at_seconds } }`, nested; the refresh token rotates.
    refresh: async (refreshToken, activeOrgId) => await tokensCall('/api/backend/v1/refresh_token',
      activeOrgId === undefined ? undefined : { with_active_org_support: 'true', active_org_id: activeOrgId },
      { refresh_token: refreshToken }, [refreshToken],
      (json) => {
        const access = json.access_token as Record<string, unknown> | undefined
        return isNonEmptyString(json.refresh_token) && typeof access === 'object' && access !== null && isNonEmptyString(access.access_token)
          ? { accessToken: access.access_token, refreshToken: json.refresh_token }
          : undefined
      }),

    logout: async (refreshToken) => {
      try {
        const answer = await transport.request({ method: 'POST', path: '/api/backend/v1/logout', body: { refresh_token: refreshToken }, retry: false, secrets: [refreshToken] })
        return { ok: answer.status < 300, status: answer.status }
      } catch {
        return { ok: false }
      }
    },

    userinfo: async (accessToken) => {
      const ends = deadline(new AbortController().signal, timeout)
      try {
        const response = await fetch(transport.url('/propelauth/oauth/userinfo'), {
          headers: { authorization: `Bearer ${accessToken}` },
          redirect: 'manual',
          signal: ends.signal
        })
        const text = await response.text()
        if (response.status >= 500 || (response.status >= 300 && response.status < 400)) return unavailable(new Error(`GET /propelauth/oauth/userinfo answered ${response.status}`))
        if (response.status >= 400) return { kind: 'refused', status: response.status }
        const userinfo = parseJson(text)
        return userinfo === undefined ? unavailable(new Error('GET /propelauth/oauth/userinfo answered with no JSON')) : { kind: 'userinfo', userinfo }
      } catch (error) {
        // The platform's error may quote the request; only its name is kept.
        return unavailable(new Error(`GET /propelauth/oauth/userinfo failed: ${error instanceof Error ? error.name : 'error'}`))
      } finally {
        ends.clear()
      }
    }
  }
}
