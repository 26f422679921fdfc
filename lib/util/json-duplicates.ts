import { isPlainObject } from './is-plain-object.js'

// Duplicate member names in a JOSE header or claims set. `JSON.parse` keeps the
// last duplicate silently, so `{"iss":"a","iss":"b"}` would read as issuer "b";
// RFC 8725 asks to refuse such tokens rather than guess which one a signer meant.

const BACKSLASH = 92
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

/** Number of `:` in `text`. */
function countColons (text: string): number {
  let colons = 0
  let at = text.indexOf(':')
  while (at !== -1) {
    colons++
    at = text.indexOf(':', at + 1)
  }
  return colons
}

/** Number of `:` in the string values of `parsed`'s own members (not nested ones). */
function countColonsInTopLevelStrings (parsed: unknown): number {
  if (!isPlainObject(parsed)) return 0
  let colons = 0
  const values = Object.values(parsed)
  for (let i = 0; i < values.length; i++) {
    const value: unknown = values[i]
    if (typeof value === 'string') colons += countColons(value)
  }
  return colons
}

/**
 * Whether any object in `json` names a member twice (escaped spellings count:
 * `"iss"` and `"\u0069ss"` clash). The same answer as walking the text with a
 * Set of names per object (test/helpers/json-duplicates-reference.ts), faster when
 * `parsed` is already at hand (`JSON.parse(json)`): `JSON.parse` keeps one property per distinct
 * name, escaped spellings included, so the parsed value has fewer members than
 * the text names exactly when some object names a member twice. Used on the
 * verifier's hot path, where the payload is parsed anyway and a per-name Set
 * would cost as much as the parse.
 *
 * Counting the members written in the text means skipping every string, which
 * costs as much as the parse itself. Most texts are settled by counting colons
 * instead, at a third of the cost. Every member writes one colon outside strings,
 * so the colons in the text are the written members plus the colons inside
 * strings, at least as many as the parsed members. Without a backslash in the
 * text, a string's parsed value is its written content, so the colons of the
 * parsed top-level string values (an issuer URL, say) are colons inside written
 * strings and may be taken off. When what remains equals the parsed members,
 * written and parsed members are equal: no duplicate. Otherwise (colons in other
 * strings, escapes, or a duplicate) the written members are counted exactly.
 */
export function hasDuplicateMembers (json: string, parsed: unknown): boolean {
  const parsedMembers = countParsedMembers(parsed)
  if (json.indexOf('\\') === -1 && countColons(json) - countColonsInTopLevelStrings(parsed) === parsedMembers) return false
  return countWrittenMembers(json) !== parsedMembers
}
