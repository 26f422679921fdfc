import { randomBytes } from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createTestAuth, createTestKeyPair, type MintAccessTokenOptions, type TestKeyPair } from 'fastify-propelauth/testing'
import { DEFAULT_SEED, loadSeed, type Seed } from './lib/seed.js'
import { seconds, type Clock } from './lib/clock.js'
import type { StandInContext, StandInFeatures } from './lib/context.js'
import { FaultController, type StandInFault } from './lib/faults.js'
import { installCallLog, installGate, installParsers, type StandInCall } from './lib/hooks.js'
import { sendOrgsSwitchedOff } from './lib/http.js'
import { createIdSource } from './lib/ids.js'
import { RateLimiter, type StandInRateLimit } from './lib/rate-limits.js'
import { redactingLogger } from './lib/redact.js'
import { aboutRoutes } from './lib/routes/about.js'
import { accessTokenRoutes } from './lib/routes/access-token.js'
import { apiKeyRoutes } from './lib/routes/api-keys.js'
import { employeeRoutes } from './lib/routes/employees.js'
import { insightRoutes } from './lib/routes/insights.js'
import { inviteRoutes } from './lib/routes/invites.js'
import { loginRoutes } from './lib/routes/login.js'
import { magicLinkRoutes } from './lib/routes/magic-links.js'
import { membershipRoutes } from './lib/routes/memberships.js'
import { metadataRoutes } from './lib/routes/metadata.js'
import { migrationRoutes } from './lib/routes/migrations.js'
import { orgRoutes } from './lib/routes/orgs.js'
import { scimRoutes } from './lib/routes/scim.js'
import { ssoRoutes } from './lib/routes/sso.js'
import { stepUpMfaRoutes } from './lib/routes/step-up-mfa.js'
import { userAccountRoutes } from './lib/routes/user-accounts.js'
import { userQueryRoutes } from './lib/routes/user-queries.js'
import { StandInState } from './lib/state.js'
import { checkAllowedOrigins, OriginPolicy } from './lib/auth-url/origins.js'
import { createTestSession, type CreateSessionOptions, type StandInSession } from './lib/auth-url/test-sessions.js'
import { accountPageRoutes } from './lib/routes/auth-url/account-pages.js'
import { loginPageRoutes } from './lib/routes/auth-url/login-pages.js'
import { sessionApiRoutes } from './lib/routes/auth-url/session-api.js'
import { ssrRoutes } from './lib/routes/auth-url/ssr.js'
import { refreshTokenRoutes } from './lib/routes/refresh-tokens.js'
import { checkRedirectUris, RedirectUriPolicy } from './lib/auth-url/ssr-redirect-uris.js'
import { WebhookDispatcher } from './lib/webhooks/dispatcher.js'
import { checkWebhookEndpoints, type StandInWebhookEndpoint } from './lib/webhooks/endpoints.js'
import type { StandInWebhookAttempt, StandInWebhookDelivery, StandInWebhooks } from './lib/webhooks/deliveries.js'
import { checkWebhookTimeoutSeconds } from './lib/webhooks/post.js'

export type { StandInFeatures } from './lib/context.js'
export type { StandInFault } from './lib/faults.js'
export type { StandInRateLimit } from './lib/rate-limits.js'
export type { StandInCall } from './lib/hooks.js'
export type { FaultController } from './lib/faults.js'
export type { RateLimiter } from './lib/rate-limits.js'
export type { StandInState } from './lib/state.js'
export { createManualClock, type ManualClock, type Clock } from './lib/clock.js'
export { LOGIN_TOKEN_MINUTES } from './lib/routes/login.js'
export { SESSION_LIFETIME_SECONDS } from './lib/auth-url/sessions.js'
export { FAILED_SIGN_IN_LIMIT } from './lib/state.js'
export { SSR_CODE_LIFETIME_SECONDS } from './lib/auth-url/ssr-codes.js'
export { REFRESH_TOKEN_GRACE_SECONDS } from './lib/auth-url/ssr-refresh-tokens.js'
export type { StandInSession, StandInSessionCookie, CreateSessionOptions } from './lib/auth-url/test-sessions.js'
export type { StandInWebhookEndpoint } from './lib/webhooks/endpoints.js'
export type {
  StandInWebhookAttempt,
  StandInWebhookDelivery,
  StandInWebhookDeliveryStatus,
  StandInWebhookEndpointInfo,
  StandInWebhooks
} from './lib/webhooks/deliveries.js'
export { WEBHOOK_EVENT_TYPES } from './lib/webhooks/events.js'
export { createWebhookSecret } from './lib/webhooks/secrets.js'
export { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_MS } from './lib/webhooks/retry-schedule.js'
export { DEFAULT_WEBHOOK_TIMEOUT_SECONDS } from './lib/webhooks/post.js'
export {
  DEFAULT_SEED,
  loadSeed,
  type Seed,
  type SeedUser,
  type SeedOrg,
  type SeedOrgMember,
  type SeedApiKey,
  type SeedEmployee,
  type SeedRoleMapping,
  type SeedRoleStructure,
  type SeedDate
} from './lib/seed.js'

