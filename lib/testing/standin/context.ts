import type { MintAccessTokenOptions } from '../mint.js'
import type { StandInState } from './state.js'

/** What every route module of the stand-in shares. */
export interface StandInContext {
  state: StandInState
  publicKeyPem: string
  /** Signs a token with the stand-in's key and issuer. */
  mint: (options: MintAccessTokenOptions) => Promise<string>
}
