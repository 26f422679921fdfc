import { createHash, timingSafeEqual } from 'node:crypto'

/** Compares a secret someone typed (a password, an MFA code) with the stored one in constant time. */
export function sameSecret (given: string, stored: string | undefined): boolean {
  if (stored === undefined) return false
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(stored))
}
