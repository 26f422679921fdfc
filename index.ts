import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import './types/augment.js'
import './types/route-config.js'
import { createBackendApi } from './lib/api/index.js'
import { Transport } from './lib/api/transport.js'
import type { PropelAuthDecorator } from './lib/decorator.js'
import { DecoratorConflictError, InvalidOptionError } from './lib/errors.js'
import { composed } from './lib/route-policy/composition.js'
import { setupRouteAudit } from './lib/route-policy/route-audit.js'
import { guardInfoOf } from './lib/guards/guard-tag.js'
import { createGuards } from './lib/guards/token-guards.js'
import { fetchVerifierKeyPem } from './lib/key/fetch-verifier-key.js'
import { KeyStore } from './lib/key/key-store.js'
import { importVerifierKey } from './lib/key/read-verifier-key.js'
import type { FastifyPropelAuthOptions, ResolvedOptions } from './lib/options/plugin-options.js'
import { resolveOptions } from './lib/options/resolve-options.js'
import { setupOpenApi } from './lib/openapi/annotate-routes.js'
import { createRefusalLog } from './lib/guards/refusal-log.js'
import { createAccessors, requestSlots } from './lib/guards/request-slots.js'
import { defaultGuardOf, denyByDefault, protect, type DefaultGuard } from './lib/route-policy/protect.js'
import { guardRoutesNotSeen, routesDeclaredBefore } from './lib/route-policy/routes-declared-before.js'
import { createRevocation, RevokedTokens } from './lib/token/revoked-tokens.js'
import { TokenVerifier } from './lib/token/verifier.js'
import { setupSessions } from './lib/sessions/setup-sessions.js'

function assertDecoratorsFree (fastify: FastifyInstance, options: ResolvedOptions): void {
  if (fastify.hasDecorator(options.decorator)) {
    const hint = options.decorator === 'auth' ? ' (@fastify/auth also uses `auth`)' : ''
    throw new DecoratorConflictError(`the instance decorator \`${options.decorator}\` is already taken${hint}; pick another name with the \`decorator\` option, e.g. decorator: 'propelAuth', and declare it for TypeScript in PropelAuthTypes`)
  }
  const { user, org } = options.requestDecorators
  for (const [which, name, example] of [['user', user, 'propelAuthUser'], ['org', org, 'propelAuthOrg']] as const) {
    if (fastify.hasRequestDecorator(name)) {
      const hint = name === 'user' ? ' (by @fastify/jwt or @fastify/passport?)' : ''
      throw new DecoratorConflictError(`the request decorator \`${name}\` is already taken${hint}; pick another name for fastify-propelauth's request.${which} with the \`requestDecorators\` option, e.g. requestDecorators: { ${which}: '${example}' }, and declare it for TypeScript in PropelAuthTypes`)
    }
  }
}

const fastifyPropelAuth: FastifyPluginAsync<FastifyPropelAuthOptions> = async function fastifyPropelAuth (fastify, rawOptions) {
  const options = resolveOptions(rawOptions)
  assertDecoratorsFree(fastify, options)
  for (const warning of options.warnings) fastify.log.warn(warning)

  const transport = new Transport({
    apiBaseUrl: options.apiBaseUrl,
    apiKey: options.apiKey,
    authHostname: options.authHostname,
    timeout: options.timeout,
    retries: options.retries
  })
  // Fail at boot, not per request: without a key no request could be answered.
  const pem = options.verifierKeyPem ?? await fetchVerifierKeyPem(transport, options.authHostname)
  const source = options.verifierKeyPem === undefined ? options.apiBaseUrl : 'option `tokenVerificationMetadata.verifierKey`'
  const key = importVerifierKey(pem, source)

  const revoked = new RevokedTokens()
  const verifier = new TokenVerifier({
    getKey: () => keyStore.key,
    revoked,
    issuer: options.issuer,
    clockTolerance: options.clockTolerance,
    cacheMax: options.cacheMax,
    onSignatureMismatch: () => keyStore.requestRefresh()
  })
  const keyStore = new KeyStore(pem, key, {
    // A static key is never refetched; a fetched one may rotate.
    transport: options.verifierKeyPem === undefined ? transport : undefined,
    authHostname: options.authHostname,
    refreshCooldown: options.keyRefreshCooldown,
    log: fastify.log,
    // Verdicts made under the old key must not outlive it.
    onKeyChange: () => verifier.clearCache()
  })
  fastify.addHook('onClose', async () => {
    transport.close()
    await keyStore.close()
  })

  const slots = requestSlots(options.requestDecorators)
  const logRefusal = createRefusalLog(options.logLevels.refusals, fastify.log)
  const guards = createGuards(verifier, { tokenFrom: options.tokenFrom, logRefusal, clockTolerance: options.clockTolerance, slots })
  // Deny by default, and the list of what no guard protects: before the OpenAPI
  // annotation, which must see the default guard on the routes it was added to.
  // Routes declared before the plugin loaded escape its onRoute hooks (lib/route-policy/routes-declared-before.ts).
  const declaredBefore = routesDeclaredBefore(fastify)
  const audit = setupRouteAudit(fastify, options.logLevels.unprotectedRoutes,
    () => !declaredBefore ? undefined : defaultGuardOf(fastify) === undefined ? 'unknown' : 'guarded')
  const sessions = options.sessions
  const sessionsNeeded = (): never => {
    throw new InvalidOptionError('app.auth.pages and the token source \'session\' need the option `sessions` (server-run sign-in)')
  }
  const pages = sessions === undefined
    ? undefined
    : await setupSessions(fastify, {
      sessions,
      verifier,
      authOrigin: new URL(options.authUrl).origin,
      apiKey: options.apiKey as string,
      authHostname: options.authHostname,
      timeout: options.timeout,
      sessionGuards: guards.from('session')
    })
  const members: Omit<PropelAuthDecorator, 'pages'> = {
    ...guards,
    from: (tokenFrom) => {
      const named = Array.isArray(tokenFrom) ? tokenFrom.includes('session') : tokenFrom === 'session'
      if (sessions === undefined && named) sessionsNeeded()
      return guards.from(tokenFrom)
    },
    // PropelAuth's backend API, and the end-user API key guards built on it. End-user API
    // keys are sent by programs, in the Authorization header only, and so are the access
    // tokens `requireUserOrApiKey` accepts, whatever the option `tokenFrom` says.
    ...createBackendApi(transport, {
      requireUser: guards.from('authorization').requireUser,
      apiKeyCache: options.apiKeyCache,
      apiKeyValidation: options.apiKeyValidation,
      timeout: options.timeout,
      logRefusal,
      slots
    }),
    protect,
    denyByDefault,
    composed,
    ...createRevocation(revoked),
    ...audit,
    // `app.auth.user(request)`, `app.auth.org(request)`: non-null, or the guard's refusal.
    ...createAccessors(slots)
  }
  // Not enumerable: listing the decorator's members must not throw without `sessions`.
  const decorator = Object.defineProperty(members, 'pages', { get: () => pages ?? sessionsNeeded(), enumerable: false }) as PropelAuthDecorator
  fastify.decorate(options.decorator, decorator)
  // Guarded routes get `security` and 401/403 in @fastify/swagger's document.
  setupOpenApi(fastify, options.openapi)
  fastify.decorateRequest(options.requestDecorators.user, null)
  fastify.decorateRequest(options.requestDecorators.org, null)
  if (options.denyByDefault !== undefined) {
    const guard = options.denyByDefault.guard(decorator)
    if (guardInfoOf(guard) === undefined) {
      throw new InvalidOptionError('option `denyByDefault.guard` must return one of the guards of the decorator, e.g. (auth) => auth.requireUser')
    }
    denyByDefault(fastify, guard, options.denyByDefault.options)
    if (declaredBefore) guardRoutesNotSeen(fastify, defaultGuardOf(fastify) as DefaultGuard)
  }
}

