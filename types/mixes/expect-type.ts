// Exact type assertions for the mixes, which `tsc -p` checks without tstyche:
// `expectType(value).toBe<T>()` compiles only when the value's type is exactly T.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false

export function expectType<Actual> (_value: Actual): { toBe: <Expected>(...proof: Equal<Actual, Expected> extends true ? [] : [mismatch: never]) => void } {
  return { toBe: () => {} }
}
