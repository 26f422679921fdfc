// fastify-propelauth/zod: the plugin's wire shapes as Zod 4 schemas, for apps
// on fastify-type-provider-zod, whose serializer and validator take Zod schemas
// only: the JSON Schemas of the main entry fail there at `ready` ("Invalid
// schema passed"). Same names, same fields, same descriptions as those; the
// main entry never imports this file, so an app without Zod loads none of it.
import { z } from 'zod'
// Importing the module of the JSON Schemas (which imports the claims' list too)
// makes this entry reach the same modules as the main entry does: the build
// then keeps them in the one chunk the entries share, rather than splitting off
// a chunk the main entry would load as one more file.
import { ORG_ROLE_STRUCTURES } from './openapi/schemas.js'
import { LOGIN_METHOD_KINDS } from './token/claims.js'

/**
 * An array of strings typed `readonly string[]`, as the plugin's `User` and
 * `OrgMemberInfo` hold them, so that a handler can return `request.user` as it
 * is. Zod's own `.readonly()` would type it so too, but would publish
 * `readOnly: true` in the document, which the JSON Schemas do not say.
 */
const strings = (description: string): z.ZodType<readonly string[], readonly string[]> => z.array(z.string()).describe(description)
/** An object with any members: `properties`, `metadata`, `orgMetadata` reach the client as PropelAuth set them. */
const jsonObject = (description: string) => z.record(z.string(), z.unknown()).describe(description)

/** A user's membership in one org, as `request.org` and `user.orgIdToOrgMemberInfo[orgId]` serialize. */
export const OrgMemberInfoSchema = z.object({
  orgId: z.string(),
  orgName: z.string(),
  urlSafeOrgName: z.string(),
  orgMetadata: jsonObject('Metadata set on the org in PropelAuth'),
  userAssignedRole: z.string().describe('The role assigned to the user in this org'),
  userInheritedRolesPlusCurrentRole: strings('The assigned role and every role below it (single_role_in_hierarchy orgs)'),
  userPermissions: strings('Permissions the user holds in this org'),
  orgRoleStructure: z.enum(ORG_ROLE_STRUCTURES).describe('How roles work in this org: inherited (hierarchy) or assigned plus additional (multi_role)'),
  userAssignedAdditionalRoles: strings('Extra roles held in multi_role orgs'),
  legacyOrgId: z.string().optional()
}).meta({ title: 'OrgMemberInfo', description: 'A user\'s membership in one org' })

/** How the user signed in, as `user.loginMethod` serializes. */
export const LoginMethodSchema = z.object({
  loginMethod: z.enum(LOGIN_METHOD_KINDS).describe('How the user signed in'),
  provider: z.string().describe('Social or SAML provider, for social_sso and saml_sso').optional(),
  orgId: z.string().describe('The org of a saml_sso login').optional()
}).meta({ title: 'LoginMethod' })

/** The user an access token describes, as `request.user` serializes (its methods are not sent). */
export const UserSchema = z.object({
  userId: z.string(),
  email: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  username: z.string().optional(),
  properties: jsonObject('Custom user properties').optional(),
  metadata: jsonObject('Metadata set on the user in PropelAuth').optional(),
  legacyUserId: z.string().optional(),
  impersonatorUserId: z.string().describe('Set when an employee is impersonating the user').optional(),
  activeOrgId: z.string().describe('Set for tokens made for one active org').optional(),
  loginMethod: LoginMethodSchema,
  orgIdToOrgMemberInfo: z.record(z.string(), OrgMemberInfoSchema).describe('The user\'s orgs, keyed by org id').optional()
}).meta({ title: 'User' })

/**
 * Fastify's error body, exactly as the guards' 401 and 403 answers carry it.
 * Every field is required: the plugin's errors always have all four.
 */
export const ErrorResponseSchema = z.object({
  statusCode: z.int().describe('The HTTP status code'),
  code: z.string().describe('Machine-readable error code, e.g. FST_PROPELAUTH_MISSING_TOKEN'),
  error: z.string().describe('The HTTP status text, e.g. Unauthorized'),
  message: z.string().describe('What went wrong, safe to show')
}).meta({ title: 'ErrorResponse' })
