import { createTestKeyPair, type TestKeyPair } from '../../lib/testing/mint.js'

// Generating an RSA-2048 key pair takes about 0.2 s of CPU, and the suites of
// `npm test` generated 139 of them, most for a test file's own `TestAuth`
// whose key no other test sees. Those share this one, generated once per
// process. A test about keys that differ (another project's, an attacker's, a
// rotated one) still generates its own with `createTestKeyPair()`, or lets
// `createTestAuth()` do it.
let shared: Promise<TestKeyPair> | undefined

/** The key pair the tests of this process share. */
export function sharedKeyPair (): Promise<TestKeyPair> {
  shared ??= createTestKeyPair()
  return shared
}
