import { createVerify, type KeyObject } from 'node:crypto'
import { isAscii, isUtf8 } from 'node:buffer'
import { decodeCanonical, decodeCanonicalInto, decodedLength } from './base64url.js'
import { hasDuplicateMembers } from './json-duplicates.js'
import { TokenCache } from './token-cache.js'
import { userFromClaims, type User } from './user.js'

/** Why a request carries no acceptable user. Each maps to one 401 error in guards.ts. */
export type RejectionReason = 'missing' | 'malformed-header' | 'invalid' | 'expired'

export class Rejection {
  constructor (readonly reason: RejectionReason) {}
}

// Shared instances: a rejection carries no per-request data, so none is allocated.
const MISSING = Object.freeze(new Rejection('missing'))
const MALFORMED_HEADER = Object.freeze(new Rejection('malformed-header'))
const INVALID = Object.freeze(new Rejection('invalid'))
const EXPIRED = Object.freeze(new Rejection('expired'))

/**
 * Longest token looked at. Node's default header limit (16 KiB) stops longer
 * ones at the door already; this bounds the work when a token arrives another way.
 */
export const MAX_TOKEN_LENGTH = 64 * 1024

/**
 * Header parameters that change how a JWS must be processed. We implement none
 * of them, so a token that carries one is refused rather than half understood:
 * `crit` and `b64` (RFC 7515 §4.1.11, RFC 7797) and JWE's `enc`/`zip`.
 */
const UNSUPPORTED_HEADER_PARAMETERS = ['crit', 'b64', 'enc', 'zip']

/** Parses a decoded JOSE segment: valid UTF-8, JSON, an object, no duplicate member. */
function parseJsonObject (bytes: Buffer): Record<string, unknown> | undefined {
  // Claims are nearly always ASCII, and ASCII bytes read as latin1 are the same
  // text: one check and a plain copy instead of a UTF-8 check and a UTF-8 decode.
  let text: string
  if (isAscii(bytes)) text = bytes.toString('latin1')
  else if (isUtf8(bytes)) text = bytes.toString('utf8')
  else return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  if (hasDuplicateMembers(text, value)) return undefined
  return value as Record<string, unknown>
}

/** The JOSE header checks: JSON object, `alg` exactly RS256, no parameter we do not implement. */
function isAcceptableHeader (segment: string): boolean {
  const bytes = decodeCanonical(segment)
  if (bytes === undefined) return false
  const header = parseJsonObject(bytes)
  if (header === undefined || header.alg !== 'RS256') return false
  for (const name of UNSUPPORTED_HEADER_PARAMETERS) {
    if (Object.hasOwn(header, name)) return false
  }
  return true
}

