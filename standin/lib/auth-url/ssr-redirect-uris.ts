// Where the server-side sign-in may send a browser back with a code. A code
// in the wrong hands is a session, so PropelAuth accepts only the redirect
// URIs the project registered, and so does the stand-in: compared exactly
// (scheme, host, port and path; no prefix, no other port), never followed
// when they do not match. As with browser origins, anything on loopback is
// allowed without registering it, for development.

const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The parts of a redirect URI that must match: scheme, host, port (explicit or not) and path. */
function matchKey (url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`
}

/** Parses a redirect URI; undefined when it is not an absolute http(s) URL without a fragment. */
function parseRedirectUri (value: string): URL | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.hash !== '' || value.includes('#')) return undefined
  if (url.username !== '' || url.password !== '') return undefined
  return url
}

/**
 * Checks the `redirectUris` option: absolute http(s) URLs without a fragment
 * or credentials, e.g. `https://app.example.test/api/auth/callback`. Throws a
 * message naming the entry (`nameOf`) and the fix.
 */
export function checkRedirectUris (uris: unknown, nameOf: (index: number) => string = (index) => `stand-in option redirectUris[${index}]`): string[] {
  if (uris === undefined) return []
  if (!Array.isArray(uris)) throw new TypeError('stand-in option redirectUris must be a list of URLs, e.g. [\'https://app.example.test/api/auth/callback\']')
  return uris.map((uri, index) => {
    const where = nameOf(index)
    if (typeof uri !== 'string' || parseRedirectUri(uri) === undefined) {
      throw new TypeError(`${where} must be an absolute http or https URL without a fragment, such as 'https://app.example.test/api/auth/callback', not ${JSON.stringify(uri)}`)
    }
    return uri
  })
}

export type RedirectUriCheck =
  | { ok: true, url: URL }
  | { ok: false, problem: string }

/** The redirect URIs of the project: any on loopback, and the registered ones. */
export class RedirectUriPolicy {
  readonly #registered: ReadonlySet<string>

  constructor (registered: readonly string[]) {
    this.#registered = new Set(registered.map((uri) => matchKey(parseRedirectUri(uri)!)))
  }

  check (value: unknown): RedirectUriCheck {
    if (typeof value !== 'string' || value === '') return { ok: false, problem: 'The redirect_uri parameter is missing or given more than once.' }
    const url = parseRedirectUri(value)
    if (url === undefined) return { ok: false, problem: 'The redirect_uri must be an absolute http or https URL without a fragment.' }
    if (LOOPBACK_HOSTNAMES.has(url.hostname) || this.#registered.has(matchKey(url))) return { ok: true, url }
    return { ok: false, problem: `The redirect_uri ${url.origin}${url.pathname} is not registered for this project: ${this.describe()}.` }
  }

  /** For messages: what is accepted, and how to accept more. */
  describe (): string {
    const listed = [...this.#registered]
    return `accepted: any http(s) URL on localhost, 127.0.0.1 or [::1]${listed.length > 0 ? `, and exactly ${listed.join(', ')}` : ''} (start the stand-in with redirectUris to register others)`
  }
}
