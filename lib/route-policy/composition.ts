import { guardInfoOf, tagGuard, type GuardInfo, type Member, type TokenCarrier } from '../guards/guard-tag.js'
import { carriersOfGuard } from '../guards/token-carriers.js'
import { invalidOption, rejectUnknownKeys } from '../options/option-checks.js'

// The guards are @fastify/auth strategies: `app.auth([app.propelAuth.requireUser, other])`
// runs them in OR (or AND) relations, and they fail with an error that carries
// their refusal (headers included) without touching the reply. What @fastify/auth
// returns is an opaque function, though: neither the OpenAPI annotation nor deny
// by default can see which guards it runs. `composed(hook, { anyOf | allOf })`
// names them, and tags the hook like one of our guards.

/** A guard of this plugin, or the name of another security scheme of the OpenAPI document (another strategy). */
export type Alternative = ((...args: never[]) => unknown) | string

/** What a hook composed with @fastify/auth runs, named for the OpenAPI document and deny by default. */
export type Composition =
  /** `relation: 'or'`: any one admits. An inner array is an AND group, as in @fastify/auth. */
  | { anyOf: ReadonlyArray<Alternative | readonly Alternative[]>, allOf?: never }
  /** `relation: 'and'`: all must admit. An inner array is an OR group, as in @fastify/auth. */
  | { allOf: ReadonlyArray<Alternative | readonly Alternative[]>, anyOf?: never }

export interface PropelAuthComposition {
  /**
   * Names what `hook` (made by @fastify/auth) runs, and returns it tagged: the
   * OpenAPI document then shows OR as separate security requirements and AND as
   * one, with the 401/403 that can come back; deny by default sees the route as
   * guarded. The alternatives are guards of this plugin and the names of other
   * security schemes. Name them in the order given to @fastify/auth.
   */
  composed: <Hook extends (...args: never[]) => unknown>(hook: Hook, composition: Composition) => Hook
}

const SCHEME_NAME = /^[\w.-]+$/

const COMPOSED = 'composed(hook, { anyOf | allOf })'

function invalid (message: string): never {
  invalidOption(`${COMPOSED} ${message}`)
}

function member (value: unknown, where: string): Member {
  if (typeof value === 'string') {
    if (!SCHEME_NAME.test(value)) invalid(`expects the security scheme names in ${where} to match /^[\\w.-]+$/ (got ${JSON.stringify(value.slice(0, 60))})`)
    return { scheme: value }
  }
  const info = guardInfoOf(value)
  if (info === undefined) {
    invalid(`expects ${where} to hold guards of this plugin (app.auth.requireUser, …) or names of other security schemes (strings); a strategy of your own is named by its scheme`)
  }
  return info
}

function group (relation: 'or' | 'and', values: readonly unknown[], where: string, nested: boolean): GuardInfo {
  if (!Array.isArray(values) || values.length === 0) invalid(`expects ${where} to be a non-empty array`)
  const members = values.map((value, i): Member => {
    if (!Array.isArray(value)) return member(value, `${where}[${i}]`)
    // @fastify/auth nests one level, the inner array in the other relation.
    if (nested) invalid(`expects at most one level of nested arrays, as @fastify/auth (${where}[${i}])`)
    return group(relation === 'or' ? 'and' : 'or', value, `${where}[${i}]`, true)
  })
  const ours = members.filter((m): m is GuardInfo => !('scheme' in m))
  return {
    // What it can answer is worked out from the members (outcomeOf); the kind only says whether an org is checked.
    kind: ours.some((m) => m.kind === 'org') ? 'org' : 'user',
    requirement: members.map((m) => 'scheme' in m ? `\`${m.scheme}\`` : m.composition !== undefined ? `(${m.requirement})` : `a ${m.requirement}`).join(relation === 'or' ? ' or ' : ' and '),
    readsCookies: ours.some((m) => m.readsCookies === true),
    queryParameters: [...new Set(ours.flatMap((m) => m.queryParameters ?? []))],
    composition: { relation, members: Object.freeze(members) }
  }
}

