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

const BROWSER_PATHS: ReadonlySet<string> = new Set([...Object.values(AUTH_URL_PATHS), ...Object.values(HOSTED_FORM_PATHS)])

/** Whether `path` is one of the auth URL's browser-facing paths. */
export function isAuthUrlPath (path: string): boolean {
  return BROWSER_PATHS.has(path)
}
