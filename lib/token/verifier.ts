import { createVerify, type KeyObject } from 'node:crypto'
import { isAscii, isUtf8 } from 'node:buffer'
import { decodeCanonical, decodeCanonicalInto, decodedLength } from '../util/base64url.js'
import { hasDuplicateMembers } from '../util/json-duplicates.js'
import { RevokedTokens } from './revoked-tokens.js'
import { TokenCache } from './token-cache.js'
import { NO_BEARER_CREDENTIALS, parseBearerHeader } from './bearer-header.js'
import { quoted, Rejection } from './rejection.js'
import { ClaimsShapeError, userFromClaims, type User } from './user.js'
import { isPlainObject } from '../util/is-plain-object.js'

/**
 * Longest token looked at. Node's default header limit (16 KiB) stops longer
 * ones at the door already; this bounds the work when a token arrives another way.
 */
export const MAX_TOKEN_LENGTH = 64 * 1024

// Shared instances where a rejection carries no per-request fact: none is allocated.
const TOO_LONG = Object.freeze(new Rejection('invalid', 'malformed-token', `the token is empty or longer than ${MAX_TOKEN_LENGTH} characters`))
const NOT_THREE_SEGMENTS = Object.freeze(new Rejection('invalid', 'malformed-token', 'the token is not three dot-separated segments (header.payload.signature)'))
const BAD_SIGNATURE_ENCODING = Object.freeze(new Rejection('invalid', 'malformed-token', 'the signature segment (third) is not canonical base64url'))
const BAD_PAYLOAD_ENCODING = Object.freeze(new Rejection('invalid', 'malformed-token', 'the payload segment (second) is not canonical base64url'))
const BAD_PAYLOAD = Object.freeze(new Rejection('invalid', 'malformed-token', 'the payload (second segment) is not a JSON object in UTF-8 without duplicate members'))

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
  if (!isPlainObject(value)) return undefined
  if (hasDuplicateMembers(text, value)) return undefined
  return value
}

/**
 * The JOSE header checks: JSON object, `alg` exactly RS256, no parameter we do
 * not implement. Returns what is wrong, or undefined for an acceptable header.
 */
function headerProblem (segment: string): string | undefined {
  const bytes = decodeCanonical(segment)
  if (bytes === undefined) return 'the header segment (first) is not canonical base64url'
  const header = parseJsonObject(bytes)
  if (header === undefined) return 'the header (first segment) is not a JSON object in UTF-8 without duplicate members'
  if (header.alg !== 'RS256') return `the header's alg is ${header.alg === undefined ? 'missing' : quoted(header.alg)}; PropelAuth signs with RS256 only`
  for (const name of UNSUPPORTED_HEADER_PARAMETERS) {
    if (Object.hasOwn(header, name)) return `the header carries "${name}", which changes how a token is processed and is not supported`
  }
  return undefined
}

