import type { PropelAuthBackendApi } from './api/index.js'
import type { PropelAuthComposition } from './route-policy/composition.js'
import type { PropelAuthRouteAudit } from './route-policy/route-audit.js'
import type { PropelAuthGuards, PropelAuthTokenGuards } from './guards/token-guards.js'
import type { PropelAuthAccessors } from './guards/request-slots.js'
import type { PropelAuthScopes } from './route-policy/protect.js'
import type { PropelAuthRevocation } from './token/revoked-tokens.js'

/**
 * What `app.auth` holds: the route guards, token validation, `protect` and
 * `denyByDefault` for whole scopes, `composed` for @fastify/auth compositions,
 * the audit of unprotected routes, the typed accessors `user(request)` and
 * `org(request)`, PropelAuth's backend API and the end-user API key guards,
 * `revokeUserTokens`, and with server-run sign-in the guards for pages.
 */
export interface PropelAuthDecorator extends PropelAuthGuards, PropelAuthScopes, PropelAuthComposition, PropelAuthRouteAudit, PropelAuthAccessors, PropelAuthBackendApi, PropelAuthRevocation {
  /**
   * With the option `sessions`: the guards of `from('session')`, except that a
   * browser that is not signed in is redirected to sign in (htmx: `HX-Redirect`)
   * and brought back, where the others answer 401. Without `sessions`, reading
   * it throws FST_PROPELAUTH_INVALID_OPTION.
   */
  readonly pages: PropelAuthTokenGuards
}
