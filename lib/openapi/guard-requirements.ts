import type { GuardInfo, TokenCarrier } from '../guards/guard-tag.js'
import { carriersOfGuard, missingTokenMessage } from '../guards/token-carriers.js'
import { allOf, outcomeOf, type Outcome, type Requirement } from '../route-policy/composition.js'
import type { Annotation, GuardStatus, SecurityRequirement, UnauthorizedVariant } from './annotation.js'
import { describeCarrier, schemeNameOf } from './carrier-schemes.js'

// What the guards of one route require and can answer, worked out once when the
// route is declared and noted on its schema as plain JSON, in no document format.

type RouteSchema = Record<string, unknown> | undefined
type Refusal = Outcome['refusal']

/** What the annotation needs to know of the route itself. */
export interface RouteFacts {
  /** Its methods, lowercase, as a document keys its operations. */
  methods: readonly string[]
  /** Whether it serves WebSocket upgrades besides plain requests (@fastify/websocket's `wsHandler`). */
  upgrades: boolean
}

/** The annotation of a route its guards protect. */
export function annotationFor (guards: GuardInfo[], schema: RouteSchema, schemeName: string, route: RouteFacts): Annotation {
  // Every guard of a route runs: together they are one AND.
  const { security: requirements, refusal } = allOf(guards.map(outcomeOf))
  const refusing = refusal?.guards ?? []
  const annotation: Annotation = {
    security: declaresOwnSecurity(schema) ? null : securityOf(requirements, schemeName),
    statuses: statusesOf(refusal),
    requirement: requirementOf(guards),
    unauthorized: [...new Set(refusing.map(unauthorizedVariantOf))]
  }
  // The first guard to refuse answers a request that carries nothing.
  const missingTokenMessage = missingTokenMessageOf(refusing[0])
  if (missingTokenMessage !== undefined) annotation.missingTokenMessage = missingTokenMessage
  const crossSiteOn = crossSiteMethods(refusing, route)
  if (crossSiteOn.length > 0) annotation.crossSiteOn = crossSiteOn
  const foreignSchemes = [...new Set(requirements.flatMap((requirement) => requirement.filter((credential): credential is string => typeof credential === 'string')))]
  if (foreignSchemes.length > 0) annotation.foreign = { schemes: foreignSchemes, refusing: refusal?.foreign ?? [] }
  return annotation
}

/** The annotation of a route that opts out of deny by default: documented as needing no credentials. */
export function publicAnnotation (schema: RouteSchema): Annotation {
  return { security: declaresOwnSecurity(schema) ? null : [], statuses: [], requirement: '', unauthorized: [] }
}

/** A route that declares its own `security` keeps it: the guards only add their responses. */
function declaresOwnSecurity (schema: RouteSchema): boolean {
  return schema?.security !== undefined
}

/**
 * The requirements as OpenAPI writes them, each source under its scheme's name.
 * A source no scheme can name (a WebSocket subprotocol, the app's function) is
 * left to the description; a requirement of such sources alone is left out, as
 * it is no anonymous access, and when nothing is left the route gets no
 * `security` rather than a wrong one.
 */
function securityOf (requirements: Requirement[], schemeName: string): SecurityRequirement[] | null {
  const written = new Map<string, SecurityRequirement>()
  for (const requirement of requirements) {
    const names = [...new Set(requirement.flatMap((credential) => {
      const name = typeof credential === 'string' ? credential : schemeNameOf(credential, schemeName)
      return name === undefined ? [] : [name]
    }))]
    if (names.length === 0 && requirement.length > 0) continue
    const key = [...names].sort().join('\n')
    // An empty requirement says that anonymous calls are allowed too.
    if (!written.has(key)) written.set(key, Object.fromEntries(names.map((name) => [name, []])))
  }
  return written.size === 0 ? null : [...written.values()]
}

