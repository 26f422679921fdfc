import tap from 'tap'

// What a test file keeps for the other files of its process (a browser, say)
// is closed once the process's tests are all done: by the suite runner after
// its last file (test/suites/run-suite.ts), or, for a file run alone, by tap's
// root teardown, which a file in a suite must not call.
const closers: Array<() => unknown> = []
let inSuite = false

/** Runs `close` once every test of this process has ended. */
export function closeAtProcessEnd (close: () => unknown): void {
  if (inSuite) closers.push(close)
  else tap.teardown(close)
}

/** The suite runner's part: from now on, it closes what is kept, with `endSuite`. */
export function startSuite (): void {
  inSuite = true
}

/** Closes what the suite's files kept, last kept first. */
export async function endSuite (): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close()
}