/** The code step-up MFA challenges accept unless `mfaCode` says otherwise. */
export const DEFAULT_MFA_CODE = '123456'

/**
 * Default lifetime of the access tokens browsers get from the auth URL.
 * PropelAuth's browser client refreshes any token within 10 minutes of its
 * expiry on every use, so a token must live well beyond that to be reused.
 */
export const DEFAULT_FRONTEND_TOKEN_MINUTES = 30

/** Default lifetime of the access tokens of server-side sign-ins (`/propelauth/ssr/token`, `/api/backend/v1/refresh_token`). */
export const DEFAULT_SSR_ACCESS_TOKEN_SECONDS = 30 * 60

export interface StandInOptions {
  /** Port on loopback; 0 (default) picks a free one. */
  port?: number | undefined
  /** Default 127.0.0.1: the stand-in is for this machine only. */
  host?: string | undefined
  /** The backend API key clients must send. Default: a random one. */
  apiKey?: string | undefined
  /** Users, orgs and roles to start with, or the path of a JSON file holding them. Default `DEFAULT_SEED`. */
  seed?: Seed | string | undefined
  /** The project's auth URL: the issuer of minted tokens and the accepted `X-Propelauth-url`. Default `http://localhost:<port>`. */
  authUrl?: string | undefined
  /** Reuse a key pair; a new one is made by default. */
  keyPair?: TestKeyPair | undefined
  /** Fastify logger option for the stand-in itself (its request log shows a magic link's secret as `[REDACTED]`). Default off. */
  logger?: FastifyServerOptions['logger'] | undefined
  /** The stand-in's clock (epoch ms): created_at fields, expiries, token `iat`/`exp`, reports. Default `Date.now`. See `createManualClock`. */
  now?: Clock | undefined
  /** Derive every new id and secret from this seed instead of randomly, so runs repeat exactly. */
  idSeed?: string | number | undefined
  /** Parts of PropelAuth switched off, e.g. `{ orgs: false }` for a project without B2B (426). */
  features?: Partial<StandInFeatures> | undefined
  /** The code step-up MFA (TOTP and SMS) and the login page's MFA step accept. Default `'123456'`. */
  mfaCode?: string | undefined
  /**
   * Web origins, besides any on localhost, 127.0.0.1 or [::1], whose pages may
   * use the auth URL from a browser (credentialed CORS) and be returned to
   * after the hosted pages (`rt`), e.g. `['https://app.example.test']`.
   */
  allowedOrigins?: string[] | undefined
  /** Lifetime in minutes of the access tokens browsers get from `GET /api/v1/refresh_token`. Default 30. */
  frontendTokenMinutes?: number | undefined
  /**
   * Lifetime in seconds of the access tokens of server-side sign-ins
   * (`/propelauth/ssr/token`, `/api/backend/v1/refresh_token`); short ones let
   * a test see its app refresh. Default 1800. Changeable while running:
   * `standIn.ssrAccessTokenSeconds = 5`.
   */
  ssrAccessTokenSeconds?: number | undefined
  /**
   * Redirect URIs, besides any on localhost, 127.0.0.1 or [::1], that
   * server-side sign-ins (`/propelauth/ssr/authorize`) may send a code to,
   * e.g. `['https://app.example.test/api/auth/callback']`. Matched exactly:
   * scheme, host, port and path.
   */
  redirectUris?: string[] | undefined
  /**
   * Where signing out on the hosted pages sends the browser. Default: the
   * logout path (`/api/auth/logout`) of the app the session last signed in
   * on its server, else the login page.
   */
  logoutRedirectUrl?: string | undefined
  /** Rate limits to enforce (429), e.g. `[{ path: '/api/backend/v1/end_user_api_keys/validate', max: 5 }]`. */
  rateLimits?: StandInRateLimit[] | undefined
  /** Faults injected from the start; add more with `standIn.faults.add`. */
  faults?: StandInFault[] | undefined
  /** Called after each answered call (the CLI logs them with it). */
  onCall?: ((call: StandInCall) => void) | undefined
  /**
   * Webhook endpoints: every change PropelAuth reports is posted to each, signed
   * as Svix signs (`svix-id`, `svix-timestamp`, `svix-signature`) with its
   * secret, and retried on Svix's schedule, on the stand-in's clock:
   * `[{ url: 'http://localhost:3000/webhooks', secret: createWebhookSecret() }]`.
   */
  webhooks?: StandInWebhookEndpoint[] | undefined
  /** How long an endpoint has to answer an attempt before it counts as failed. Default 15, as Svix. */
  webhookTimeoutSeconds?: number | undefined
  /** Called after each webhook attempt, with its delivery (the CLI logs them with it). */
  onWebhookAttempt?: ((attempt: StandInWebhookAttempt, delivery: StandInWebhookDelivery) => void) | undefined
}

