import { LOGIN_METHOD_KINDS } from '../token/claims.js'
import type { LoginMethod, OrgRoleStructure, UserFields } from '../token/user.js'

// JSON Schemas of what this plugin puts on the wire, for users' own route
// schemas: `response: { 200: UserSchema, 401: ErrorResponseSchema }`. They drive
// Fastify's serializer, so every property the plugin sends is listed, or
// serialization would silently strip it.
//
// Why plain objects and not TypeBox: a schema library costs a serverless cold
// start more than the whole plugin (TypeBox 0.34 is about 200 modules), and an
// app on `@fastify/type-provider-typebox` 6 uses the `typebox` 1.x package, so a
// dependency on either TypeBox would install a second copy for half the users.
// Plain objects need no library and are what both TypeBox versions produce
// anyway; only their TypeScript types are TypeBox's concern:
// - TypeBox 1 (`typebox`, type provider 6) reads a schema's static type from a
//   `'~unsafe'` member, the way it types its own `Type.Unsafe<T>(schema)`; that
//   needs no import, so the schemas exported here infer with it as they are.
// - TypeBox 0.34 (`@sinclair/typebox`, type provider 5) keys its types on a
//   symbol only its own declarations can name: `fastify-propelauth/sinclair-typebox`
//   re-exports these same objects typed as its `TUnsafe<T>`, a subpath so that
//   apps without it never load types they cannot resolve.
// At run time each schema carries both libraries' markers of an unsafe type,
// hidden from JSON (non-enumerable, or a symbol key), so that what the types
// say is also what either library's guards see.

/** Any JSON Schema, as nested in the exported ones. */
type JsonSchema = Readonly<Record<string, unknown>>

/** A JSON Schema for objects of type `T` (a type alias, not an interface, so that it nests in `JsonSchema`). */
export type ObjectJsonSchema<T> = {
  readonly type: 'object'
  readonly title?: string
  readonly description?: string
  readonly properties: Readonly<Record<keyof T & string, JsonSchema>>
  readonly required: ReadonlyArray<keyof T & string>
  readonly additionalProperties?: boolean | JsonSchema
  /** The static type, as TypeBox 1 reads it; `null` at run time, as TypeBox 1 sets it. */
  readonly '~unsafe': T
}

/** TypeBox 0.34 marks a type's kind under this registered symbol (`Kind` in `@sinclair/typebox`). */
const TYPEBOX_0_34_KIND = Symbol.for('TypeBox.Kind')

/** Marks `schema` as both TypeBox versions mark the result of their `Type.Unsafe`, and types it. */
function typedAs<T> (schema: Omit<ObjectJsonSchema<T>, '~unsafe'>): ObjectJsonSchema<T> {
  Object.defineProperty(schema, '~unsafe', { value: null, writable: true, configurable: true, enumerable: false })
  Object.defineProperty(schema, TYPEBOX_0_34_KIND, { value: 'Unsafe', writable: true, configurable: true, enumerable: true })
  return schema as ObjectJsonSchema<T>
}

// Written as TypeBox 0.34 wrote them (key order included), so that documents
// generated from them stayed byte for byte the same when TypeBox was dropped.
const string = (description?: string): JsonSchema => description === undefined ? { type: 'string' } : { description, type: 'string' }
const strings = (description: string): JsonSchema => ({ description, type: 'array', items: { type: 'string' } })
/** An object with any members: `properties`, `metadata`, `orgMetadata` reach the client as PropelAuth set them. */
const record = (description: string, values: JsonSchema): JsonSchema => ({ description, type: 'object', patternProperties: { '^(.*)$': values } })
const jsonObject = (description: string): JsonSchema => record(description, {})
const oneOf = (values: readonly string[], description: string): JsonSchema => ({ type: 'string', enum: [...values], description })

export const ORG_ROLE_STRUCTURES = ['single_role_in_hierarchy', 'multi_role'] as const satisfies readonly OrgRoleStructure[]

/** A user's membership in one org, as `request.org` and `user.orgIdToOrgMemberInfo[orgId]` serialize. */
export interface OrgMemberInfoJson {
  orgId: string
  orgName: string
  urlSafeOrgName: string
  orgMetadata: Record<string, unknown>
  userAssignedRole: string
  userInheritedRolesPlusCurrentRole: readonly string[]
  userPermissions: readonly string[]
  orgRoleStructure: OrgRoleStructure
  userAssignedAdditionalRoles: readonly string[]
  legacyOrgId?: string
}

