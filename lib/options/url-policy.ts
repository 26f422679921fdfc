import { describeValue, invalidOption } from './option-checks.js'

// The plain-HTTP rule, for every URL this plugin calls or trusts (the auth URL,
// the backend API base URL). Over plain HTTP anyone on the network path can read
// the integration key from the `Authorization` header and can answer in
// PropelAuth's place: serve a verifier key of their own (and so sign any token
// they like) or call every end-user API key valid. On loopback there is no such
// path, which is what local development and tests use (the stand-in, a mock
// backend). Anywhere else plain HTTP must be asked for explicitly, and is
// reported when it is.

/**
 * Loopback hosts, as the WHATWG URL parser writes them in `url.hostname`:
 * `localhost`, any address of 127.0.0.0/8 (the parser has already turned
 * shorthand forms such as `127.1` or `2130706433` into dotted quads), and `[::1]`.
 */
export function isLoopbackHostname (hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

type PlainHttpVerdict =
  /** https, or http on loopback. */
  | { allowed: true, warning?: undefined }
  /** http elsewhere, allowed by `allowInsecureHttp: true`: say so once, at registration. */
  | { allowed: true, warning: string }
  /** http elsewhere, not allowed: refuse the option with this reason. */
  | { allowed: false, reason: string }

/**
 * Applies the rule to the URL given as option `name`. Messages show `shown`,
 * by default the URL's origin (a path or query could hold anything); a caller
 * that must keep a secret out of them passes its own description.
 */
export function checkPlainHttp (name: string, url: URL, allowInsecureHttp: boolean, shown = url.origin): PlainHttpVerdict {
  if (url.protocol !== 'http:' || isLoopbackHostname(url.hostname)) return { allowed: true }
  if (allowInsecureHttp) {
    return {
      allowed: true,
      warning: `fastify-propelauth: option \`${name}\` is plain HTTP (${shown}), allowed by \`allowInsecureHttp\`: the integration API key and PropelAuth's answers cross the network unencrypted, and whoever is on the path can read the key and answer in PropelAuth's place`
    }
  }
  return {
    allowed: false,
    reason: `option \`${name}\` must use https (got ${shown}); plain http is accepted only on loopback (localhost, 127.0.0.0/8, [::1]), or elsewhere with \`allowInsecureHttp: true\` on a network you trust`
  }
}

export interface UrlRules {
  secret: string | undefined
  allowInsecureHttp: boolean
  warnings: string[]
}

/** Reads the URL option `name`: absolute, http or https, no credentials, and the plain-HTTP rule above. */
export function parseHttpUrl (name: string, value: unknown, example: string, rules: UrlRules): URL {
  const { secret } = rules
  if (typeof value !== 'string' || value.trim() === '') {
    invalidOption(`option \`${name}\` is required: the URL of ${example} (got ${describeValue(value, secret)})`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    invalidOption(`option \`${name}\` must be an absolute URL such as ${example} (got ${describeValue(value, secret)})`)
  }
  // Checked first, so that no later message prints the credentials.
  if (url.username !== '' || url.password !== '') {
    invalidOption(`option \`${name}\` must not contain credentials`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    invalidOption(`option \`${name}\` must be an http or https URL such as ${example} (got ${describeValue(value, secret)})`)
  }
  const verdict = checkPlainHttp(name, url, rules.allowInsecureHttp, describeValue(url.origin, secret))
  if (!verdict.allowed) invalidOption(verdict.reason)
  if (verdict.warning !== undefined) rules.warnings.push(verdict.warning)
  return url
}
