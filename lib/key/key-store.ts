import type { KeyObject } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Transport } from '../api/transport.js'
import { fetchVerifierKeyPem } from './fetch-verifier-key.js'
import { importVerifierKey } from './read-verifier-key.js'

interface KeyStoreOptions {
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
