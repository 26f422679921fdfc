import type { KeyObject } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { InvalidVerifierKeyError, MetadataFetchError } from '../errors.js'
import type { Transport } from '../api/transport.js'
import { readVerifierKey } from './read-verifier-key.js'

export const METADATA_PATH = '/api/v1/token_verification_metadata'

/**
 * Imports PropelAuth's verifier key. Only an RSA public key in SPKI PEM form is
 * accepted, as in PropelAuth's Node library; the key object is built once and
 * reused for every verification.
 */
export function importVerifierKey (pem: unknown, source: string): KeyObject {
  const key = readVerifierKey(pem)
  if (typeof key === 'string') throw new InvalidVerifierKeyError(`the verifier key from ${source} ${key}`)
  return key
}

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

export interface KeyStoreOptions {
  transport: Transport | undefined
  authHostname: string
  /** Seconds between two background refetches. */
  refreshCooldown: number
  log: FastifyBaseLogger
  /** Called after a refetch brought a different key, so cached verdicts can be dropped. */
  onKeyChange?: () => void
}

/**
 * Holds the verification key. The key is fixed at boot; a token whose signature
 * fails may ask for one background refetch (key rotation), at most once per
 * cooldown. Requests never wait on it: the one that asked still fails, and the
 * next ones are checked against the new key once it has arrived.
 */
export class KeyStore {
  #key: KeyObject
  #pem: string
  readonly #options: KeyStoreOptions
  #lastRefreshAt = -Infinity
  #inFlight: Promise<void> | undefined
  #closed = false

  constructor (pem: string, key: KeyObject, options: KeyStoreOptions) {
    this.#pem = pem
    this.#key = key
    this.#options = options
  }

  get key (): KeyObject { return this.#key }

  /** True while a background refetch runs; for tests and shutdown. */
  get refreshing (): Promise<void> | undefined { return this.#inFlight }

  /** Asks for a background refetch after a signature failure; a no-op within the cooldown or with a static key. */
  requestRefresh (): void {
    const { transport, refreshCooldown } = this.#options
    if (transport === undefined || this.#closed || this.#inFlight !== undefined) return
    const now = performance.now()
    if (now - this.#lastRefreshAt < refreshCooldown * 1000) return
    this.#lastRefreshAt = now
    this.#inFlight = this.#refresh(transport).finally(() => { this.#inFlight = undefined })
  }

  async #refresh (transport: Transport): Promise<void> {
    try {
      const pem = await fetchVerifierKeyPem(transport, this.#options.authHostname)
      if (this.#closed || pem === this.#pem) return
      this.#key = importVerifierKey(pem, transport.apiBaseUrl)
      this.#pem = pem
      this.#options.log.info('fastify-propelauth: token verification key rotated')
      this.#options.onKeyChange?.()
    } catch (error) {
      if (!this.#closed) {
        this.#options.log.warn({ code: (error as { code?: string }).code }, `fastify-propelauth: key refetch failed, keeping the current key: ${(error as Error).message}`)
      }
    }
  }

  async close (): Promise<void> {
    this.#closed = true
    await this.#inFlight
  }
}
