// The reference duplicate-member check: a Set of names per object, walked over the
// text. Too slow for the verifier's hot path; test/verifier-fast-path.test.ts checks
// the fast count-based check in lib/util/json-duplicates.ts against it with fast-check.
const QUOTE = 34
const BACKSLASH = 92
const OPEN_OBJECT = 123
const CLOSE_OBJECT = 125
const OPEN_ARRAY = 91
const CLOSE_ARRAY = 93
const COMMA = 44

/**
 * Whether any object in `json` names the same member twice. `JSON.parse` keeps
 * the last duplicate silently, so `{"iss":"a","iss":"b"}` would read as issuer
 * "b"; RFC 8725 asks to refuse such tokens rather than guess which one a signer
 * meant. `json` must already be known to be valid JSON: this only walks it.
 * Escaped names are decoded before comparing, so `"iss"` and `"\u0069ss"` clash.
 */
export function hasDuplicateKeys (json: string): boolean {
  // One entry per open container: the names seen so far, or null for an array.
  const scopes: Array<Set<string> | null> = []
  let expectingKey = false
  const length = json.length
  for (let i = 0; i < length; i++) {
    const code = json.charCodeAt(i)
    if (code === QUOTE) {
      let end = i
      for (;;) {
        end = json.indexOf('"', end + 1)
        let slashes = 0
        while (json.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++
        if (slashes % 2 === 0) break
      }
      if (expectingKey) {
        const raw = json.slice(i + 1, end)
        const name = raw.includes('\\') ? JSON.parse(`"${raw}"`) as string : raw
        const seen = scopes[scopes.length - 1] as Set<string>
        if (seen.has(name)) return true
        seen.add(name)
        expectingKey = false
      }
      i = end
    } else if (code === OPEN_OBJECT) {
      scopes.push(new Set())
      expectingKey = true
    } else if (code === OPEN_ARRAY) {
      scopes.push(null)
      expectingKey = false
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      scopes.pop()
      expectingKey = false
    } else if (code === COMMA) {
      expectingKey = scopes[scopes.length - 1] != null
    }
  }
  return false
}
