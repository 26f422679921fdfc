import { MetadataFetchError } from '../errors.js'
import type { Transport } from '../api/transport.js'

// The key is loaded once, at registration, through the one transport every call
// to PropelAuth takes: fail at boot with what to fix, never per request.

const METADATA_PATH = '/api/v1/token_verification_metadata'

/** The reason of a transport error, without the "fastify-propelauth:" prefix its message already carries. */
function reasonOf (error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/^fastify-propelauth: /, '')
}

/**
 * Fetches `{ verifier_key_pem }` from PropelAuth, retrying network errors, 5xx and
 * 429 through the transport, and turns every failure into an error that says
 * what to fix. Neither the API key nor the response body goes into a message.
 */
export async function fetchVerifierKeyPem (transport: Transport, authHostname: string): Promise<string> {
  const where = `${transport.apiBaseUrl}${METADATA_PATH} (auth URL host ${authHostname})`
  let response
  try {
    response = await transport.request({ method: 'GET', path: METADATA_PATH, retry: true })
  } catch (error) {
    // A redirect was answered, so the host is reachable; its message already says what to fix.
    const hint = (error as { code?: unknown }).code === 'FST_PROPELAUTH_BACKEND_REDIRECT'
      ? ''
      : `. Check that ${transport.apiBaseUrl} is reachable (options \`apiBaseUrl\`, \`timeout\`, \`retries\`).`
    throw new MetadataFetchError(`${reasonOf(error)}${hint}`, { cause: error })
  }
  switch (response.status) {
    case 200:
      break
    case 401:
      throw new MetadataFetchError(`${where} answered 401: PropelAuth rejected the API key. Check the \`apiKey\` option (Backend Integration page of your PropelAuth project).`)
    case 404:
      throw new MetadataFetchError(`${where} answered 404: PropelAuth does not know this auth URL. Check the \`authUrl\` option.`)
    case 429:
      throw new MetadataFetchError(`${where} answered 429: PropelAuth is rate limiting this API key. Try again later.`)
    default:
      throw new MetadataFetchError(response.status >= 500
        ? `${where} answered ${response.status}: PropelAuth's backend is failing. Try again later; the \`retries\` option sets how often it is retried.`
        : `${where} answered ${response.status}. Check the \`authUrl\` and \`apiBaseUrl\` options.`)
  }
  let pem: unknown
  try {
    pem = (JSON.parse(response.text) as { verifier_key_pem?: unknown })?.verifier_key_pem
  } catch {
    throw new MetadataFetchError(`${where} answered 200 with a body that is not JSON. Check the \`apiBaseUrl\` option.`)
  }
  if (typeof pem !== 'string') {
    throw new MetadataFetchError(`${where} answered 200 without a verifier_key_pem string. Check the \`apiBaseUrl\` option.`)
  }
  return pem
}
