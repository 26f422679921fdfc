/** An object with members: not null, not an array. What options, claims and JSON answers must be. */
export function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