export interface StandIn {
  /** The auth URL to register the plugin with (`http://localhost:<port>`): the issuer of the stand-in's tokens. */
  authUrl: string
  /** Where backend calls go (`http://127.0.0.1:<port>`): the plugin's `apiBaseUrl`. */
  apiBaseUrl: string
  apiKey: string
  /** `{ authUrl, apiKey, apiBaseUrl }`: register the plugin with these and it fetches its key from the stand-in. */
  pluginOptions: { authUrl: string, apiKey: string, apiBaseUrl: string }
  /** The in-memory project: users, orgs, invites, API keys, sent emails (`state.outbox`)… */
  state: StandInState
  /** The stand-in's own Fastify instance. */
  app: FastifyInstance
  /** Switches, changeable at any time: `standIn.features.orgs = false`. */
  features: StandInFeatures
  /** Inject latency, error statuses and dropped connections: `standIn.faults.add({ status: 503, times: 1 })`. */
  faults: FaultController
  /** Change rate limits at any time: `standIn.rateLimits.set([{ max: 2 }])`. */
  rateLimits: RateLimiter
  /** The calls answered so far (method, url with magic-link secrets redacted, status), latest last; at most 1000 are kept. */
  calls: StandInCall[]
  /** The code step-up MFA challenges and the login page's MFA step accept. */
  mfaCode: string
  /** Lifetime in seconds of the access tokens of server-side sign-ins; set it to change the next ones. */
  ssrAccessTokenSeconds: number
  /** The webhooks sent so far, and what a test needs to wait for them, retry them, replay them. */
  webhooks: StandInWebhooks
  /**
   * Signs a stored user (by id or email) in as the login page would and gives
   * the session cookie, for end-to-end tests that should not drive the form:
   * `await browserContext.addCookies([standIn.createSession('member@acme.test').cookie])`.
   */
  createSession: (userIdOrEmail: string, options?: CreateSessionOptions) => StandInSession
  /** A token for a stored user (by id or email), as `createAccessToken` would return it. */
  createAccessToken: (userIdOrEmail: string, options?: { durationInMinutes?: number, activeOrgId?: string }) => Promise<string>
  /** Signs any claims with the stand-in's key, for tokens the state does not describe. */
  mintAccessToken: (options?: MintAccessTokenOptions) => Promise<string>
  /**
   * Back to the start: the seed's state, the initial features, rate limits,
   * faults and webhook endpoints, no recorded calls or webhook deliveries
   * (retries pending are dropped).
   */
  reset: () => void
  /** Stops listening, and stops the webhooks: no retry is made after, and no timer is left. */
  close: () => Promise<void>
}

function urlHost (host: string): string {
  // A wildcard address is reachable on loopback; IPv6 literals need brackets in URLs.
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

function checkSsrAccessTokenSeconds (value: unknown): number {
  if (value === undefined) return DEFAULT_SSR_ACCESS_TOKEN_SECONDS
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new TypeError(`stand-in option ssrAccessTokenSeconds must be a whole number of seconds > 0 (default ${DEFAULT_SSR_ACCESS_TOKEN_SECONDS}), not ${String(value)}`)
  }
  return value
}

