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

const COLON = 58

/**
 * Number of object members written in `json` (valid JSON): every string that a
 * `:` follows is a member name. Strings are skipped with `indexOf`, so this
 * costs little more than finding the quotes.
 */
function countWrittenMembers (json: string): number {
  let members = 0
  let open = json.indexOf('"')
  while (open !== -1) {
    let close = json.indexOf('"', open + 1)
    // A quote preceded by an odd number of backslashes is escaped, inside the string.
    for (;;) {
      let slashes = 0
      while (json.charCodeAt(close - 1 - slashes) === BACKSLASH) slashes++
      if (slashes % 2 === 0) break
      close = json.indexOf('"', close + 1)
    }
    let next = close + 1
    let code = json.charCodeAt(next)
    // JSON whitespace: space, tab, line feed, carriage return.
    while (code === 32 || code === 9 || code === 10 || code === 13) code = json.charCodeAt(++next)
    if (code === COLON) members++
    open = json.indexOf('"', next)
  }
  return members
}

/** Number of own properties of every object in a parsed JSON value, without recursion. */
function countParsedMembers (root: unknown): number {
  let members = 0
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i]
        if (typeof item === 'object' && item !== null) stack.push(item)
      }
    } else if (typeof value === 'object' && value !== null) {
      // Own enumerable properties, one per distinct name: all a parsed object has.
      const items = Object.values(value)
      members += items.length
      for (let i = 0; i < items.length; i++) {
        const item: unknown = items[i]
        if (typeof item === 'object' && item !== null) stack.push(item)
      }
    }
  }
  return members
}

/**
 * The same answer as `hasDuplicateKeys(json)`, faster when `parsed` is already
 * at hand (`JSON.parse(json)`): `JSON.parse` keeps one property per distinct
 * name, escaped spellings included, so the parsed value has fewer members than
 * the text names exactly when some object names a member twice. Used on the
 * verifier's hot path, where the payload is parsed anyway and a per-name Set
 * would cost as much as the parse.
 */
export function hasDuplicateMembers (json: string, parsed: unknown): boolean {
  return countParsedMembers(parsed) !== countWrittenMembers(json)
}