/** The issuer a payload claims, read for the refusal log only (it is public, and shown as the token's claim). */
function claimedIssuer (payload: Buffer): string | undefined {
  const claims = parseJsonObject(payload)
  return typeof claims?.iss === 'string' ? claims.iss : undefined
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
  /** Users whose tokens issued before a moment are refused. */
  revoked?: RevokedTokens
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
  readonly #revoked: RevokedTokens
  /** When each verified user's token was issued (`iat`), for revocations: the User itself keeps PropelAuth's shape. */
  readonly #issuedAt = new WeakMap<User, number>()
  /**
   * The last header segment `headerProblem` found acceptable. PropelAuth puts the
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
    this.#revoked = options.revoked ?? new RevokedTokens()
  }

  /** Number of cached verified tokens. */
  get cacheSize (): number { return this.#cache?.size ?? 0 }

  /** Drops every cached verdict, e.g. after the key changed. */
  clearCache (): void {
    this.#cache?.clear()
  }

  /** Reads `Authorization: Bearer <token>` (the rule of bearer-header.ts) and verifies the token. */
  verifyAuthorizationHeader (header: unknown): User | Rejection {
    const token = parseBearerHeader(header)
    return typeof token === 'string' ? this.verifyToken(token) : token ?? NO_BEARER_CREDENTIALS
  }

  /** The user of a valid token, unless their tokens issued before it were revoked since. */
  verifyToken (token: string): User | Rejection {
    const result = this.#verifyToken(token)
    // Nothing is looked up until a revocation; then one lookup per valid token.
    if (this.#revoked.size === 0 || result instanceof Rejection) return result
    const issuedBefore = this.#revoked.issuedBefore(result.userId, this.#now())
    if (issuedBefore === undefined || (this.#issuedAt.get(result) ?? 0) > issuedBefore) return result
    return new Rejection('revoked', 'revoked', `the user's tokens issued until ${new Date(issuedBefore * 1000).toISOString()} were revoked`, { userId: result.userId })
  }

  #verifyToken (token: string): User | Rejection {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return TOO_LONG
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
    if (firstDot <= 0 || secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return NOT_THREE_SEGMENTS

    const headerSegment = token.slice(0, firstDot)
    if (headerSegment !== this.#acceptedHeader) {
      const problem = headerProblem(headerSegment)
      if (problem !== undefined) return new Rejection('invalid', 'malformed-token', problem)
      this.#acceptedHeader = headerSegment
    }

    const signatureLength = decodeCanonicalInto(this.#signatureScratch, token.slice(secondDot + 1))
    const payloadLength = decodeCanonicalInto(this.#payloadScratch, token.slice(firstDot + 1, secondDot))
    if (signatureLength <= 0) return BAD_SIGNATURE_ENCODING
    if (payloadLength < 0) return BAD_PAYLOAD_ENCODING
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
      return this.#signatureMismatch(payloadBytes)
    }

    const claims = parseJsonObject(payloadBytes)
    if (claims === undefined) return BAD_PAYLOAD

    const { issuer, clockTolerance } = this.#options
    if (claims.iss !== issuer) return this.#wrongIssuer(claims)
    const nowSeconds = Math.floor(now / 1000)
    const { exp, nbf, iat } = claims
    if (!isNumber(exp)) return this.#invalidClaims(claims, 'the token has no numeric exp claim')
    if (nbf !== undefined && (!isNumber(nbf) || nbf > nowSeconds + clockTolerance)) {
      if (!isNumber(nbf)) return this.#invalidClaims(claims, 'the nbf claim is not a number')
      return new Rejection('invalid', 'not-yet-valid', `the token is not valid before nbf, ${nbf - nowSeconds} s from now (clockTolerance ${clockTolerance} s): check this server's clock`,
        { userId: userIdOf(claims), seconds: nbf - nowSeconds })
    }
    if (iat !== undefined && !isNumber(iat)) return this.#invalidClaims(claims, 'the iat claim is not a number')
    // Same rule as jose (PropelAuth's Node library): expired once exp <= now - tolerance.
    if (exp <= nowSeconds - clockTolerance) {
      return new Rejection('expired', 'expired', `the token expired ${nowSeconds - exp} s ago (clockTolerance ${clockTolerance} s)`,
        { userId: userIdOf(claims), seconds: nowSeconds - exp })
    }

    let user: User
    try {
      user = userFromClaims(claims)
    } catch (error) {
      // ClaimsShapeError: claims PropelAuth would not sign (its message names the
      // claim, never a value). Nothing else is expected, but a request must never
      // turn into a 500 because of what a token holds.
      const what = error instanceof ClaimsShapeError ? error.message : 'its claims could not be read'
      return this.#invalidClaims(claims, `the claims do not have PropelAuth's shape: ${what}`)
    }
    this.#issuedAt.set(user, isNumber(iat) ? iat : 0)
    if (cache !== undefined) cache.set(cacheKey as string, user, (exp + clockTolerance) * 1000)
    return user
  }

  // The refusals below are built only when a token fails: the path of a valid token allocates none.

  #signatureMismatch (payload: Buffer): Rejection {
    // The claims are not proved, so only the issuer is read, and said to be the token's claim:
    // a token of another PropelAuth project or environment is the usual case.
    const claimed = claimedIssuer(payload)
    const hint = claimed === undefined
      ? ''
      : claimed === this.#options.issuer
        ? ' (its iss is the expected issuer: a tampered token, or a key rotated since it was loaded?)'
        : ` (its unverified iss is ${quoted(claimed)}: a token of another PropelAuth project or environment?)`
    return new Rejection('invalid', 'signature-mismatch', `the signature does not match the verification key${hint}`,
      claimed === undefined ? undefined : { expectedIssuer: this.#options.issuer, issuer: claimed.slice(0, 200) })
  }

  #wrongIssuer (claims: Record<string, unknown>): Rejection {
    const { issuer } = this.#options
    const received = typeof claims.iss === 'string' ? claims.iss.slice(0, 200) : undefined
    return new Rejection('invalid', 'wrong-issuer',
      `the token's issuer ${received === undefined ? 'is missing' : `is ${quoted(received)}`}, expected ${quoted(issuer)}: check the authUrl option (scheme, host and port) or tokenVerificationMetadata.issuer`,
      { expectedIssuer: issuer, issuer: received, userId: userIdOf(claims) })
  }

  #invalidClaims (claims: Record<string, unknown>, detail: string): Rejection {
    return new Rejection('invalid', 'invalid-claims', detail, { userId: userIdOf(claims) })
  }
}

/** `user_id` of signed claims, for the refusal log: a short string or nothing. */
function userIdOf (claims: Record<string, unknown>): string | undefined {
  const id = claims.user_id
  return typeof id === 'string' && id.length <= 200 ? id : undefined
}
