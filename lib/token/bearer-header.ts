import { Rejection } from './rejection.js'

// The one reader of `Authorization: Bearer <credential>`, for every guard: the
// access-token guards, the end-user API-key guards and the checks outside routes.
// The rule, RFC 6750 §2.1 read strictly, as PropelAuth's libraries read it:
// - no header, or an empty one: no credentials;
// - a header that does not start with "bearer" (in any case): another scheme
//   (Basic …) or a bare value, so no bearer credentials either;
// - "Bearer", one space, then one credential with no space in it: the credential;
// - anything else that starts with "bearer": a malformed Bearer header. That is
//   "Bearer" alone or with nothing after the space, a tab or several spaces after
//   it, the credential glued to it ("Bearerabc"), or several space-separated values.

const NOT_A_STRING = Object.freeze(new Rejection('malformed-header', 'malformed-authorization-header', 'the Authorization header is not one string (sent more than once?)'))
const NOTHING_AFTER_BEARER = Object.freeze(new Rejection('malformed-header', 'malformed-authorization-header', 'the Authorization header is "Bearer" with nothing after one space'))
const NOT_ONE_SPACE = Object.freeze(new Rejection('malformed-header', 'malformed-authorization-header', 'the Authorization header is not "Bearer", one space and one value: a tab, extra spaces, no space, or several values'))

/** What a request without bearer credentials is refused with, where the header is the only source. */
export const NO_BEARER_CREDENTIALS = Object.freeze(new Rejection('missing', 'no-token', 'no Authorization header, or another scheme than Bearer'))

const SCHEME_LENGTH = 6

/**
 * The credential of an `Authorization: Bearer <credential>` header; undefined
 * when the request presents no bearer credentials; a rejection when the header
 * is a malformed Bearer header.
 */
export function parseBearerHeader (header: unknown): string | Rejection | undefined {
  if (header === undefined || header === null || header === '') return undefined
  if (typeof header !== 'string') return NOT_A_STRING
  if (header.length < SCHEME_LENGTH || header.slice(0, SCHEME_LENGTH).toLowerCase() !== 'bearer') return undefined
  if (header.length === SCHEME_LENGTH) return NOTHING_AFTER_BEARER
  if (header.charCodeAt(SCHEME_LENGTH) !== 0x20) return NOT_ONE_SPACE
  const credential = header.slice(SCHEME_LENGTH + 1)
  if (credential === '') return NOTHING_AFTER_BEARER
  if (credential.includes(' ')) return NOT_ONE_SPACE
  return credential
}
