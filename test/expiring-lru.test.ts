import { test } from 'tap'
import fc from 'fast-check'
import { ExpiringLru } from '../lib/util/expiring-lru.js'

test('an entry used at least once per max/2 placements is never evicted, and the cache never exceeds max', async (t) => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 1, max: 400 }), (max, insertions) => {
    const cache = new ExpiringLru<number>(max)
    cache.set('hot', -1, Infinity)
    const every = Math.max(1, max >> 1)
    for (let i = 0; i < insertions; i++) {
      cache.set(`cold-${i}`, i, Infinity)
      if (cache.size > max) return false
      if ((i + 1) % every === 0 && cache.get('hot', 0) !== -1) return false
    }
    return cache.get('hot', 0) === -1
  }))
  t.pass('held for every size and run length tried')
})

test('eviction takes the least recently placed entry first', async (t) => {
  const cache = new ExpiringLru<string>(3)
  for (const key of ['a', 'b', 'c']) cache.set(key, key, Infinity)
  t.equal(cache.get('a', 0), 'a', 'a drifted into the older half, so this hit moves it to the recent end')
  cache.set('d', 'd', Infinity)
  t.equal(cache.get('b', 0), undefined, 'b was the least recently used')
  t.equal(cache.get('a', 0), 'a')
  t.equal(cache.size, 3)
})

test('an entry is gone at its expiry time, not a millisecond earlier', async (t) => {
  const cache = new ExpiringLru<string>(10)
  cache.set('k', 'v', 1000)
  t.equal(cache.get('k', 999), 'v')
  t.equal(cache.get('k', 1000), undefined)
  t.equal(cache.size, 0, 'an expired entry is dropped when found')
})

test('max 0 stores nothing', async (t) => {
  const cache = new ExpiringLru<string>(0)
  cache.set('k', 'v', Infinity)
  t.equal(cache.get('k', 0), undefined)
  t.equal(cache.size, 0)
})
