import type { IdSource } from '../ids.js'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
/** 20 bytes are 27 base62 digits: the length of the ids after `msg_` in Svix's messages. */
const ID_BYTES = 20
const ID_DIGITS = 27

function base62 (hex: string): string {
  let value = BigInt(`0x${hex}`)
  let out = ''
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out
    value /= 62n
  }
  return out.padStart(ID_DIGITS, '0')
}

/** A message id as Svix writes them, `msg_` and 27 letters and digits, from the stand-in's id source. */
export function newMessageId (ids: IdSource): string {
  return `msg_${base62(ids.hex(ID_BYTES))}`
}
