import { createError } from '@fastify/error'

// Every error this plugin raises is a FastifyError made here, so that Fastify's
// default error handler renders `{ statusCode, code, error, message }` and users
// can match on `code`. Messages are fixed text (or a role/permission name the
// route itself declared, or where its token sources read the token): they never
// echo a token, an API key or request input.

// --- 401: no acceptable credentials --------------------------------------------

/**
 * No token where the guard reads it. This is the message of the header alone;
 * guards that read other sources (option `tokenFrom`, `app.auth.from(…)`) send
 * the same error with a message naming them, made once from their configuration:
 * `Missing access token: send the "__pa_at" cookie`.
 */
export const MissingTokenError = createError(
  'FST_PROPELAUTH_MISSING_TOKEN',
  'Missing access token: send "Authorization: Bearer <access token>"',
  401
)

export const InvalidAuthorizationHeaderError = createError(
  'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER',
  'Malformed Authorization header: expected "Bearer <access token>"',
  401
)

export const InvalidTokenError = createError(
  'FST_PROPELAUTH_INVALID_TOKEN',
  'Invalid access token',
  401
)

export const ExpiredTokenError = createError(
  'FST_PROPELAUTH_TOKEN_EXPIRED',
  'Access token expired',
  401
)

export const RevokedTokenError = createError(
  'FST_PROPELAUTH_TOKEN_REVOKED',
  'Access token revoked: the user was signed out, disabled, locked or deleted since it was issued',
  401
)

// --- 403: valid user, not allowed here -----------------------------------------

export const NotOrgMemberError = createError(
  'FST_PROPELAUTH_NOT_ORG_MEMBER',
  'User is not a member of this org',
  403
)

export const InsufficientRoleError = createError(
  'FST_PROPELAUTH_INSUFFICIENT_ROLE',
  "User's role in this org is not at least %s",
  403
)

export const WrongRoleError = createError(
  'FST_PROPELAUTH_WRONG_ROLE',
  "User's role in this org is not %s",
  403
)

export const MissingPermissionError = createError(
  'FST_PROPELAUTH_MISSING_PERMISSION',
  'User lacks the permission %s in this org',
  403
)

/**
 * A token taken from a cookie, on a request with an unsafe method that a browser
 * sent from another site: a cross-site request forgery is refused before the
 * token is even verified (see `crossSite` of a cookie token source).
 */
export const CrossSiteRequestError = createError(
  'FST_PROPELAUTH_CROSS_SITE_REQUEST',
  'Cross-site request refused: the access token came from a cookie',
  403
)

// --- registration (these fail `register`/`ready`, never a request) -------------

export const InvalidOptionError = createError(
  'FST_PROPELAUTH_INVALID_OPTION',
  'fastify-propelauth: %s',
  500
)

export const DecoratorConflictError = createError(
  'FST_PROPELAUTH_DECORATOR_CONFLICT',
  'fastify-propelauth: %s',
  500
)

export const MetadataFetchError = createError(
  'FST_PROPELAUTH_METADATA_FETCH_FAILED',
  'fastify-propelauth: could not load the token verification key: %s',
  500
)

export const InvalidVerifierKeyError = createError(
  'FST_PROPELAUTH_INVALID_VERIFIER_KEY',
  'fastify-propelauth: %s',
  500
)

// --- OpenAPI (fails `ready`): a guarded route @fastify/swagger cannot document ---

export const OpenApiRegistrationOrderError = createError(
  'FST_PROPELAUTH_OPENAPI_ORDER',
  'fastify-propelauth: %s',
  500
)

// --- backend transport -----------------------------------------------------------

export const BackendUnreachableError = createError(
  'FST_PROPELAUTH_BACKEND_UNREACHABLE',
  'fastify-propelauth: %s',
  502
)

/**
 * PropelAuth's backend never redirects; a redirect comes from something between
 * (a proxy, a captive portal, a wrong `apiBaseUrl`). It is not followed: the
 * target would receive the integration key and could answer in PropelAuth's place.
 */
export const BackendRedirectError = createError(
  'FST_PROPELAUTH_BACKEND_REDIRECT',
  'fastify-propelauth: %s',
  502
)

export const MissingApiKeyError = createError(
  'FST_PROPELAUTH_MISSING_API_KEY',
  'fastify-propelauth: the `apiKey` option is required to call the PropelAuth backend API (%s)',
  500
)

// --- backend API answers (lib/api) ---------------------------------------------------
// Where PropelAuth's Node library throws a plain `Error`, the API client throws one of
// these instead, so callers can match on `code`. Statuses that the Node library turns
// into a named exception (CreateUserException, RateLimitedException, …) keep that
// class: see lib/api/exceptions.ts. The statusCode is what a route answers if one of
// these escapes it: the failure is between this server and PropelAuth, not the client's.

/** PropelAuth answered 401: the integration API key (option `apiKey`) is wrong or revoked. */
export const IntegrationApiKeyRejectedError = createError(
  'FST_PROPELAUTH_API_KEY_REJECTED',
  'fastify-propelauth: PropelAuth rejected the integration API key (401 from %s); check the `apiKey` option (Backend Integration page of your PropelAuth project)',
  500
)

