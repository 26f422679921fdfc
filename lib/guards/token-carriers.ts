import type { ResolvedSource, ResolvedTokenFrom } from '../sources/token-from.js'
import type { GuardInfo, TokenCarrier } from './guard-tag.js'

// What a guard's tag says of its token sources, and what a request that carries
// no token is told to send. Worked out once, when the guards are made: the
// OpenAPI annotation reads the first from the tag, and the 401 of a missing
// token carries the second, so the document and the answer say the same.

/** The carriers of a guard whose tag names none: the `Authorization` header, as the API-key guards read it. */
const HEADER_ONLY: readonly TokenCarrier[] = Object.freeze([Object.freeze({ kind: 'authorization' as const })])

function carrierOf (source: ResolvedSource): TokenCarrier {
  switch (source.kind) {
    case 'authorization': return { kind: 'authorization' }
    case 'cookie': return { kind: 'cookie', name: source.cookie.name, crossSite: source.cookie.checkCrossSite }
    case 'query': return { kind: 'query', name: source.name }
    case 'subprotocol': return { kind: 'subprotocol', marker: source.marker }
    case 'function':
      if (source.session === true) return { kind: 'session' }
      return { kind: 'function', crossSite: source.crossSite?.checkCrossSite === true }
  }
}

/** The carriers of resolved sources, in the order they are tried. */
export function carriersOf (sources: ResolvedTokenFrom): readonly TokenCarrier[] {
  return Object.freeze(sources.map((source) => Object.freeze(carrierOf(source))))
}

/** Where `guard` takes the token from. */
export function carriersOfGuard (guard: GuardInfo): readonly TokenCarrier[] {
  return guard.carriers ?? HEADER_ONLY
}

/** Whether every carrier is the `Authorization` header: the default, answered with MissingTokenError as it is. */
export function isHeaderOnly (carriers: readonly TokenCarrier[]): boolean {
  return carriers.every((carrier) => carrier.kind === 'authorization')
}

function whatToSend (carrier: TokenCarrier): string {
  switch (carrier.kind) {
    case 'authorization': return '"Authorization: Bearer <access token>"'
    case 'cookie': return `the ${JSON.stringify(carrier.name)} cookie`
    case 'query': return `the ${JSON.stringify(carrier.name)} query parameter on a WebSocket upgrade`
    case 'subprotocol': return `"Sec-WebSocket-Protocol: ${carrier.marker}, <access token>" on a WebSocket upgrade`
    case 'function': return "the access token where this app's tokenFrom function reads it"
    case 'session': return 'the session cookies of server-run sign-in (sign in first)'
  }
}

/**
 * The message of FST_PROPELAUTH_MISSING_TOKEN for a guard reading `carriers`:
 * where to send the token, each carrier in order, from the configuration alone
 * (names of cookies, parameters and subprotocols), never from a request.
 * Undefined for the header alone, whose message is MissingTokenError's own.
 */
export function missingTokenMessage (carriers: readonly TokenCarrier[]): string | undefined {
  if (isHeaderOnly(carriers)) return undefined
  const each = [...new Set(carriers.map(whatToSend))]
  return `Missing access token: send ${each.length > 1 ? `${each.slice(0, -1).join(', ')} or ${each[each.length - 1]}` : each[0]}`
}
