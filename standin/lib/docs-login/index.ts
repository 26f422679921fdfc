// `fastify-propelauth-standin/docs-login`: an app's own API docs (Swagger UI,
// Scalar) sign in as a user of the stand-in, with its OAuth2 password login.
// An entry of its own so that an app loads only this, not the stand-in's server.
import { withPasswordScheme } from './password-scheme.js'
import { confirmStandIn, loopbackOrigin } from './stand-in-url.js'

/** Name of the password-flow scheme in the document, unless `schemeName` says otherwise. */
export const STAND_IN_LOGIN_SCHEME = 'standInLogin'

/** How long `standInDocsLogin` waits for the stand-in to answer, unless `timeoutMs` says otherwise. */
export const DEFAULT_DOCS_LOGIN_TIMEOUT_MS = 5_000

const DEFAULT_DESCRIPTION = 'Development only: sign in with the email and password of a user of the PropelAuth stand-in (leave client_id and client_secret empty). A user enrolled in MFA cannot sign in here: this form has no field for the code.'

export interface StandInDocsLoginOptions {
  /**
   * The stand-in's URL, on this machine: `standIn.authUrl` or
   * `standIn.apiBaseUrl`, or `PROPELAUTH_AUTH_URL` when it points at the
   * stand-in. Any other host is refused.
   */
  url: string | URL
  /** The plugin's bearer scheme, if renamed with its `openapi.securitySchemeName`. Default `'propelauth'`. */
  bearerScheme?: string | undefined
  /** The password scheme's name in the document. Default `'standInLogin'`. */
  schemeName?: string | undefined
  /** Shown with the scheme in the docs' sign-in form, e.g. which users to sign in as. */
  description?: string | undefined
  /** How long to wait for the stand-in to answer, in milliseconds. Default 5000. */
  timeoutMs?: number | undefined
}

export interface StandInDocsLogin {
  /** The password scheme's name in the document. */
  schemeName: string
  /** The stand-in's password login, where the docs page posts the form. */
  tokenUrl: string
  /**
   * A copy of an OpenAPI document with the password scheme, offered wherever
   * the bearer scheme is: @fastify/swagger-ui's `transformSpecification`, or
   * Scalar's `content: () => login.transformSpecification(app.swagger())`.
   * The document given is never changed.
   */
  transformSpecification: <T extends object>(document: T) => T
}

function nameOption (name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !/^[\w.-]+$/.test(value)) {
    throw new TypeError(`standInDocsLogin: ${name} must be a security scheme name (letters, digits, _, . and -), default '${fallback}', not ${JSON.stringify(value)}`)
  }
  return value
}

function timeoutOption (value: unknown): number {
  if (value === undefined) return DEFAULT_DOCS_LOGIN_TIMEOUT_MS
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`standInDocsLogin: timeoutMs must be a number of milliseconds > 0 (default ${DEFAULT_DOCS_LOGIN_TIMEOUT_MS}), not ${String(value)}`)
  }
  return value
}

/**
 * Makes an app's API docs offer the stand-in's password login (an OAuth2
 * password flow) beside the plugin's bearer scheme, so that a developer signs
 * in from the docs page as a seeded user instead of pasting a token.
 *
 * Refused, with what to fix, unless `url` is on loopback (localhost,
 * 127.0.0.1, [::1]) and the server there answers as the stand-in: a docs page
 * must never send real users' passwords anywhere. The stand-in is asked once,
 * here; it may still be starting, so it is asked again for up to `timeoutMs`.
 */
export async function standInDocsLogin (options: StandInDocsLoginOptions): Promise<StandInDocsLogin> {
  const origin = loopbackOrigin(options?.url)
  const schemeName = nameOption('schemeName', options.schemeName, STAND_IN_LOGIN_SCHEME)
  const bearerScheme = nameOption('bearerScheme', options.bearerScheme, 'propelauth')
  if (options.description !== undefined && typeof options.description !== 'string') {
    throw new TypeError(`standInDocsLogin: description must be text, not ${typeof options.description}`)
  }
  const description = options.description ?? DEFAULT_DESCRIPTION
  const tokenUrl = await confirmStandIn(origin, timeoutOption(options.timeoutMs))
  const settings = { schemeName, bearerScheme, tokenUrl, description }
  return {
    schemeName,
    tokenUrl,
    transformSpecification: <T extends object>(document: T): T => withPasswordScheme(document as Record<string, unknown>, settings) as T
  }
}
