// Settings read from the environment when their option is not given, under the
// names PropelAuth's own libraries read (its Next.js library, and Clerk's
// Fastify plugin does the same for its own): each one on its own, a given
// option always winning. No other variable is read.

export const ENVIRONMENT_VARIABLES = {
  authUrl: 'PROPELAUTH_AUTH_URL',
  apiKey: 'PROPELAUTH_API_KEY',
  verifierKey: 'PROPELAUTH_VERIFIER_KEY'
} as const

type Environment = Record<string, string | undefined>

/** A variable's value; an empty one counts as not set. */
function read (env: Environment, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value
}

function originOf (url: unknown): unknown {
  try {
    return typeof url === 'string' ? new URL(url).origin : url
  } catch {
    return url
  }
}

/**
 * The options with the settings the environment gives for those not given.
 * A verifier key stored on one line, with `\n` for its line breaks (as
 * deployment platforms often keep it), gets its line breaks back.
 *
 * The API key and the verifier key of the environment belong to the project
 * of its auth URL: an app that names another auth URL in its options (a test
 * against the stand-in, in a shell set up for the real project) does not get
 * them, which would fail its key fetch or every token.
 */
export function withEnvironment (options: Record<string, unknown>, env: Environment = process.env): Record<string, unknown> {
  const filled = { ...options }
  const environmentUrl = read(env, ENVIRONMENT_VARIABLES.authUrl)
  if (filled.authUrl === undefined) filled.authUrl = environmentUrl
  else if (environmentUrl !== undefined && originOf(filled.authUrl) !== originOf(environmentUrl)) return dropUndefined(filled)
  if (filled.apiKey === undefined) filled.apiKey = read(env, ENVIRONMENT_VARIABLES.apiKey)
  const verifierKey = read(env, ENVIRONMENT_VARIABLES.verifierKey)
  if (filled.tokenVerificationMetadata === undefined && verifierKey !== undefined) {
    filled.tokenVerificationMetadata = { verifierKey: verifierKey.replace(/\\n/g, '\n').trim() }
  }
  return dropUndefined(filled)
}

function dropUndefined (options: Record<string, unknown>): Record<string, unknown> {
  for (const name of Object.keys(options)) if (options[name] === undefined) delete options[name]
  return options
}
