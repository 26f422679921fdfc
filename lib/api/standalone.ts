import { InvalidOptionError } from '../errors.js'
import { rejectUnknownKeys } from '../options/option-checks.js'
import { resolveOptions } from '../options/resolve-options.js'
import { createApiClient, type PropelAuthApi } from './client.js'
import { Transport } from './transport.js'
import { isPlainObject } from '../util/is-plain-object.js'

export interface PropelAuthClientOptions {
  /** Your PropelAuth auth URL, e.g. `https://auth.example.com`; its hostname goes in `X-Propelauth-url`. */
  authUrl: string
  /** Backend Integration API key. */
  apiKey: string
  /** Where calls go. Default `https://propelauth-api.com`. */
  apiBaseUrl?: string | undefined
  /** Accept `http://` URLs off loopback (a process warning is emitted). Default false. */
  allowInsecureHttp?: boolean | undefined
  /** Milliseconds before one attempt is abandoned. Default 10000. */
  timeout?: number | undefined
  /** Extra attempts for calls that are safe to repeat, on network errors, 5xx and 429. Default 2. */
  retries?: number | undefined
}

/** The backend API without Fastify; `close()` aborts calls in flight and pending retries. */
export interface PropelAuthClient extends PropelAuthApi {
  close: () => void
}

const CLIENT_OPTIONS = ['authUrl', 'apiKey', 'apiBaseUrl', 'allowInsecureHttp', 'timeout', 'retries']

/**
 * PropelAuth's backend API for scripts, workers and other frameworks: the same
 * functions as `app.auth`, checked options, the same transport.
 *
 * ```ts
 * const propelauth = createPropelAuthClient({ authUrl, apiKey })
 * const user = await propelauth.fetchUserMetadataByEmail('ada@example.com')
 * ```
 */
export function createPropelAuthClient (options: PropelAuthClientOptions): PropelAuthClient {
  if (!isPlainObject(options)) {
    throw new InvalidOptionError('createPropelAuthClient expects { authUrl, apiKey, apiBaseUrl?, allowInsecureHttp?, timeout?, retries? }')
  }
  rejectUnknownKeys(options, CLIENT_OPTIONS, '', 'createPropelAuthClient')
  if (options.apiKey === undefined) {
    throw new InvalidOptionError('option `apiKey` is required: the key from the Backend Integration page of your PropelAuth project')
  }
  // The plugin's own checks, for the options the two share; the key is given, so no metadata is needed.
  const resolved = resolveOptions({
    authUrl: options.authUrl,
    apiKey: options.apiKey,
    apiBaseUrl: options.apiBaseUrl,
    allowInsecureHttp: options.allowInsecureHttp,
    timeout: options.timeout,
    retries: options.retries
  })
  // No logger here: Node's process warnings are how a library without one speaks.
  for (const warning of resolved.warnings) process.emitWarning(warning, { code: 'FST_PROPELAUTH_INSECURE_HTTP' })
  const transport = new Transport({
    apiBaseUrl: resolved.apiBaseUrl,
    apiKey: resolved.apiKey,
    authHostname: resolved.authHostname,
    timeout: resolved.timeout,
    retries: resolved.retries
  })
  return { ...createApiClient(transport), close: () => transport.close() }
}