function checkLogoutRedirectUrl (value: unknown): string | undefined {
  if (value === undefined) return undefined
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {}
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`stand-in option logoutRedirectUrl must be an absolute http or https URL, such as 'https://app.example.test/api/auth/logout', not ${JSON.stringify(value)}`)
  }
  return url.href
}

function checkFrontendTokenMinutes (minutes: unknown): number {
  if (minutes === undefined) return DEFAULT_FRONTEND_TOKEN_MINUTES
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) {
    throw new TypeError(`stand-in option frontendTokenMinutes must be a number of minutes > 0 (default ${DEFAULT_FRONTEND_TOKEN_MINUTES}), not ${String(minutes)}`)
  }
  return minutes
}

/**
 * Starts a PropelAuth-compatible project on loopback, backed by in-memory
 * state: the token verification metadata and the whole backend API (users,
 * orgs, invites, magic links, access tokens, end-user API keys, SAML/OIDC,
 * step-up MFA, SCIM, reports), checking the API key and `X-Propelauth-url` as
 * PropelAuth does; and the auth URL that PropelAuth's browser client talks
 * to (hosted login, sign-up, account and org pages, session cookies, the
 * refresh and logout endpoints, with CORS for the project's origins). Plus a
 * development password login for Swagger UI (`POST /login`).
 */
