import type { PropelAuthApi } from './api/client.js'
import type { PropelAuthGuards } from './guards.js'

/** What `app.auth` holds: the route guards, token validation, and PropelAuth's backend API. */
export interface PropelAuthDecorator extends PropelAuthGuards, PropelAuthApi {}