/** 401 when any guard can refuse, 403 too when an org guard can; then what some guard declares besides. */
function statusesOf (refusal: Refusal): GuardStatus[] {
  const refusing = refusal?.guards ?? []
  const statuses: GuardStatus[] = refusing.some((guard) => guard.kind === 'org')
    ? ['401', '403']
    : refusal !== undefined ? ['401'] : []
  // The API-key guards' 429, 502 and 503, once each, in order.
  const extra = new Set(refusing.flatMap((guard) => guard.extraStatuses ?? []))
  statuses.push(...[...extra].filter((status) => !statuses.includes(status)).sort())
  return statuses
}

/** Which 401s `guard` sends: an access-token guard that never reads the header cannot find it malformed. */
function unauthorizedVariantOf (guard: GuardInfo): UnauthorizedVariant {
  if (guard.unauthorized !== undefined) return guard.unauthorized
  return carriersOfGuard(guard).some((carrier) => carrier.kind === 'authorization') ? 'access-token' : 'access-token-without-header'
}

/** The message of FST_PROPELAUTH_MISSING_TOKEN that `guard` sends, when it is not the header's. */
function missingTokenMessageOf (guard: GuardInfo | undefined): string | undefined {
  return guard === undefined || guard.unauthorized !== undefined ? undefined : missingTokenMessage(carriersOfGuard(guard))
}

const SAFE_METHODS = new Set(['get', 'head', 'options'])

/**
 * The operations (by lowercase method, as a document keys them) that can be
 * refused with 403 FST_PROPELAUTH_CROSS_SITE_REQUEST: those with an unsafe
 * method, and a WebSocket route's GET (an upgrade is judged by its `Origin`),
 * when a refusing guard reads a token that rides on a cookie.
 */
function crossSiteMethods (refusing: GuardInfo[], route: RouteFacts): string[] {
  const checked = refusing.some((guard) => carriersOfGuard(guard).some(checksCrossSite))
  if (!checked) return []
  return route.methods.filter((method) => !SAFE_METHODS.has(method) || (method === 'get' && route.upgrades))
}

function checksCrossSite (carrier: TokenCarrier): boolean {
  return carrier.kind === 'session' || ((carrier.kind === 'cookie' || carrier.kind === 'function') && carrier.crossSite)
}

/** Where the guards of `guards` (those inside compositions included) read the token: each guard's sources, `or` between them. */
function whereRead (guards: readonly GuardInfo[]): string {
  const each = guards.map((guard) => either([...new Set(carriersOfGuard(guard).map(describeCarrier))]))
  return [...new Set(each)].join(', and ')
}

/** The guards of this plugin that `guard` runs: itself, or the members of its composition. */
function leavesOf (guard: GuardInfo): GuardInfo[] {
  const members = guard.composition?.members
  if (members === undefined) return [guard]
  return members.flatMap((member) => 'scheme' in member ? [] : leavesOf(member))
}

/** The sentence that tells a reader of the document what the route requires. */
function requirementOf (guards: GuardInfo[]): string {
  const composed = guards.some((guard) => guard.composition !== undefined)
  const enforced = guards.filter((guard) => outcomeOf(guard).refusal !== undefined)
  if (enforced.length === 0) {
    return `Authentication is optional: with a valid PropelAuth access token (${whereRead(guards.flatMap(leavesOf))}) the request is made as that user, without one it is anonymous.`
  }
  if (composed) {
    // Every place any guard of ours reads, whatever the relation: the requirement above says which go together.
    const places = [...new Set(enforced.flatMap(leavesOf).flatMap(carriersOfGuard).map(describeCarrier))]
    const credentials = places.length === 0 ? '' : ` PropelAuth credentials go in ${either(places)}.`
    return `Requires ${enforced.map((guard) => guard.composition !== undefined ? guard.requirement : `a ${guard.requirement}`).join(', and ')}.${credentials}`
  }
  // An org requirement implies a signed-in user: say only the stronger one.
  const org = enforced.filter((guard) => guard.kind === 'org')
  const said = org.length > 0 ? org : enforced
  return `Requires ${[...new Set(said.map((guard) => `a ${guard.requirement}`))].join(', and ')} (${whereRead(enforced)}).`
}

/** `a, b or c`. */
function either (items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}` : items.join('')
}
