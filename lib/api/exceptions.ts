import { isPlainObject } from '../util/is-plain-object.js'

// The exception classes of PropelAuth's Node library (@propelauth/node), with the
// same names and fields, so that `instanceof` checks and `fieldToErrors` reads port
// over unchanged. Each is our own class: `err instanceof CreateUserException` holds
// for errors thrown by this plugin, not for ones thrown by @propelauth/node.
//
// Differences, all on the side of not throwing while building an error:
// - a body that is not JSON gives `fieldToErrors = {}` (the Node library's
//   constructors `JSON.parse` the body and throw a SyntaxError instead);
// - `name` is the class name, so logs say `CreateUserException: …`, not `Error: …`.

/** A 400 answer's body: field name → messages, e.g. `{ "email": ["Email already taken"] }`. */
export type FieldToErrors = Record<string, string[]>

function parseObject (text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    if (isPlainObject(value)) return value
  } catch {}
  return undefined
}

/**
 * Base of the exceptions that carry PropelAuth's field errors. The message is the
 * answer's body, as in the Node library; `fieldToErrors` is read from `body`,
 * which is the message unless given apart. The API client builds both from the
 * body with any key of ours it echoes cut out (`[redacted]`).
 */
export class FieldErrorsException extends Error {
  readonly fieldToErrors: FieldToErrors

  constructor (message: string, body: string = message) {
    super(message)
    this.name = new.target.name
    this.fieldToErrors = (parseObject(body) ?? {}) as FieldToErrors
  }
}

export class CreateUserException extends FieldErrorsException {}
export class MigrateUserException extends FieldErrorsException {}
export class MigrateUserPasswordException extends FieldErrorsException {}
export class CreateOrgException extends FieldErrorsException {}
export class AddUserToOrgException extends FieldErrorsException {}
export class ChangeUserRoleInOrgException extends FieldErrorsException {}
export class RemoveUserFromOrgException extends FieldErrorsException {}
export class UpdateOrgException extends FieldErrorsException {}
export class RevokePendingOrgInviteException extends FieldErrorsException {}
export class MagicLinkCreationException extends FieldErrorsException {}
export class AccessTokenCreationException extends FieldErrorsException {}
export class UpdateUserEmailException extends FieldErrorsException {}
export class UpdateUserPasswordException extends FieldErrorsException {}
export class UpdateUserMetadataException extends FieldErrorsException {}
export class ApiKeyValidateException extends FieldErrorsException {}
export class ApiKeyDeleteException extends FieldErrorsException {}
export class ApiKeyUpdateException extends FieldErrorsException {}
export class ApiKeyCreateException extends FieldErrorsException {}
export class ApiKeyImportException extends FieldErrorsException {}
export class ApiKeyFetchException extends FieldErrorsException {}
export class BadRequestException extends FieldErrorsException {}

/** An error with an HTTP-like `status`, as the Node library's token exceptions carry. */
class StatusException extends Error {
  readonly status: number

  constructor (message: string, status: number) {
    super(message)
    this.name = new.target.name
    this.status = status
  }
}

export class UnauthorizedException extends StatusException {
  constructor (message: string) { super(message, 401) }
}

export class ForbiddenException extends StatusException {
  constructor (message: string) { super(message, 403) }
}

export class UnexpectedException extends StatusException {
  constructor (message: string) { super(message, 503) }
}

export class UserNotFoundException extends Error {
  constructor (message?: string) {
    super(message)
    this.name = 'UserNotFoundException'
  }
}

export class IncorrectMfaCodeException extends Error {
  constructor (message?: string) {
    super(message)
    this.name = 'IncorrectMfaCodeException'
  }
}

export class MfaNotEnabledException extends Error {
  constructor (message?: string) {
    super(message)
    this.name = 'MfaNotEnabledException'
  }
}

export class FeatureGatedException extends Error {
  constructor () {
    super("This feature isn't available on your current pricing plan")
    this.name = 'FeatureGatedException'
  }
}

/** Details PropelAuth gives with a 429, when it gives them. */
interface RateLimitDetails {
  /** Seconds to wait, from the body's `wait_seconds` or the `Retry-After` header. */
  waitSeconds?: number
  userFacingError?: string
}

/**
 * PropelAuth answered 429. The message is what it said (the body, or for
 * `resendEmailConfirmation` its `user_facing_error`), as in the Node library;
 * `waitSeconds` adds how long to wait when the answer said so.
 */
export class RateLimitedException extends Error {
  readonly waitSeconds?: number
  readonly userFacingError?: string

  constructor (message: string, details: RateLimitDetails = {}) {
    super(message)
    this.name = 'RateLimitedException'
    if (details.waitSeconds !== undefined) this.waitSeconds = details.waitSeconds
    if (details.userFacingError !== undefined) this.userFacingError = details.userFacingError
  }
}

/**
 * `validateApiKey` was rate limited for this key: `{ wait_seconds, user_facing_error, error_code }`.
 * The fields are read from `errorBody`, the message unless given apart (as for FieldErrorsException).
 */
export class ApiKeyValidateRateLimitedException extends Error {
  readonly waitSeconds: number
  readonly userFacingError: string
  readonly errorCode: string

  constructor (message: string, errorBody: string = message) {
    super(message)
    this.name = 'ApiKeyValidateRateLimitedException'
    const body = parseObject(errorBody) ?? {}
    this.waitSeconds = body.wait_seconds as number
    this.userFacingError = body.user_facing_error as string
    this.errorCode = body.error_code as string
  }
}

/** The body of a step-up MFA error answer. */
export interface StepUpMfaErrorBody {
  error_code: string
  user_facing_error: string
  field_errors?: Record<string, string>
  user_facing_errors?: Record<string, string>
}

/** A step-up MFA call named invalid fields (`error_code: "invalid_request_fields"`). */
export class InvalidRequestFieldsException extends Error {
  readonly errorBody: StepUpMfaErrorBody

  constructor (errorBody: string) {
    super('Invalid request')
    this.name = 'InvalidRequestFieldsException'
    this.errorBody = (parseObject(errorBody) ?? {}) as unknown as StepUpMfaErrorBody
  }
}
