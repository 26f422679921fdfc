import { SESSION_SCHEME_NAME, type GuardInfo } from '../guards/guard-tag.js'
import { allOf, outcomeOf, type Outcome, type Requirement } from '../route-policy/composition.js'
import type { Annotation, GuardStatus, SecurityRequirement, UnauthorizedVariant } from './annotation.js'

// What the guards of one route require and can answer, worked out once when the
// route is declared and noted on its schema as plain JSON, in no document format.

type RouteSchema = Record<string, unknown> | undefined
type Refusal = Outcome['refusal']

/** The annotation of a route its guards protect. */
export function annotationFor (guards: GuardInfo[], schema: RouteSchema, schemeName: string): Annotation {
  // Every guard of a route runs: together they are one AND.
  const { security: requirements, refusal } = allOf(guards.map(outcomeOf))
  const refusing = refusal?.guards ?? []
  const annotation: Annotation = {
    security: declaresOwnSecurity(schema) ? null : securityOf(requirements, schemeName),
    statuses: statusesOf(refusal),
    requirement: requirementOf(guards),
    unauthorized: [...new Set(refusing.map((guard): UnauthorizedVariant => guard.unauthorized ?? 'access-token'))]
  }
  const foreignSchemes = [...new Set(requirements.flatMap((requirement) => requirement.filter((name): name is string => name !== null && name !== SESSION_SCHEME_NAME)))]
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

/** The requirements as OpenAPI writes them, this plugin's scheme under the name the app chose. */
function securityOf (requirements: Requirement[], schemeName: string): SecurityRequirement[] {
  // An empty requirement says that anonymous calls are allowed too.
  return requirements.map((requirement) => Object.fromEntries(requirement.map((name) => [name ?? schemeName, []])))
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

/** The sentence that tells a reader of the document what the route requires. */
function requirementOf (guards: GuardInfo[]): string {
  const composed = guards.some((guard) => guard.composition !== undefined)
  const enforced = guards.filter((guard) => outcomeOf(guard).refusal !== undefined)
  if (enforced.length === 0) {
    return 'Authentication is optional: with a valid PropelAuth access token the request is made as that user, without one it is anonymous.'
  }
  if (composed) {
    return `Requires ${enforced.map((guard) => guard.composition !== undefined ? guard.requirement : `a ${guard.requirement}`).join(', and ')}. PropelAuth credentials go in \`Authorization: Bearer …\`.`
  }
  // An org requirement implies a signed-in user: say only the stronger one.
  const org = enforced.filter((guard) => guard.kind === 'org')
  const said = org.length > 0 ? org : enforced
  const carrier = enforced.every((guard) => guard.readsSession === true) ? 'the session cookies of server-run sign-in' : '`Authorization: Bearer …`'
  return `Requires ${[...new Set(said.map((guard) => `a ${guard.requirement}`))].join(', and ')} (${carrier}).`
}
