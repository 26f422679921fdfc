import { createPublicKey, type KeyObject } from 'node:crypto'
import { InvalidVerifierKeyError } from '../errors.js'

/** RS256 keys shorter than this are refused, as jose (and so PropelAuth's Node library) does. */
const MIN_MODULUS_BITS = 2048

/**
 * Reads PropelAuth's verifier key: an RSA public key of at least 2048 bits in
 * SPKI PEM form, as PropelAuth's Node library requires. Returns the key, or a
 * sentence (to follow "the verifier key from …") saying what is wrong with it.
 * Shared by option validation (a key given in `tokenVerificationMetadata`) and
 * the key fetch, so both refuse the same keys with the same words.
 */
export function readVerifierKey (pem: unknown): KeyObject | string {
  // A PEM kept in an environment variable often has its line breaks written as
  // the two characters `\n`. A backslash never occurs in a PEM (base64 has
  // none), so every such pair is a line break that lost its way: restore it.
  if (typeof pem === 'string' && pem.includes('\\')) pem = pem.replace(/\\r\\n|\\n|\\r/g, '\n')
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN PUBLIC KEY-----')) {
    const hint = typeof pem === 'string' && pem.includes('-----BEGIN RSA PUBLIC KEY-----')
      ? ' It is a PKCS#1 "RSA PUBLIC KEY"; convert it with `openssl rsa -RSAPublicKey_in -pubout`.'
      : ''
    return `is not an SPKI PEM public key ("-----BEGIN PUBLIC KEY-----").${hint}`
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: pem, format: 'pem' })
  } catch {
    const hint = pem.includes('\\') ? '. It contains backslashes: line breaks must be real ones, or the two characters \\n, nothing else' : ''
    return `is not a readable PEM public key${hint}`
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return `is a ${key.asymmetricKeyType ?? 'non-RSA'} key; PropelAuth signs with RSA (RS256)`
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < MIN_MODULUS_BITS) {
    return `is a ${bits}-bit RSA key; RS256 needs at least ${MIN_MODULUS_BITS} bits`
  }
  return key
}

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