const plugin = fp(fastifyPropelAuth, { fastify: '5.x', name: 'fastify-propelauth' })

export default plugin
export { plugin as fastifyPropelAuth }

export type { FastifyPropelAuthOptions, OpenApiOptions, TokenVerificationMetadata } from './lib/options/plugin-options.js'
export type { PropelAuthDecorator } from './lib/decorator.js'
export type { PropelAuthTypes, PropelAuthRoleName, PropelAuthPermissionName } from './lib/options/declared-names.js'
export type { PropelAuthAccessors } from './lib/guards/request-slots.js'
export type { PropelAuthGuards, PropelAuthTokenGuards, UserAndOrgMemberInfo } from './lib/guards/token-guards.js'
export type { PropelAuthHook } from './lib/guards/guard-tag.js'
export type { RequiredOrgOptions, RequiredOrgInfo } from './lib/guards/org-requirements.js'
export { User, OrgMemberInfo, type LoginMethod, type OrgRoleStructure } from './lib/token/user.js'
export type { AccessTokenClaims, OrgMemberInfoClaims, LoginMethodClaims, LoginMethodKind } from './lib/token/claims.js'
export * as errors from './lib/errors.js'
// The backend API without Fastify, and its types, enums and exceptions (named as in @propelauth/node).
export { createPropelAuthClient, type PropelAuthClient, type PropelAuthClientOptions } from './lib/api/standalone.js'
export type { PropelAuthApi } from './lib/api/client.js'
export type { PropelAuthApiKeyGuards } from './lib/api/api-key-guards/api-key-guards.js'
export type * from './lib/api/types.js'
export * from './lib/api/enums.js'
export * from './lib/api/exceptions.js'
export type { PropelAuthScopes } from './lib/route-policy/protect.js'
export type { ProtectOptions, DenyByDefaultOptions, GuardHookName } from './lib/options/scope-options.js'
export type { AccessTokenSource, CookieTokenSource, FunctionTokenSource, QueryTokenSource, SubprotocolTokenSource, TokenFunction, TokenFrom } from './lib/sources/token-from.js'
export { redactQueryParameters } from './lib/sources/redact-query-parameters.js'
export { EXPIRED_CLOSE_CODE, EXPIRED_CLOSE_REASON } from './lib/guards/websocket-expiry.js'
export type { PropelAuthComposition, Composition, Alternative } from './lib/route-policy/composition.js'
export type { DenyByDefaultOption } from './lib/options/deny-by-default-option.js'
export type { PropelAuthRouteAudit, UnprotectedRoute } from './lib/route-policy/route-audit.js'
export type { PropelAuthRouteConfig } from './lib/route-policy/guards-of-route.js'
export type { RefusalRecord } from './lib/guards/refusal-log.js'
export { propelAuthSecurityScheme } from './lib/openapi/security-scheme.js'
// Plain JSON Schema, typed for TypeBox 1 as they are; `fastify-propelauth/sinclair-typebox`
// types the same objects for TypeBox 0.34 (lib/openapi/schemas.ts says why).
export {
  UserSchema,
  OrgMemberInfoSchema,
  LoginMethodSchema,
  ErrorResponseSchema,
  type ObjectJsonSchema,
  type UserJson,
  type OrgMemberInfoJson,
  type LoginMethodJson,
  type ErrorResponse
} from './lib/openapi/schemas.js'
