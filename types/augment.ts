import type { OrgMemberInfo, User } from '../lib/user.js'
import type { PropelAuthDecorator } from '../lib/decorator.js'

// Module augmentation: with `import propelAuth from 'fastify-propelauth'`,
// `app.auth` and `request.user` / `request.org` are typed without casts.
// With a renamed decorator (option `decorator`), declare your own:
//   declare module 'fastify' { interface FastifyInstance { propelAuth: PropelAuthDecorator } }
declare module 'fastify' {
  interface FastifyInstance {
    auth: PropelAuthDecorator
  }
  interface FastifyRequest {
    /** Set by the guards: the verified user, or null when the route is not guarded or `optionalUser` found no valid token. */
    user: User | null
    /** Set by the org guards: the user's membership in the org the route checked. */
    org: OrgMemberInfo | null
  }
}

export {}