export async function startStandIn (options: StandInOptions = {}): Promise<StandIn> {
  const allowedOrigins = checkAllowedOrigins(options.allowedOrigins)
  const frontendTokenSeconds = Math.round(checkFrontendTokenMinutes(options.frontendTokenMinutes) * 60)
  const webhookTargets = checkWebhookEndpoints(options.webhooks)
  const initialSsrAccessTokenSeconds = checkSsrAccessTokenSeconds(options.ssrAccessTokenSeconds)
  const redirectUris = new RedirectUriPolicy(checkRedirectUris(options.redirectUris))
  const logoutRedirectUrl = checkLogoutRedirectUrl(options.logoutRedirectUrl)
  const webhookTimeoutMs = checkWebhookTimeoutSeconds(options.webhookTimeoutSeconds) * 1000
  const host = options.host ?? '127.0.0.1'
  const apiKey = options.apiKey ?? `standin_${randomBytes(16).toString('hex')}`
  const seed = await loadSeed(options.seed ?? DEFAULT_SEED)
  const keyPair = options.keyPair ?? await createTestKeyPair()
  const now = options.now ?? Date.now
  const state = new StandInState(seed, now, createIdSource(options.idSeed))
  const initialFeatures: StandInFeatures = { orgs: true, accessTokenCreation: true, stepUpMfa: true, ...options.features }
  const features: StandInFeatures = { ...initialFeatures }
  const faults = new FaultController()
  for (const fault of options.faults ?? []) faults.add(fault)
  const rateLimits = new RateLimiter(now, options.rateLimits)
  const calls: StandInCall[] = []

  // The auth URL depends on the port, known only after listen: routes read it late.
  let authUrl = options.authUrl === undefined ? '' : new URL(options.authUrl).origin
  let apiBaseUrl = ''
  // Tokens are the testing kit's, signed with the stand-in's key, issued by its auth URL
  // (known once it listens), with the project's roles as they are now (a reset may change
  // them), at the time of its clock.
  const mint = async (mintOptions: MintAccessTokenOptions): Promise<string> => {
    const { roleHierarchy, rolePermissions } = state.roles
    const minter = await createTestAuth({ authUrl, issuer: authUrl, keyPair, roleHierarchy, rolePermissions })
    return await minter.mintAccessToken({ ...mintOptions, issuedAt: mintOptions.issuedAt ?? seconds(now()) })
  }
  const context: StandInContext = {
    state,
    publicKeyPem: keyPair.publicKeyPem,
    mint,
    features,
    mfaCode: options.mfaCode ?? DEFAULT_MFA_CODE,
    get authUrl () { return authUrl },
    // The stand-in's own pages post to it and return to it, whichever of its two addresses a browser used.
    origins: new OriginPolicy(allowedOrigins, () => [authUrl, apiBaseUrl]),
    frontendTokenSeconds,
    ssrAccessTokenSeconds: initialSsrAccessTokenSeconds,
    redirectUris,
    logoutRedirectUrl
  }

  // close() ends every connection at once: a test double must not keep a test
  // waiting on clients' spare keep-alive sockets or on an injected delay.
  const app = Fastify({ logger: redactingLogger(options.logger), forceCloseConnections: true })
  await app.register(fastifyCookie)
  installParsers(app)
  installGate(app, {
    apiKey,
    faults,
    rateLimits,
    projectHosts: () => {
      const url = new URL(authUrl)
      return [url.hostname, url.host]
    }
  })
  installCallLog(app, calls, options.onCall)

  metadataRoutes(app, context)
  aboutRoutes(app)
  loginRoutes(app, context)
  accessTokenRoutes(app, context)
  userQueryRoutes(app, context)
  userAccountRoutes(app, context)
  migrationRoutes(app, context)
  magicLinkRoutes(app, context)
  apiKeyRoutes(app, context)
  stepUpMfaRoutes(app, context)
  employeeRoutes(app, context)
  insightRoutes(app, context)
  sessionApiRoutes(app, context)
  ssrRoutes(app, context)
  refreshTokenRoutes(app, context)
  loginPageRoutes(app, context)
  accountPageRoutes(app, context)
  // Everything about organizations answers 426 while the project has them switched off.
  await app.register(async (orgScope) => {
    orgScope.addHook('onRequest', async (_request, reply) => {
      if (!features.orgs) return await sendOrgsSwitchedOff(reply)
    })
    orgRoutes(orgScope, context)
    membershipRoutes(orgScope, context)
    inviteRoutes(orgScope, context)
    ssoRoutes(orgScope, context)
    scimRoutes(orgScope, context)
  })

  const webhooks = new WebhookDispatcher({
    targets: webhookTargets,
    now,
    // Message ids of their own, so that configuring webhooks does not shift the seeded ids of users and orgs.
    newIds: () => createIdSource(options.idSeed === undefined ? undefined : `${String(options.idSeed)}/webhook-messages`),
    timeoutMs: webhookTimeoutMs,
    onAttempt: options.onWebhookAttempt
  })
  state.events.subscribe((event) => { webhooks.send(event) })
  try {
    await app.listen({ port: options.port ?? 0, host })
  } catch (error) {
    await webhooks.close()
    throw error
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  if (authUrl === '') authUrl = `http://localhost:${port}`
  apiBaseUrl = `http://${urlHost(host)}:${port}`

  return {
    authUrl,
    apiBaseUrl,
    apiKey,
    pluginOptions: { authUrl, apiKey, apiBaseUrl },
    state,
    app,
    features,
    faults,
    rateLimits,
    calls,
    mfaCode: context.mfaCode,
    webhooks,
    get ssrAccessTokenSeconds () { return context.ssrAccessTokenSeconds },
    set ssrAccessTokenSeconds (value: number) { context.ssrAccessTokenSeconds = checkSsrAccessTokenSeconds(value) },
    createAccessToken: async (userIdOrEmail, tokenOptions = {}) => {
      const user = state.users.get(userIdOrEmail) ?? state.findUserByEmail(userIdOrEmail)
      if (user === undefined) throw new Error(`stand-in: no user ${userIdOrEmail}`)
      return await mint({
        ...state.tokenOptionsFor(user, tokenOptions.activeOrgId, features.orgs),
        expiresIn: (tokenOptions.durationInMinutes ?? 30) * 60
      })
    },
    mintAccessToken: async (mintOptions = {}) => await mint(mintOptions),
    createSession: (userIdOrEmail, sessionOptions) => createTestSession(state, authUrl, userIdOrEmail, sessionOptions),
    reset: () => {
      state.ids = createIdSource(options.idSeed)
      state.load(seed)
      Object.assign(features, initialFeatures)
      context.ssrAccessTokenSeconds = initialSsrAccessTokenSeconds
      faults.clear()
      for (const fault of options.faults ?? []) faults.add(fault)
      rateLimits.set(options.rateLimits ?? [])
      calls.length = 0
      webhooks.reset()
    },
    close: async () => {
      await webhooks.close()
      await app.close()
    }
  }
}
