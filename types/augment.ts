import type { OrgMemberInfo, User } from '../lib/token/user.js'
import type { PropelAuthDecorator } from '../lib/decorator.js'
import type { PropelAuthDecoratorName, PropelAuthOrgDecoratorName, PropelAuthUserDecoratorName } from '../lib/options/declared-names.js'

// Module augmentation: with `import propelAuth from 'fastify-propelauth'`,
// `app.auth` and `request.user` / `request.org` are typed without casts, under the
// names declared in PropelAuthTypes (lib/options/declared-names.ts) when an app renames them.
//
// The members are inherited (`extends`) rather than declared, because an
// interface may extend a mapped type whose keys are known: the property is then
// named by the app's declaration. Another plugin that declares `auth` (@fastify/auth)
// or `user` (@fastify/jwt) on the same interface no longer meets a declaration of
// ours under that name once the app has renamed ours, in whatever order the
// compiler reads the two packages, and whether or not it checks declaration files.

type InstanceDecorators = { [Name in PropelAuthDecoratorName]: PropelAuthDecorator }

type RequestDecorators =
  & {
    /** Set by the guards: the verified user, or null when the route is not guarded or `optionalUser` found no valid token. */
    [Name in PropelAuthUserDecoratorName]: User | null
  }
  & {
    /** Set by the org guards: the user's membership in the org the route checked. */
    [Name in PropelAuthOrgDecoratorName]: OrgMemberInfo | null
  }

declare module 'fastify' {
  // Empty on purpose: the members come from the mapped types above.

  interface FastifyInstance extends InstanceDecorators {}

  interface FastifyRequest extends RequestDecorators {}
}

export {}
