import { invalidOption, rejectUnknownKeys } from '../options/option-checks.js'
import { quoted } from '../token/rejection.js'
import { isPlainObject } from '../util/is-plain-object.js'
import { SESSION_CROSS_SITE_RULE, sessionAccessTokenOf } from './session-token.js'
import type { CrossSiteRule, ResolvedSource, TokenFunction } from './token-from.js'

const SESSION_SOURCE: ResolvedSource = Object.freeze({ kind: 'function', read: sessionAccessTokenOf, crossSite: SESSION_CROSS_SITE_RULE, session: true })

// Checks a `tokenFrom` value, given as the plugin option or to `app.auth.from(…)`,
// once, where it is given: the guards then read resolved sources only.

const SOURCE_SHAPES = "'authorization', 'session', { cookie }, { query }, { subprotocol }, a function of the request or { from: function, crossSite }"

/** RFC 6265 cookie names and RFC 9110 tokens (subprotocols) share this alphabet. */
const TOKEN_CHARS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** `path` is where the value was given: `tokenFrom[1].cookie` for the plugin option, `from(tokenFrom).cookie` for a guard set. */
function invalid (path: string, message: string): never {
  invalidOption(`${path.startsWith('from(') ? '' : 'option '}\`${path}\` ${message}`)
}

/** The cross-site members shared by `{ cookie }` and `{ from }`: `crossSite` and `trustedOrigins`. */
function resolveCrossSite (where: string, value: Record<string, unknown>, carrier: string): CrossSiteRule {
  const { crossSite = 'refuse', trustedOrigins = [] } = value
  if (crossSite !== 'refuse' && crossSite !== 'allow') invalid(`${where}.crossSite`, "must be 'refuse' (the default) or 'allow'")
  if (!Array.isArray(trustedOrigins)) invalid(`${where}.trustedOrigins`, 'must be an array of origins such as "https://app.example.com"')
  const origins = new Set<string>()
  for (const origin of trustedOrigins) {
    let parsed: URL | undefined
    try {
      parsed = typeof origin === 'string' ? new URL(origin) : undefined
    } catch {}
    if (parsed === undefined || parsed.origin !== origin) {
      invalid(`${where}.trustedOrigins`, `must hold origins exactly as browsers send them, scheme and host with no path or trailing slash, such as "https://app.example.com" (got ${typeof origin === 'string' ? quoted(origin) : typeof origin})`)
    }
    origins.add(origin)
  }
  return { checkCrossSite: crossSite === 'refuse', trustedOrigins: origins, carrier }
}

function resolveCookie (where: string, value: Record<string, unknown>): ResolvedSource {
  rejectUnknownKeys(value, ['cookie', 'crossSite', 'trustedOrigins'], where)
  const { cookie } = value
  if (typeof cookie !== 'string' || !TOKEN_CHARS.test(cookie)) invalid(`${where}.cookie`, 'must be a cookie name such as "__pa_at"')
  return { kind: 'cookie', cookie: { name: cookie, ...resolveCrossSite(where, value, `the \`${cookie}\` cookie`) } }
}

function resolveFunction (where: string, value: Record<string, unknown>): ResolvedSource {
  rejectUnknownKeys(value, ['from', 'crossSite', 'trustedOrigins'], where)
  if (typeof value.from !== 'function') invalid(`${where}.from`, 'must be a function of the request returning the token, or undefined')
  return { kind: 'function', read: value.from as TokenFunction, crossSite: resolveCrossSite(where, value, 'a cookie read by the tokenFrom function') }
}

function resolveSource (where: string, value: unknown): ResolvedSource {
  if (value === 'authorization') return { kind: 'authorization' }
  if (value === 'session') return SESSION_SOURCE
  if (typeof value === 'function') return { kind: 'function', read: value as TokenFunction }
  if (!isPlainObject(value)) {
    invalid(where, `must be ${SOURCE_SHAPES} (got ${typeof value === 'string' ? quoted(value) : value === null ? 'null' : typeof value})`)
  }
  const source = value
  if ('cookie' in source) return resolveCookie(where, source)
  if ('from' in source) return resolveFunction(where, source)
  if ('query' in source) {
    rejectUnknownKeys(source, ['query'], where)
    if (typeof source.query !== 'string' || source.query === '') invalid(`${where}.query`, 'must be a query parameter name such as "access_token"')
    return { kind: 'query', name: source.query }
  }
  if ('subprotocol' in source) {
    rejectUnknownKeys(source, ['subprotocol'], where)
    if (typeof source.subprotocol !== 'string' || !TOKEN_CHARS.test(source.subprotocol)) {
      invalid(`${where}.subprotocol`, 'must be a WebSocket subprotocol name such as "access_token"')
    }
    return { kind: 'subprotocol', marker: source.subprotocol }
  }
  invalid(where, `must be ${SOURCE_SHAPES} (got an object with ${Object.keys(source).map((key) => `\`${key}\``).join(', ') || 'no members'})`)
}

/** Whether any of the sources is the session of server-run sign-in. */
export function readsSession (sources: readonly ResolvedSource[]): boolean {
  return sources.some((source) => source.kind === 'function' && source.session === true)
}

/** Checks a `tokenFrom` value; `where` names it in the error: `tokenFrom`, or `from(tokenFrom)`. */
export function resolveTokenFrom (where: string, value: unknown): readonly ResolvedSource[] {
  if (!Array.isArray(value)) return [resolveSource(where, value)]
  if (value.length === 0) invalid(where, `must name at least one source: ${SOURCE_SHAPES}`)
  return value.map((item, i) => resolveSource(`${where}[${i}]`, item))
}
