import { createHash, randomBytes, randomUUID } from 'node:crypto'

/** Where the stand-in gets new ids and secrets. */
export interface IdSource {
  /** A lowercase UUID v4, as PropelAuth's user and org ids. */
  uuid: () => string
  /** `bytes` random bytes as lowercase hex (API key ids are 16 bytes: 32 hex characters). */
  hex: (bytes: number) => string
}

function uuidFromHex (hex: string): string {
  // Version 4 and RFC 4122 variant nibbles, so the ids pass PropelAuth's client-side checks
  // (Python's requires a canonical lowercase UUID v4).
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/**
 * Random ids by default. With a seed, ids come from a hash of the seed and a
 * counter: the same calls in the same order give the same ids, so a test can
 * assert them. Seeded output is predictable by design: never use it for
 * anything but tests.
 */
export function createIdSource (seed?: string | number): IdSource {
  if (seed === undefined) {
    return { uuid: () => randomUUID(), hex: (bytes) => randomBytes(bytes).toString('hex') }
  }
  let counter = 0
  const next = (bytes: number): string => {
    let out = ''
    while (out.length < bytes * 2) {
      out += createHash('sha256').update(`${String(seed)}:${counter++}`).digest('hex')
    }
    return out.slice(0, bytes * 2)
  }
  return { uuid: () => uuidFromHex(next(16)), hex: next }
}

/** A UUID v4-shaped id derived from a name, so a seed gives the same ids every run. */
export function stableId (name: string): string {
  return uuidFromHex(createHash('sha256').update(name).digest('hex'))
}

/** 32 hex characters derived from a name: a stable API key id. */
export function stableHexId (name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32)
}

/** A number in [0, 1) derived from a name: stable "randomness" for plausible seeded histories. */
export function stableFraction (name: string): number {
  return parseInt(createHash('sha256').update(name).digest('hex').slice(0, 8), 16) / 0x1_0000_0000
}

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HEX_ID_PATTERN = /^[0-9a-f]{32}$/i

/** The shape PropelAuth's Node library accepts for user and org ids. */
export function isUuidShaped (value: string): boolean {
  return ID_PATTERN.test(value)
}

export function isHexId (value: string): boolean {
  return HEX_ID_PATTERN.test(value)
}
