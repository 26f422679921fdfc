/**
 * Freezes a value and every object reachable from its own enumerable
 * properties, without recursion (the depth is chosen by whoever sent the data:
 * a token's claims, PropelAuth's answer). What a request gets is often shared
 * with later requests through a cache; frozen, no handler can change what
 * another request sees. A child that is already frozen is taken as frozen all
 * the way down, so build values unfrozen and freeze them here once.
 */
export function deepFreeze<T extends object> (root: T): T {
  const stack: object[] = [root]
  while (stack.length > 0) {
    const value = stack.pop() as object
    Object.freeze(value)
    for (const child of Object.values(value)) {
      if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) stack.push(child)
    }
  }
  return root
}
