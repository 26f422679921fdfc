import type { PropelAuthBackendApi } from './api/backend-api.js'
import type { PropelAuthGuards } from './guards.js'
import type { PropelAuthScopes } from './scope.js'

/** What `app.auth` holds: the route guards, token validation, `protect` for whole scopes, PropelAuth's backend API and the end-user API key guards. */
export interface PropelAuthDecorator extends PropelAuthGuards, PropelAuthScopes, PropelAuthBackendApi {}
