/**
 * The paths a PropelAuth project's auth URL serves to browsers. PropelAuth's
 * browser client (`@propelauth/javascript`) fetches the first two with the
 * session cookie and sends users to the pages by full-page navigation.
 * None of them takes the backend API key.
 */
export const AUTH_URL_PATHS = {
  refreshToken: '/api/v1/refresh_token',
  logout: '/api/v1/logout',
  login: '/login',
  signup: '/signup',
  account: '/account',
  org: '/org',
  createOrg: '/create_org'
} as const

/**
 * Where the hosted pages' forms post. They have paths of their own because
 * `POST /login` is taken: it is the stand-in's OAuth2 password endpoint
 * (Swagger UI's Authorize), which answers JSON and starts no session.
 */
export const HOSTED_FORM_PATHS = {
  login: '/hosted/login',
  mfa: '/hosted/login/mfa',
  signup: '/hosted/signup',
  account: '/hosted/account',
  createOrg: '/hosted/create_org',
  signOut: '/hosted/logout'
} as const

/**
 * The auth URL's half of PropelAuth's server-side sign-in (the protocol of
 * `@propelauth/nextjs`): a browser is sent to `authorize` and back to the
 * app with a code; the app's server exchanges the code at `token` (with the
 * backend API key) and reads the user at `userinfo` (with an access token).
 */
export const SSR_PATHS = {
  authorize: '/propelauth/ssr/authorize',
  token: '/propelauth/ssr/token',
  userinfo: '/propelauth/oauth/userinfo'
} as const

/** The path, on an app signed in on its server, where the hosted sign-out sends the browser (PropelAuth's setting for `@propelauth/nextjs`). */
export const SSR_APP_LOGOUT_PATH = '/api/auth/logout'

/** The backend API's half of it: refreshing and signing out with a refresh token (the API key is required). */
export const SSR_BACKEND_PATHS = {
  refreshToken: '/api/backend/v1/refresh_token',
  logout: '/api/backend/v1/logout'
} as const

// `token` is not among these: it takes the backend API key.
const BROWSER_PATHS: ReadonlySet<string> = new Set([
  ...Object.values(AUTH_URL_PATHS),
  ...Object.values(HOSTED_FORM_PATHS),
  SSR_PATHS.authorize,
  SSR_PATHS.userinfo
])

/** Whether `path` is one of the auth URL's paths that take no API key (browser-facing, and `userinfo`, which takes an access token). */
export function isAuthUrlPath (path: string): boolean {
  return BROWSER_PATHS.has(path)
}
