import type { FastifyInstance } from 'fastify'
import { ABOUT_PATH, STAND_IN_NAME, type StandInAbout } from '../about.js'
import { AUTH_URL_PATHS } from '../auth-url/paths.js'

/**
 * `GET /standin/about`: says that this server is the stand-in and where its
 * password login is. Tools that must never offer that login against a real
 * PropelAuth project (the docs sign-in of `fastify-propelauth-standin/docs-login`)
 * ask here first. It takes no API key and tells nothing about the project.
 */
export function aboutRoutes (app: FastifyInstance): void {
  app.get(ABOUT_PATH, async (): Promise<StandInAbout> => ({ name: STAND_IN_NAME, passwordLoginPath: AUTH_URL_PATHS.login }))
}