/** PropelAuth answered 426: the project has no B2B (organizations) support. */
export const B2bNotEnabledError = createError(
  'FST_PROPELAUTH_B2B_NOT_ENABLED',
  'fastify-propelauth: cannot use organizations unless B2B support is enabled; enable it in your PropelAuth dashboard (426 from %s)',
  500
)

/** Any other answer the Node library reports as a plain Error; `backendStatus` holds PropelAuth's status. */
export const BackendResponseError = createError(
  'FST_PROPELAUTH_BACKEND_ERROR',
  'fastify-propelauth: %s',
  502
)

/** An ID that PropelAuth cannot know (not a UUID, or a dot segment such as `..`), refused before any request is sent. */
export const InvalidIdError = createError(
  'FST_PROPELAUTH_INVALID_ID',
  'fastify-propelauth: %s',
  400
)

// --- end-user API key guards (requireApiKey, requireUserOrApiKey) ----------------------

export const MissingCredentialsError = createError(
  'FST_PROPELAUTH_MISSING_CREDENTIALS',
  'Missing credentials: send "Authorization: Bearer <%s>"',
  401
)

/** PropelAuth said the key is invalid, expired or archived. */
export const InvalidApiKeyError = createError(
  'FST_PROPELAUTH_INVALID_API_KEY',
  'Invalid API key',
  401
)

/** PropelAuth rate-limited the validation of this key (too many attempts); `Retry-After` says when to retry. */
export const ApiKeyRateLimitedError = createError(
  'FST_PROPELAUTH_API_KEY_RATE_LIMITED',
  'Too many attempts with this API key; retry later',
  429
)

/**
 * The key could not be checked: PropelAuth unreachable, 5xx, the integration key
 * rejected, or an answer that is not a validation (no user and no org, or the wrong
 * shape). Not a 401, so that a client with a good key retries instead of discarding it.
 */
export const ApiKeyValidationUnavailableError = createError(
  'FST_PROPELAUTH_API_KEY_VALIDATION_UNAVAILABLE',
  'The API key could not be validated right now; retry later',
  502
)

/**
 * The headers a refusal is answered with (the `WWW-Authenticate` challenge,
 * `Retry-After`) travel in the error itself, where Fastify's default error
 * handler reads them: a guard sets nothing on the reply, so that when
 * @fastify/auth lets another strategy admit the request, no challenge of ours
 * leaks into its answer. An app with its own `setErrorHandler` sends them with
 * `reply.headers(error.headers ?? {})`.
 */
export interface RefusalHeaders {
  headers: Record<string, string>
}

/**
 * Too many API keys are waiting to be checked with PropelAuth (the queue of
 * option `apiKeyValidation` is full, or a request waited in it too long); sent
 * with `Retry-After`. The key was not looked at: it may be good.
 */
export const ApiKeyValidationBusyError = createError(
  'FST_PROPELAUTH_API_KEY_VALIDATION_BUSY',
  'Too many API keys are being validated right now; retry later',
  503
)

// --- server-run sign-in (lib/sessions) ---------------------------------------------

/**
 * PropelAuth could not be asked to finish a sign-in or to refresh a session's
 * expired access token (a network failure, a timeout or a 5xx). The session is
 * kept: the next request tries again.
 */
export const SessionUnavailableError = createError(
  'FST_PROPELAUTH_SESSION_UNAVAILABLE',
  'PropelAuth could not be reached to sign in or to refresh the session; retry later',
  503
)

/** `return_to_path` of the sign-in routes is not a path of this site (`/account`), so it is not followed. */
export const InvalidReturnPathError = createError(
  'FST_PROPELAUTH_INVALID_RETURN_PATH',
  'return_to_path must be a path of this site, such as /account',
  400
)

/** The sign-in callback came without the `state` this browser was given, or with another one. */
export const SignInStateMismatchError = createError(
  'FST_PROPELAUTH_SIGN_IN_STATE_MISMATCH',
  'This sign-in did not start in this browser, or was already used: sign in again',
  400
)

/** The sign-in callback came without a code, or PropelAuth refused to exchange it. */
export const SignInCodeRefusedError = createError(
  'FST_PROPELAUTH_SIGN_IN_CODE_REFUSED',
  'The sign-in could not be completed: the code is missing, expired or already used; sign in again',
  400
)

/** `set-active-org` named an org the signed-in user is not a member of, or no org. */
export const ActiveOrgRefusedError = createError(
  'FST_PROPELAUTH_ACTIVE_ORG_REFUSED',
  'The user is not a member of that org',
  401
)

/** A session route was called with no live session. */
export const NoSessionError = createError(
  'FST_PROPELAUTH_NO_SESSION',
  'Not signed in',
  401
)

/** The failures a token check can end in, each a 401. */
export type AuthenticationError =
  | InstanceType<typeof MissingTokenError>
  | InstanceType<typeof InvalidAuthorizationHeaderError>
  | InstanceType<typeof InvalidTokenError>
  | InstanceType<typeof ExpiredTokenError>
  | InstanceType<typeof RevokedTokenError>

/** The failures an org check can end in, each a 403. */
export type AuthorizationError =
  | InstanceType<typeof NotOrgMemberError>
  | InstanceType<typeof InsufficientRoleError>
  | InstanceType<typeof WrongRoleError>
  | InstanceType<typeof MissingPermissionError>