/** How the user signed in, as `user.loginMethod` serializes: the `LoginMethod` itself, a plain object. */
export type LoginMethodJson = LoginMethod

/** The user an access token describes, as `request.user` serializes (its methods are not sent). */
export interface UserJson extends Omit<UserFields, 'orgIdToOrgMemberInfo'> {
  orgIdToOrgMemberInfo?: Record<string, OrgMemberInfoJson>
}

/** Fastify's error body, exactly as the guards' 401 and 403 answers carry it. */
export interface ErrorResponse {
  statusCode: number
  code: string
  error: string
  message: string
}

// Each schema is built by a function, so that a schema nested in another is a
// copy: Fastify and @fastify/swagger may annotate the schemas they are given.
const orgMemberInfoSchema = (): ObjectJsonSchema<OrgMemberInfoJson> => typedAs<OrgMemberInfoJson>({
  title: 'OrgMemberInfo',
  description: 'A user\'s membership in one org',
  type: 'object',
  required: ['orgId', 'orgName', 'urlSafeOrgName', 'orgMetadata', 'userAssignedRole', 'userInheritedRolesPlusCurrentRole', 'userPermissions', 'orgRoleStructure', 'userAssignedAdditionalRoles'],
  properties: {
    orgId: string(),
    orgName: string(),
    urlSafeOrgName: string(),
    orgMetadata: jsonObject('Metadata set on the org in PropelAuth'),
    userAssignedRole: string('The role assigned to the user in this org'),
    userInheritedRolesPlusCurrentRole: strings('The assigned role and every role below it (single_role_in_hierarchy orgs)'),
    userPermissions: strings('Permissions the user holds in this org'),
    orgRoleStructure: oneOf(ORG_ROLE_STRUCTURES, 'How roles work in this org: inherited (hierarchy) or assigned plus additional (multi_role)'),
    userAssignedAdditionalRoles: strings('Extra roles held in multi_role orgs'),
    legacyOrgId: string()
  }
})

const loginMethodSchema = (): ObjectJsonSchema<LoginMethodJson> => typedAs<LoginMethodJson>({
  title: 'LoginMethod',
  type: 'object',
  required: ['loginMethod'],
  properties: {
    loginMethod: oneOf(LOGIN_METHOD_KINDS, 'How the user signed in'),
    provider: string('Social or SAML provider, for social_sso and saml_sso'),
    orgId: string('The org of a saml_sso login')
  }
})

/** A user's membership in one org, as `request.org` and `user.orgIdToOrgMemberInfo[orgId]` serialize. */
export const OrgMemberInfoSchema = orgMemberInfoSchema()

/** How the user signed in, as `user.loginMethod` serializes. */
export const LoginMethodSchema = loginMethodSchema()

/** The user an access token describes, as `request.user` serializes (its methods are not sent). */
export const UserSchema = typedAs<UserJson>({
  title: 'User',
  type: 'object',
  required: ['userId', 'email', 'loginMethod'],
  properties: {
    userId: string(),
    email: string(),
    firstName: string(),
    lastName: string(),
    username: string(),
    properties: jsonObject('Custom user properties'),
    metadata: jsonObject('Metadata set on the user in PropelAuth'),
    legacyUserId: string(),
    impersonatorUserId: string('Set when an employee is impersonating the user'),
    activeOrgId: string('Set for tokens made for one active org'),
    loginMethod: loginMethodSchema(),
    orgIdToOrgMemberInfo: record('The user\'s orgs, keyed by org id', orgMemberInfoSchema())
  }
})

/**
 * Fastify's error body, exactly as the guards' 401 and 403 answers carry it.
 * Every field is required: the plugin's errors always have all four.
 */
export const ErrorResponseSchema = typedAs<ErrorResponse>({
  title: 'ErrorResponse',
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { description: 'The HTTP status code', type: 'integer' },
    code: string('Machine-readable error code, e.g. FST_PROPELAUTH_MISSING_TOKEN'),
    error: string('The HTTP status text, e.g. Unauthorized'),
    message: string('What went wrong, safe to show')
  }
})
