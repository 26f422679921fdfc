// What the stand-in says about itself at `GET /standin/about`: a leaf module,
// shared by the route and by `fastify-propelauth-standin/docs-login`, which
// reads it to be sure a URL is a stand-in before offering its password login.

/** The path of the stand-in's own description. PropelAuth has no such path. */
export const ABOUT_PATH = '/standin/about'

/** The name the stand-in answers with: the package's. */
export const STAND_IN_NAME = 'fastify-propelauth-standin'

/** The answer of `GET /standin/about`. */
export interface StandInAbout {
  name: typeof STAND_IN_NAME
  /** Where its OAuth2 password login (`POST`) is, a path on the same origin. */
  passwordLoginPath: string
}
