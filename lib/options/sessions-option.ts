import type { User } from '../token/user.js'
import { describeValue, invalidOption, rejectUnknownKeys } from './option-checks.js'
import { checkPlainHttp, isLoopbackHostname } from './url-policy.js'
import { isPlainObject } from '../util/is-plain-object.js'

// The option `sessions`: server-run sign-in, PropelAuth's server-side login
// protocol as routes of the app (lib/sessions).

/** Server-run sign-in: the auth routes, sessions in HttpOnly cookies, refreshed on the server. */
export interface SessionsOptions {
  /**
   * The absolute URL of the callback route, exactly as registered in PropelAuth's
   * dashboard, e.g. `https://app.example.com/api/auth/callback`. Its path must be
   * the `prefix` followed by `/callback`.
   */
  redirectUri: string
  /** Where the auth routes mount. Default `/api/auth`: PropelAuth's paths, so a dashboard set up for Next.js works unchanged. */
  prefix?: string | undefined
  /**
   * Picks the active org at sign-in when the browser has none that the user is
   * still a member of: an org ID of the user's, or undefined for none.
   */
  defaultActiveOrg?: ((user: User) => string | undefined) | undefined
  /** Whether `GET {prefix}/userinfo` hands out the raw access token, for a frontend that calls other APIs with it. Default false. */
  exposeAccessToken?: boolean | undefined
  /** Where a browser lands after signing in with no return path, and after logging out. Default `/`. */
  homePath?: string | undefined
}

export interface ResolvedSessions {
  redirectUri: string
  prefix: string
  defaultActiveOrg: ((user: User) => string | undefined) | undefined
  exposeAccessToken: boolean
  homePath: string
  /** Whether the cookies are `Secure`: all but an app on plain-http loopback. */
  secureCookies: boolean
}

const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/

function resolvePath (name: string, value: unknown, fallback: string, example: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !PATH.test(value) || value.includes('//') || (value.length > 1 && value.endsWith('/'))) {
    invalidOption(`option \`${name}\` must be a path such as "${example}", starting with "/" and not ending with one (got ${describeValue(value)})`)
  }
  return value
}

/** Checks the option `sessions`; undefined when it is not given. */
export function resolveSessions (value: unknown, allowInsecureHttp: boolean, warnings: string[]): ResolvedSessions | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) invalidOption('option `sessions` must be an object such as { redirectUri: \'https://app.example.com/api/auth/callback\' }')
  rejectUnknownKeys(value, ['redirectUri', 'prefix', 'defaultActiveOrg', 'exposeAccessToken', 'homePath'], 'sessions')
  const prefix = resolvePath('sessions.prefix', value.prefix, '/api/auth', '/api/auth')
  if (prefix === '/') invalidOption('option `sessions.prefix` must not be "/": the auth routes need a path of their own, such as "/api/auth"')
  const callback = `${prefix}/callback`

  let redirectUri: URL | undefined
  try {
    redirectUri = typeof value.redirectUri === 'string' ? new URL(value.redirectUri) : undefined
  } catch {}
  if (redirectUri === undefined || (redirectUri.protocol !== 'https:' && redirectUri.protocol !== 'http:')) {
    invalidOption(`option \`sessions.redirectUri\` must be the absolute URL of the callback as registered in PropelAuth, such as "https://app.example.com${callback}" (got ${describeValue(value.redirectUri)})`)
  }
  if (redirectUri.pathname !== callback || redirectUri.search !== '' || redirectUri.hash !== '') {
    invalidOption(`option \`sessions.redirectUri\` must end in the callback route, ${callback}, with no query: "${redirectUri.origin}${callback}" (got a path of ${describeValue(redirectUri.pathname)}); or set \`sessions.prefix\``)
  }
  const plainHttp = checkPlainHttp('sessions.redirectUri', redirectUri, allowInsecureHttp)
  if (!plainHttp.allowed) invalidOption(plainHttp.reason)
  if (plainHttp.warning !== undefined) warnings.push(plainHttp.warning)

  if (value.defaultActiveOrg !== undefined && typeof value.defaultActiveOrg !== 'function') {
    invalidOption(`option \`sessions.defaultActiveOrg\` must be a function of the user returning an org ID or undefined (got ${describeValue(value.defaultActiveOrg)})`)
  }
  if (value.exposeAccessToken !== undefined && typeof value.exposeAccessToken !== 'boolean') {
    invalidOption(`option \`sessions.exposeAccessToken\` must be a boolean (got ${describeValue(value.exposeAccessToken)})`)
  }
  return {
    redirectUri: redirectUri.href,
    prefix,
    defaultActiveOrg: value.defaultActiveOrg as ResolvedSessions['defaultActiveOrg'],
    exposeAccessToken: value.exposeAccessToken === true,
    homePath: resolvePath('sessions.homePath', value.homePath, '/', '/'),
    secureCookies: !(redirectUri.protocol === 'http:' && isLoopbackHostname(redirectUri.hostname))
  }
}
