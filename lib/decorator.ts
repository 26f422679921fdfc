import type { PropelAuthBackendApi } from './api/backend-api.js'
import type { PropelAuthGuards } from './guards.js'
import type { PropelAuthAccessors } from './request-decorators.js'
import type { PropelAuthScopes } from './scope.js'

/**
 * What `app.auth` holds: the route guards, token validation, `protect` for whole scopes,
 * the typed accessors `user(request)` and `org(request)`, PropelAuth's backend API and
 * the end-user API key guards.
 */
export interface PropelAuthDecorator extends PropelAuthGuards, PropelAuthScopes, PropelAuthAccessors, PropelAuthBackendApi {}
