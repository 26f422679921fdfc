import type { Transport } from './transport.js'

/** PropelAuth's backend API, with the names and argument shapes of its Node library. */
export interface PropelAuthApi {}

export function createApiClient (_transport: Transport): PropelAuthApi {
  return {}
}
