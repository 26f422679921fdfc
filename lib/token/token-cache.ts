import { digestOf, ExpiringLru } from '../util/expiring-lru.js'
import type { User } from './user.js'

/**
 * The verified-token cache: users keyed by the SHA-256 of their whole token
 * (signature included), each entry expiring with the token's `exp`.
 */
export class TokenCache extends ExpiringLru<User> {
  static keyOf (token: string): string {
    return digestOf(token)
  }
}
