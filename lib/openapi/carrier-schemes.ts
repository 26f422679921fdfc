import { SESSION_SCHEME_NAME, type TokenCarrier } from '../guards/guard-tag.js'

// How a document shows where a guard reads the token: the security scheme it
// names, and the words of the route's description. The header is the bearer
// scheme the app named (option `openapi.securitySchemeName`) and the session
// `propelauthSession`; a cookie or a query parameter gets a scheme per name,
// since an `apiKey` scheme holds one name. A WebSocket subprotocol or the app's
// own function fit no scheme of OpenAPI: the description alone says them.

const COOKIE_PREFIX = 'propelauthCookie'
const QUERY_PREFIX = 'propelauthQuery'

/** What OpenAPI 3 allows in the name of a component. */
const COMPONENT_NAME = /^[\w.-]+$/

/**
 * `propelauthCookie.__pa_at` for the cookie `__pa_at`. A name with characters
 * a component name cannot hold is written in hex under a prefix of its own
 * (`propelauthCookieHex.…`), so that no two names share a scheme.
 */
function schemeName (prefix: string, name: string): string {
  return COMPONENT_NAME.test(name) ? `${prefix}.${name}` : `${prefix}Hex.${Buffer.from(name).toString('hex')}`
}

/** The scheme that stands for `carrier` in `security`; undefined when no scheme can. */
export function schemeNameOf (carrier: TokenCarrier, bearerSchemeName: string): string | undefined {
  switch (carrier.kind) {
    case 'authorization': return bearerSchemeName
    case 'session': return SESSION_SCHEME_NAME
    case 'cookie': return schemeName(COOKIE_PREFIX, carrier.name)
    case 'query': return schemeName(QUERY_PREFIX, carrier.name)
    default: return undefined
  }
}

/** A scheme of ours that is not the bearer one, as its name says. */
export type CarrierScheme = { in: 'session' } | { in: 'cookie' | 'query', name: string }

/** What the scheme named `name` stands for; undefined for any other name, the bearer scheme's among them. */
export function carrierSchemeNamed (name: string): CarrierScheme | undefined {
  if (name === SESSION_SCHEME_NAME) return { in: 'session' }
  for (const [prefix, where] of [[COOKIE_PREFIX, 'cookie'], [QUERY_PREFIX, 'query']] as const) {
    if (name.startsWith(`${prefix}.`)) return { in: where, name: name.slice(prefix.length + 1) }
    if (name.startsWith(`${prefix}Hex.`)) return { in: where, name: Buffer.from(name.slice(prefix.length + 4), 'hex').toString() }
  }
  return undefined
}

/** Where `carrier` is, in the words of a route's description (Markdown). */
export function describeCarrier (carrier: TokenCarrier): string {
  switch (carrier.kind) {
    case 'authorization': return '`Authorization: Bearer …`'
    case 'cookie': return `the cookie \`${carrier.name}\``
    case 'query': return `the query parameter \`${carrier.name}\` of a WebSocket upgrade`
    case 'subprotocol': return `the WebSocket subprotocol \`${carrier.marker}\`: \`Sec-WebSocket-Protocol: ${carrier.marker}, <token>\` on the upgrade`
    case 'function': return carrier.crossSite ? 'a cookie the app reads with its own function' : 'a token the app reads with its own function'
    case 'session': return 'the session cookies of server-run sign-in'
  }
}
