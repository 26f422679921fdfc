// Which web origins may use the auth URL from a browser. PropelAuth configures
// this per project (the dashboard's Frontend Integration): the application's
// URL, and in test environments any localhost port. The same list decides
// which `rt` return URLs the hosted pages follow, so a link to the stand-in's
// login page cannot send a user on to another site.

const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Whether `origin` is http(s) on a loopback host name, any port. */
export function isLoopbackOrigin (origin: string): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTNAMES.has(url.hostname) && url.origin === origin
}

/**
 * Checks the `allowedOrigins` option: each entry must be an origin exactly as
 * browsers send it in `Origin` (scheme, host, port if not the default; no
 * path, no trailing slash). Throws a message naming the entry (`nameOf`) and the fix.
 */
export function checkAllowedOrigins (origins: unknown, nameOf: (index: number) => string = (index) => `stand-in option allowedOrigins[${index}]`): string[] {
  if (origins === undefined) return []
  if (!Array.isArray(origins)) throw new TypeError('stand-in option allowedOrigins must be a list of origins, e.g. [\'https://app.example.com\']')
  return origins.map((origin, index) => {
    const where = nameOf(index)
    if (typeof origin !== 'string') throw new TypeError(`${where} must be a string such as 'https://app.example.com'`)
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new TypeError(`${where} is not a URL: ${JSON.stringify(origin)}; give an origin such as 'https://app.example.com'`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${where} must be an http or https origin, not ${JSON.stringify(origin)}`)
    if (url.origin !== origin) throw new TypeError(`${where} must be an origin as browsers send it, ${JSON.stringify(url.origin)}, not ${JSON.stringify(origin)} (no path, no trailing slash)`)
    return origin
  })
}

/** The project's browser origins: loopback, the auth URL's own, and the listed ones. */
export class OriginPolicy {
  readonly #listed: ReadonlySet<string>
  readonly #ownOrigins: () => readonly string[]

  /** `ownOrigins`: where the stand-in itself is reached (read late: the port is known after listen). */
  constructor (allowedOrigins: readonly string[], ownOrigins: () => readonly string[]) {
    this.#listed = new Set(allowedOrigins)
    this.#ownOrigins = ownOrigins
  }

  allows (origin: string): boolean {
    return isLoopbackOrigin(origin) || this.#listed.has(origin) || this.#ownOrigins().includes(origin)
  }

  /** For messages: what is allowed, and how to allow more. */
  describe (): string {
    const listed = [...this.#listed]
    return `allowed: any http(s) origin on localhost, 127.0.0.1 or [::1]${listed.length > 0 ? `, and ${listed.join(', ')}` : ''} (start the stand-in with allowedOrigins to add others)`
  }
}

/** Longest `rt` accepted: a return URL is short; anything longer is refused rather than decoded. */
const MAX_RETURN_URL_PARAM = 4096
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

export type ReturnUrl =
  | { ok: true, url: string | undefined }
  | { ok: false, problem: string }

/**
 * Reads the `rt` parameter of a hosted page: PropelAuth's browser client puts
 * the URL to come back to there, base64-encoded with `btoa`. Absent or empty
 * means "no return URL". Anything that is not base64 of an absolute http(s)
 * URL on an allowed origin is refused with the reason.
 */
export function readReturnUrl (rt: unknown, policy: OriginPolicy): ReturnUrl {
  if (rt === undefined || rt === '') return { ok: true, url: undefined }
  if (typeof rt !== 'string') return { ok: false, problem: 'The return URL (rt) was given more than once.' }
  if (rt.length > MAX_RETURN_URL_PARAM) return { ok: false, problem: 'The return URL (rt) is too long.' }
  // A `+` of base64 arrives as a space when a link left it unescaped.
  const encoded = rt.replaceAll(' ', '+')
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) return { ok: false, problem: 'The return URL (rt) is not base64: it must be btoa() of a URL.' }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  let url: URL
  try {
    url = new URL(decoded)
  } catch {
    return { ok: false, problem: 'The return URL (rt) does not decode to an absolute URL.' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'The return URL (rt) must be an http or https URL.' }
  if (!policy.allows(url.origin)) {
    return { ok: false, problem: `The return URL (rt) goes to ${url.origin}, which this project does not allow: ${policy.describe()}.` }
  }
  return { ok: true, url: url.href }
}
