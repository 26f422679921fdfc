// PropelAuth's IDs, checked before a request is sent (as its Node library does),
// and the one way a dynamic value enters a request path: percent-encoded, so
// that no value can add a segment, a query or a fragment (`/`, `?`, `#`) to the
// URL. Encoding cannot neutralise a whole value of `.` or `..`: URLs treat those
// segments, and `%2e`, `.%2e`, `%2e%2e` in any case, as "this folder" and
// "the folder above", and remove them. So the transport refuses any path with
// such a segment (`hasDotSegment`, before anything is sent). Any other value
// with dots (`...`, `a..b`) is an ordinary segment, and a `%` in a value is
// itself encoded (`%2e` is sent as `%252e`), so an encoded dot never reaches
// the URL as one.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HEX_32 = /^[0-9a-f]{32}$/i

/** A user, org or employee ID: UUID-shaped, any version, any case (the Node library's rule). */
export function isValidId (id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id)
}

/** An end-user API key ID: 32 hex characters. */
export function isValidHex (id: unknown): id is string {
  return typeof id === 'string' && HEX_32.test(id)
}

/**
 * Builds a path from a template, percent-encoding every interpolated value:
 * path`/api/backend/v1/user/${userId}/mfa`. Valid IDs encode to themselves, so
 * the request is the Node library's byte for byte.
 */
export function path (strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let result = strings[0]
  for (let i = 0; i < values.length; i++) {
    result += encodeURIComponent(String(values[i])) + strings[i + 1]
  }
  return result
}

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i

/** Whether a path has a `.` or `..` segment (in any spelling URLs accept), which a URL would remove. */
export function hasDotSegment (path: string): boolean {
  return path.split('/').some((segment) => DOT_SEGMENT.test(segment))
}
