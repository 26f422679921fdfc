// Strict base64url (RFC 4648 §5, unpadded, as JWS uses it). Node's decoder is
// lenient: it skips characters outside the alphabet, reads `+` and `/` like `-`
// and `_`, ignores the unused bits of the last character, and truncates
// characters above U+00FF to their low byte. A token must not have several
// spellings, so only the canonical one is accepted.

/** Decodes `segment`, or returns undefined unless it is canonical: the reference check, by re-encoding. */
export function decodeCanonical (segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, 'base64url')
  return bytes.toString('base64url') === segment ? bytes : undefined
}

/** 6-bit value of each base64url character, by char code; -1 for any other. */
const VALUES = new Int8Array(128).fill(-1)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

/** Bytes that decoding a canonical segment of `length` characters produces. */
export function decodedLength (length: number): number {
  return (length * 3) >> 2
}

/**
 * Decodes `segment` into `scratch` and returns the number of bytes written, or
 * -1 unless the segment is canonical. The same verdicts as `decodeCanonical`
 * without allocating a buffer and a re-encoded string per call, which matters
 * on the verifier's uncached path. Each leniency of Node's decoder is ruled out:
 * - characters above U+007F: the UTF-8 length would exceed the length;
 * - other characters outside the alphabet are skipped, so fewer bytes come out
 *   than the length promises (and a length of 1 mod 4 is never canonical);
 * - `+` and `/` are looked for explicitly;
 * - the unused low bits of the last character must be zero.
 * `scratch` must hold `decodedLength(segment.length)` bytes.
 */
export function decodeCanonicalInto (scratch: Buffer, segment: string): number {
  const length = segment.length
  const rest = length & 3
  if (rest === 1 || Buffer.byteLength(segment, 'utf8') !== length) return -1
  const written = scratch.write(segment, 0, 'base64url')
  if (written !== decodedLength(length)) return -1
  if (segment.includes('+') || segment.includes('/')) return -1
  // With 2 characters left over, the last one carries 4 unused bits; with 3, 2 bits.
  if (rest !== 0 && (VALUES[segment.charCodeAt(length - 1)] & (rest === 2 ? 0b1111 : 0b11)) !== 0) return -1
  return written
}