export const composed: PropelAuthComposition['composed'] = function composed (hook, composition) {
  if (typeof hook !== 'function') invalid('expects the hook @fastify/auth returned, e.g. app.auth([...])')
  if (typeof composition !== 'object' || composition === null) invalid('expects { anyOf: [...] } or { allOf: [...] } as its second argument')
  const { anyOf, allOf } = composition as { anyOf?: unknown, allOf?: unknown }
  if ((anyOf === undefined) === (allOf === undefined)) invalid('expects exactly one of anyOf (relation "or") and allOf (relation "and")')
  rejectUnknownKeys(composition, ['anyOf', 'allOf'], '', COMPOSED)
  const info = anyOf !== undefined ? group('or', anyOf as unknown[], 'anyOf', false) : group('and', allOf as unknown[], 'allOf', false)
  if (guardInfoOf(hook) !== undefined) invalid('was given a hook that is already tagged; compose a new @fastify/auth hook')
  return tagGuard(hook, info)
}

// --- what a guard (or a composition of guards) requires and answers ---------------------

/**
 * A security requirement: the credentials that must all be presented. A string
 * names another scheme of the document; a carrier is where one of our guards
 * reads its token, named (or, with no scheme to name, described) by the document.
 */
export type Requirement = ReadonlyArray<string | TokenCarrier>

export interface Outcome {
  /** The alternatives, any one of which admits (OpenAPI `security`); an empty requirement admits anyone. */
  security: Requirement[]
  /** What can answer when the request is refused; undefined when it never is. */
  refusal: { guards: GuardInfo[], foreign: string[] } | undefined
}

/** What tells two credentials apart: a scheme name, or where a token is read (a NUL never starts a scheme name). */
function credentialKey (credential: Requirement[number]): string {
  if (typeof credential === 'string') return credential
  const where = credential.kind === 'cookie' || credential.kind === 'query' ? credential.name : credential.kind === 'subprotocol' ? credential.marker : ''
  return `\u0000${credential.kind}\u0000${where}`
}

/** Each requirement once, each credential once in it, whatever their order. */
function unique (requirements: Requirement[]): Requirement[] {
  const seen = new Map<string, Requirement>()
  for (const requirement of requirements) {
    const credentials = new Map(requirement.map((credential) => [credentialKey(credential), credential]))
    const key = [...credentials.keys()].sort().join('\n')
    if (!seen.has(key)) seen.set(key, [...credentials.values()])
  }
  return [...seen.values()]
}

function outcomeOfMember (value: Member): Outcome {
  if ('scheme' in value) return { security: [[value.scheme]], refusal: { guards: [], foreign: [value.scheme] } }
  return outcomeOf(value)
}

/** Everything in `outcomes` must admit: requirements are combined, any refusal can answer. */
export function allOf (outcomes: Outcome[]): Outcome {
  let security: Requirement[] = [[]]
  for (const outcome of outcomes) {
    security = unique(security.flatMap((left) => outcome.security.map((right) => [...left, ...right])))
  }
  const refusals = outcomes.flatMap((outcome) => outcome.refusal === undefined ? [] : [outcome.refusal])
  return {
    security,
    refusal: refusals.length === 0
      ? undefined
      : { guards: [...new Set(refusals.flatMap((r) => r.guards))], foreign: [...new Set(refusals.flatMap((r) => r.foreign))] }
  }
}

/**
 * Any one of `outcomes` admits. When all refuse, @fastify/auth answers with the
 * last one's error, so only the last one's refusal can come back.
 */
function anyOf (outcomes: Outcome[]): Outcome {
  return {
    security: unique(outcomes.flatMap((outcome) => outcome.security)),
    refusal: outcomes.some((outcome) => outcome.refusal === undefined) ? undefined : outcomes[outcomes.length - 1].refusal
  }
}

export function outcomeOf (info: GuardInfo): Outcome {
  const composition = info.composition
  if (composition !== undefined) {
    const members = composition.members.map(outcomeOfMember)
    return composition.relation === 'or' ? anyOf(members) : allOf(members)
  }
  // Each source of the guard admits by itself: one alternative each.
  const alternatives = carriersOfGuard(info).map((carrier): Requirement => [carrier])
  if (info.kind === 'optional') return { security: [[], ...alternatives], refusal: undefined }
  return { security: alternatives, refusal: { guards: [info], foreign: [] } }
}
