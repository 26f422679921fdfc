// fastify-propelauth/sinclair-typebox: the plugin's JSON Schemas typed for
// `@sinclair/typebox` 0.34, the TypeBox of `@fastify/type-provider-typebox` 5.
//
// They are the very objects the main entry exports; only their TypeScript type
// differs. TypeBox 0.34 recognises a schema by a `unique symbol` that no other
// package can name, so this typing imports its declarations, and lives in a
// subpath of its own: an app on TypeBox 1 (type provider 6), or on none, never
// loads declarations it could not resolve. At run time nothing is imported, and
// each object already carries TypeBox 0.34's mark of `Type.Unsafe`.
import type { TUnsafe } from '@sinclair/typebox'
import * as schemas from './openapi/schemas.js'
import type { ErrorResponse, LoginMethodJson, ObjectJsonSchema, OrgMemberInfoJson, UserJson } from './openapi/schemas.js'

/** A schema of the main entry, typed as TypeBox 0.34's `Type.Unsafe<T>(schema)` is. */
export type SinclairTypeBoxSchema<T> = TUnsafe<T> & ObjectJsonSchema<T>

/** The user an access token describes, as `request.user` serializes (its methods are not sent). */
export const UserSchema = schemas.UserSchema as SinclairTypeBoxSchema<UserJson>
/** A user's membership in one org, as `request.org` and `user.orgIdToOrgMemberInfo[orgId]` serialize. */
export const OrgMemberInfoSchema = schemas.OrgMemberInfoSchema as SinclairTypeBoxSchema<OrgMemberInfoJson>
/** How the user signed in, as `user.loginMethod` serializes. */
export const LoginMethodSchema = schemas.LoginMethodSchema as SinclairTypeBoxSchema<LoginMethodJson>
/** Fastify's error body, exactly as the guards' 401 and 403 answers carry it. */
export const ErrorResponseSchema = schemas.ErrorResponseSchema as SinclairTypeBoxSchema<ErrorResponse>

export type { ErrorResponse, LoginMethodJson, OrgMemberInfoJson, UserJson }
