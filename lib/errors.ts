import createError from '@fastify/error'

// Every error this plugin raises is a FastifyError made here, so that Fastify's
// default error handler renders `{ statusCode, code, error, message }` and users
// can match on `code`. Messages are fixed text (or a role/permission name the
// route itself declared): they never echo a token, an API key or request input.

// --- 401: no acceptable credentials --------------------------------------------

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

// --- backend transport -----------------------------------------------------------

export const BackendUnreachableError = createError(
  'FST_PROPELAUTH_BACKEND_UNREACHABLE',
  'fastify-propelauth: %s',
  502
)

export const MissingApiKeyError = createError(
  'FST_PROPELAUTH_MISSING_API_KEY',
  'fastify-propelauth: the `apiKey` option is required to call the PropelAuth backend API (%s)',
  500
)

/** The failures a token check can end in, each a 401. */
export type AuthenticationError =
  | InstanceType<typeof MissingTokenError>
  | InstanceType<typeof InvalidAuthorizationHeaderError>
  | InstanceType<typeof InvalidTokenError>
  | InstanceType<typeof ExpiredTokenError>

/** The failures an org check can end in, each a 403. */
export type AuthorizationError =
  | InstanceType<typeof NotOrgMemberError>
  | InstanceType<typeof InsufficientRoleError>
  | InstanceType<typeof WrongRoleError>
  | InstanceType<typeof MissingPermissionError>
