import type { FastifyRequest } from 'fastify'
import { FORBIDDEN_CHALLENGE, NO_CREDENTIALS_CHALLENGE, withHeaders } from './challenges.js'
import { MissingTokenError, NotOrgMemberError } from '../errors.js'
import type { RequestDecoratorNames } from '../options/declared-names.js'
import type { OrgMemberInfo, User } from '../token/user.js'

// `request.user` and `request.org` under the names the app chose (option
// `requestDecorators`). The names are known only at registration, so the guards
// write through these functions rather than to fixed properties.

/** Where the guards keep what they verified on a request. */
export interface RequestSlots {
  setUser: (request: FastifyRequest, user: User | null) => void
  setOrg: (request: FastifyRequest, org: OrgMemberInfo | null) => void
  user: (request: FastifyRequest) => User | null
  org: (request: FastifyRequest) => OrgMemberInfo | null
}

/** The request as the bag of properties it is at runtime, for decorators named by options. */
type Decorated = Record<string, User | OrgMemberInfo | null | undefined>

export function requestSlots (names: RequestDecoratorNames): RequestSlots {
  const userName = names.user
  const orgName = names.org
  return {
    setUser: (request, user) => { (request as unknown as Decorated)[userName] = user },
    setOrg: (request, org) => { (request as unknown as Decorated)[orgName] = org },
    user: (request) => ((request as unknown as Decorated)[userName] as User | null | undefined) ?? null,
    org: (request) => ((request as unknown as Decorated)[orgName] as OrgMemberInfo | null | undefined) ?? null
  }
}

/** Typed access, for handlers, to what the route's guard verified. */
export interface PropelAuthAccessors {
  /**
   * The user the route's guard verified, never null. On a route that no guard
   * let a user through (no guard, `optionalUser` without a valid token, or an
   * org API key that belongs to no user), throws a 401 FST_PROPELAUTH_MISSING_TOKEN
   * whose `headers` carry the `WWW-Authenticate` challenge, which Fastify's error
   * handling sends: the answer `requireUser` would have given.
   */
  user: (request: FastifyRequest) => User
  /**
   * The org membership the route's org guard checked (or the org of the API key
   * `requireApiKey` admitted), never null. Without one: when no user was let in
   * either, throws as `user(request)` does; with a user but no org checked (a route
   * guarded by `requireUser` only, or a personal API key), a 403
   * FST_PROPELAUTH_NOT_ORG_MEMBER with its `insufficient_scope` challenge.
   */
  org: (request: FastifyRequest) => OrgMemberInfo
}

export function createAccessors (slots: RequestSlots): PropelAuthAccessors {
  function user (request: FastifyRequest): User {
    const found = slots.user(request)
    if (found === null) throw withHeaders(new MissingTokenError(), { 'www-authenticate': NO_CREDENTIALS_CHALLENGE })
    return found
  }
  return {
    user,
    org (request) {
      const found = slots.org(request)
      if (found !== null) return found
      user(request)
      throw withHeaders(new NotOrgMemberError(), { 'www-authenticate': FORBIDDEN_CHALLENGE })
    }
  }
}
