import type { PropelAuthBackendApi } from './api/backend-api.js'
import type { PropelAuthComposition } from './composition.js'
import type { PropelAuthRouteAudit } from './deny-by-default.js'
import type { PropelAuthGuards } from './guards.js'
import type { PropelAuthAccessors } from './request-decorators.js'
import type { PropelAuthScopes } from './scope.js'

/**
 * What `app.auth` holds: the route guards, token validation, `protect` and
 * `denyByDefault` for whole scopes, `composed` for @fastify/auth compositions,
 * the audit of unprotected routes, the typed accessors `user(request)` and
 * `org(request)`, PropelAuth's backend API and the end-user API key guards.
 */
export interface PropelAuthDecorator extends PropelAuthGuards, PropelAuthScopes, PropelAuthComposition, PropelAuthRouteAudit, PropelAuthAccessors, PropelAuthBackendApi {}
