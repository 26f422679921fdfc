// Where a browser goes after signing in: only ever a path of this site. A value
// that a browser or a server would read as another host, another scheme or a
// path with hidden characters is not one: `//evil.example`, `/\evil.example`
// (browsers read `\` as `/`), `/%2F%2Fevil.example` once decoded,
// `javascript:…`, and anything with a control character or a space.

const MAX_RETURN_PATH = 2048

/** Control characters, spaces, DEL and backslashes: none belongs in a path a browser is sent to. */
function hasUnsafeCharacter (text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code <= 0x20 || code === 0x7f || code === 0x5c) return true
  }
  return false
}

/** `value` when it is a safe same-origin path (with its query and fragment), else undefined. */
export function safeReturnPath (value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_PATH) return undefined
  if (!value.startsWith('/')) return undefined
  // Raw or percent-encoded.
  if (hasUnsafeCharacter(value)) return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(value)
  } catch {
    return undefined
  }
  if (hasUnsafeCharacter(decoded)) return undefined
  // A second slash right after the first makes a host, in the raw and the decoded form.
  if (value.startsWith('//') || decoded.startsWith('//')) return undefined
  // Resolved against a throwaway origin, a path stays on it.
  const resolved = new URL(value, 'http://return-path.invalid')
  if (resolved.origin !== 'http://return-path.invalid') return undefined
  return value
}
