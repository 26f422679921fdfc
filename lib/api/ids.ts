// PropelAuth's IDs, checked before a request is sent (as its Node library does),
// and the one way a dynamic value enters a request path: percent-encoded, so that
// no value can add a segment or a query (`../`, `?`, `#`) to the URL.

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
