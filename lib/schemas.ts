import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox'
import { LOGIN_METHOD_KINDS } from './claims.js'
import type { OrgRoleStructure } from './user.js'

// TypeBox schemas of what this plugin puts on the wire, for users' own route
// schemas: `response: { 200: UserSchema, 401: ErrorResponseSchema }`. They are
// also plain JSON Schema, so they drive Fastify's serializer: every property the
// plugin sends is listed, or serialization would silently strip it.

/** `User` and `OrgMemberInfo` hold read-only arrays; a TypeBox array would type them as mutable and refuse them. */
function readonlyArray<T extends TSchema> (items: T, description: string): TUnsafe<ReadonlyArray<Static<T>>> {
  return Type.Unsafe<ReadonlyArray<Static<T>>>(Type.Array(items, { description }))
}

const JsonObjectSchema = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description })

/** A string from a fixed list, typed as the list's union. */
function oneOf<T extends string> (values: readonly T[], description: string): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], description })
}

const ORG_ROLE_STRUCTURES: readonly OrgRoleStructure[] = ['single_role_in_hierarchy', 'multi_role']

/** A user's membership in one org, as `request.org` and `user.orgIdToOrgMemberInfo[orgId]` serialize. */
export const OrgMemberInfoSchema = Type.Object({
  orgId: Type.String(),
  orgName: Type.String(),
  urlSafeOrgName: Type.String(),
  orgMetadata: JsonObjectSchema('Metadata set on the org in PropelAuth'),
  userAssignedRole: Type.String({ description: 'The role assigned to the user in this org' }),
  userInheritedRolesPlusCurrentRole: readonlyArray(Type.String(), 'The assigned role and every role below it (single_role_in_hierarchy orgs)'),
  userPermissions: readonlyArray(Type.String(), 'Permissions the user holds in this org'),
  orgRoleStructure: oneOf(ORG_ROLE_STRUCTURES, 'How roles work in this org: inherited (hierarchy) or assigned plus additional (multi_role)'),
  userAssignedAdditionalRoles: readonlyArray(Type.String(), 'Extra roles held in multi_role orgs'),
  legacyOrgId: Type.Optional(Type.String())
}, { title: 'OrgMemberInfo', description: 'A user\'s membership in one org' })

/** How the user signed in, as `user.loginMethod` serializes. */
export const LoginMethodSchema = Type.Object({
  loginMethod: oneOf(LOGIN_METHOD_KINDS, 'How the user signed in'),
  provider: Type.Optional(Type.String({ description: 'Social or SAML provider, for social_sso and saml_sso' })),
  orgId: Type.Optional(Type.String({ description: 'The org of a saml_sso login' }))
}, { title: 'LoginMethod' })

/** The user an access token describes, as `request.user` serializes (its methods are not sent). */
export const UserSchema = Type.Object({
  userId: Type.String(),
  email: Type.Optional(Type.String()),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  properties: Type.Optional(JsonObjectSchema('Custom user properties')),
  metadata: Type.Optional(JsonObjectSchema('Metadata set on the user in PropelAuth')),
  legacyUserId: Type.Optional(Type.String()),
  impersonatorUserId: Type.Optional(Type.String({ description: 'Set when an employee is impersonating the user' })),
  activeOrgId: Type.Optional(Type.String({ description: 'Set for tokens made for one active org' })),
  loginMethod: LoginMethodSchema,
  orgIdToOrgMemberInfo: Type.Optional(Type.Record(Type.String(), OrgMemberInfoSchema, { description: 'The user\'s orgs, keyed by org id' }))
}, { title: 'User' })

/**
 * Fastify's error body, exactly as the guards' 401 and 403 answers carry it.
 * Every field is required: the plugin's errors always have all four.
 */
export const ErrorResponseSchema = Type.Object({
  statusCode: Type.Integer({ description: 'The HTTP status code' }),
  code: Type.String({ description: 'Machine-readable error code, e.g. FST_PROPELAUTH_MISSING_TOKEN' }),
  error: Type.String({ description: 'The HTTP status text, e.g. Unauthorized' }),
  message: Type.String({ description: 'What went wrong, safe to show' })
}, { title: 'ErrorResponse' })

export type UserJson = Static<typeof UserSchema>
export type OrgMemberInfoJson = Static<typeof OrgMemberInfoSchema>
export type ErrorResponse = Static<typeof ErrorResponseSchema>
