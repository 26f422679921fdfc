// The names of this plugin's decorators, for TypeScript. At runtime the names
// come from the `decorator` and `requestDecorators` options; the compiler cannot
// read options, so an app that renames a decorator declares the new name once,
// in `PropelAuthTypes`, and both the augmentation of Fastify's types
// (types/augment.ts) and the options' types follow that declaration.

/**
 * The decorator names your app uses, when not the defaults. Merge into it:
 *
 * ```ts
 * declare module 'fastify-propelauth' {
 *   interface PropelAuthTypes {
 *     decorator: 'propelAuth'   // app.propelAuth instead of app.auth (beside @fastify/auth)
 *     user: 'propelAuthUser'    // request.propelAuthUser instead of request.user (beside @fastify/jwt)
 *     org: 'propelAuthOrg'      // request.propelAuthOrg instead of request.org
 *     roles: 'Owner' | 'Admin' | 'Member'            // the guards and isRole(…) take only these
 *     permissions: 'can_invite' | 'can_view_billing'  // hasPermission(…) and the permission guards only these
 *   }
 * }
 * ```
 *
 * Every member is optional; a name declared here must then be passed to `register`
 * (`decorator`, `requestDecorators.user`, `requestDecorators.org`), so that the
 * types and the runtime cannot disagree.
 */
// Empty on purpose: apps merge their names into it.

export interface PropelAuthTypes {}

type DecoratorKey = 'decorator' | 'user' | 'org'

/** The union declared for `Key` (`roles`, `permissions`) in PropelAuthTypes, or `string` when none is. */
type DeclaredNames<Key extends 'roles' | 'permissions'> =
  PropelAuthTypes extends { [K in Key]: infer Names extends string }
    ? string extends Names ? string : Names
    : string

/**
 * A role name of your project: any string, unless PropelAuthTypes declares
 * `roles` (`roles: 'Owner' | 'Admin' | 'Member'`), and then only those, so that
 * a misspelt or miscased role (`'admin'`) fails to compile instead of refusing
 * every request. Role names are compared exactly, as PropelAuth does.
 */
export type PropelAuthRoleName = DeclaredNames<'roles'>
/** A permission name of your project: any string, unless PropelAuthTypes declares `permissions`. */
export type PropelAuthPermissionName = DeclaredNames<'permissions'>

/** The name declared for `Key` in PropelAuthTypes, or `Default`; a non-literal `string` would name every property, so it counts as not declared. */
type Declared<Key extends DecoratorKey, Default extends string> =
  PropelAuthTypes extends { [K in Key]: infer Name extends string }
    ? string extends Name ? Default : Name
    : Default

/** The instance decorator's name: `'auth'` unless PropelAuthTypes declares another. */
export type PropelAuthDecoratorName = Declared<'decorator', 'auth'>
/** The request decorator holding the user: `'user'` unless PropelAuthTypes declares another. */
export type PropelAuthUserDecoratorName = Declared<'user', 'user'>
/** The request decorator holding the org membership: `'org'` unless PropelAuthTypes declares another. */
export type PropelAuthOrgDecoratorName = Declared<'org', 'org'>

type IsDeclared<Key extends DecoratorKey> = PropelAuthTypes extends { [K in Key]: string } ? true : false

type RequestDecoratorName<Key extends 'user' | 'org', Name extends string> = IsDeclared<Key> extends true
  ? { [K in Key]: Name }
  : { [K in Key]?: string }

/** `requestDecorators`: the names `request.user` and `request.org` take instead. */
type RequestDecoratorsOption =
  RequestDecoratorName<'user', PropelAuthUserDecoratorName> & RequestDecoratorName<'org', PropelAuthOrgDecoratorName>

/**
 * The options that name the decorators. A name declared in PropelAuthTypes is
 * required here, with that value; an undeclared one is free (and the types then
 * keep the default name).
 */
export type DecoratorNameOptions =
  & (IsDeclared<'decorator'> extends true
    ? {
        /** Name of the instance decorator, as declared in PropelAuthTypes. */
        decorator: PropelAuthDecoratorName
      }
    : {
        /** Name of the instance decorator. Default `auth`. Declare a new name in PropelAuthTypes for TypeScript. */
        decorator?: string
      })
  & (true extends IsDeclared<'user'> | IsDeclared<'org'>
    ? {
        /** Names of the request decorators, as declared in PropelAuthTypes. */
        requestDecorators: RequestDecoratorsOption
      }
    : {
        /** Names of the request decorators the guards set. Default `{ user: 'user', org: 'org' }`. Declare new names in PropelAuthTypes for TypeScript. */
        requestDecorators?: RequestDecoratorsOption
      })

/** The names under which the guards put the user and the org on the request. */
export interface RequestDecoratorNames {
  user: string
  org: string
}
export const DEFAULT_REQUEST_DECORATORS: Readonly<RequestDecoratorNames> = Object.freeze({ user: 'user', org: 'org' })