function isNumber (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

export interface TokenVerifierOptions {
  /** The verification key in force; read on every verification so that a rotated key applies at once. */
  getKey: () => KeyObject
  issuer: string
  /** Seconds of leeway on `exp` and `nbf`. */
  clockTolerance: number
  /** Entries in the verified-token cache; 0 turns it off. */
  cacheMax: number
  /** Called when a well-formed RS256 token's signature does not match: the key may have rotated. */
  onSignatureMismatch?: () => void
  /** Clock in epoch milliseconds; tests replace it. */
  now?: () => number
}

/**
 * Verifies PropelAuth access tokens without a network call.
 *
 * Why not jose's `jwtVerify`: it is generic (JWK sets, every algorithm, async
 * key resolution) and spends more than twice the RSA check itself per token.
 * PropelAuth's tokens need one thing: RS256 under one fixed RSA key. That is a
 * single RSA-SHA256 check with a KeyObject built once at boot, plus the claim
 * checks below; bench/ measures the whole at about 1.6× the bare RSA check.
 * The security properties that jose gives are kept explicitly:
 * - only `alg: "RS256"`; `none`, HS*, PS*, ES* are refused before any crypto, so
 *   the public key can never be used as an HMAC secret;
 * - the key is the configured one; `jwk`, `jku`, `x5u`, `x5c`, `kid` never select a key;
 * - `crit`/`b64`/JWE parameters are refused; exactly three canonical base64url segments;
 * - `iss` equals the issuer exactly; `exp` is required; `nbf` is honoured; `iat` must be a number;
 * - claims with duplicate names or shapes PropelAuth does not sign are refused.
 */
export class TokenVerifier {
  readonly #options: TokenVerifierOptions
  readonly #cache: TokenCache | undefined
  readonly #now: () => number
  /**
   * The last header segment that passed `isAcceptableHeader`. PropelAuth puts the
   * same header in every token, so the checks run once per distinct header text;
   * the verdict depends on nothing but that text, so reusing it is exact.
   */
  #acceptedHeader = ''
  // Where the payload and the signature are decoded: no buffer is allocated per
  // token. verifyToken is synchronous and nothing it calls can re-enter it, so
  // a token's bytes are read before the next token overwrites them.
  readonly #payloadScratch = Buffer.allocUnsafeSlow(decodedLength(MAX_TOKEN_LENGTH))
  readonly #signatureScratch = Buffer.allocUnsafeSlow(decodedLength(MAX_TOKEN_LENGTH))

  constructor (options: TokenVerifierOptions) {
    this.#options = options
    this.#cache = options.cacheMax > 0 ? new TokenCache(options.cacheMax) : undefined
    this.#now = options.now ?? Date.now
  }

  /** Number of cached verified tokens. */
  get cacheSize (): number { return this.#cache?.size ?? 0 }

  /** Drops every cached verdict, e.g. after the key changed. */
  clearCache (): void {
    this.#cache?.clear()
  }

  /**
   * Reads `Authorization: Bearer <token>` (scheme in any case, one space, as
   * PropelAuth's libraries do) and verifies the token.
   */
  verifyAuthorizationHeader (header: unknown): User | Rejection {
    if (header === undefined || header === null || header === '') return MISSING
    if (typeof header !== 'string') return MALFORMED_HEADER
    const space = header.indexOf(' ')
    if (space !== 6 || header.slice(0, 6).toLowerCase() !== 'bearer') {
      // Another scheme (Basic …), or a bare token: no bearer credentials presented.
      return header.length >= 6 && header.slice(0, 6).toLowerCase() === 'bearer' ? MALFORMED_HEADER : MISSING
    }
    const token = header.slice(7)
    if (token === '' || token.includes(' ')) return MALFORMED_HEADER
    return this.verifyToken(token)
  }

  verifyToken (token: string): User | Rejection {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return INVALID
    const now = this.#now()
    const cache = this.#cache
    let cacheKey: string | undefined
    if (cache !== undefined) {
      cacheKey = TokenCache.keyOf(token)
      const cached = cache.get(cacheKey, now)
      if (cached !== undefined) return cached
    }

    const firstDot = token.indexOf('.')
    const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1)
    if (firstDot <= 0 || secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return INVALID

    const headerSegment = token.slice(0, firstDot)
    if (headerSegment !== this.#acceptedHeader) {
      if (!isAcceptableHeader(headerSegment)) return INVALID
      this.#acceptedHeader = headerSegment
    }

    const signatureLength = decodeCanonicalInto(this.#signatureScratch, token.slice(secondDot + 1))
    const payloadLength = decodeCanonicalInto(this.#payloadScratch, token.slice(firstDot + 1, secondDot))
    if (signatureLength <= 0 || payloadLength < 0) return INVALID
    const payloadBytes = this.#payloadScratch.subarray(0, payloadLength)

    // RSASSA-PKCS1-v1_5 with SHA-256 (the key is RSA, checked at import). The signing
    // input is the text `header.payload`, proved ASCII above, so latin1 gives its exact
    // bytes. A Verify object fed the string costs less than building a Buffer of it
    // for the one-shot crypto.verify.
    let signatureMatches = false
    try {
      signatureMatches = createVerify('sha256')
        .update(token.slice(0, secondDot), 'latin1')
        .verify(this.#options.getKey(), this.#signatureScratch.subarray(0, signatureLength))
    } catch {
      signatureMatches = false
    }
    if (!signatureMatches) {
      this.#options.onSignatureMismatch?.()
      return INVALID
    }

    const claims = parseJsonObject(payloadBytes)
    if (claims === undefined) return INVALID

    const { issuer, clockTolerance } = this.#options
    if (claims.iss !== issuer) return INVALID
    const nowSeconds = Math.floor(now / 1000)
    const { exp, nbf, iat } = claims
    if (!isNumber(exp)) return INVALID
    if (nbf !== undefined && (!isNumber(nbf) || nbf > nowSeconds + clockTolerance)) return INVALID
    if (iat !== undefined && !isNumber(iat)) return INVALID
    // Same rule as jose (PropelAuth's Node library): expired once exp <= now - tolerance.
    if (exp <= nowSeconds - clockTolerance) return EXPIRED

    let user: User
    try {
      user = userFromClaims(claims)
    } catch {
      // ClaimsShapeError: claims PropelAuth would not sign. Nothing else is expected,
      // but a request must never turn into a 500 because of what a token holds.
      return INVALID
    }
    if (cache !== undefined) cache.set(cacheKey as string, user, (exp + clockTolerance) * 1000)
    return user
  }
}
