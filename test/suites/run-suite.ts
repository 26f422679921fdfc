// tap runs each file it is given in a Node.js process of its own. Starting one
// (Node.js, tap's instrumentation and coverage, the TypeScript loader, Fastify)
// took about 3 s of CPU on a 2-core machine, more than the tests of most files:
// eight small files took 36 s of CPU as eight processes and 12 s as one. A
// suite runs several test files in one process, one file at a time: it imports
// a file, whose tests queue on tap's root test as they would in a process of
// their own, and imports the next once they have all ended, so that no file's
// setup runs during another's tests. A file stays runnable alone:
// `npx tap test/guards.test.ts`.
//
// Sharing a process asks two things of a test file: to put back what it
// changes of the process (a global, a listener, an environment variable) when
// its tests end, with `t.teardown`; and never to call tap's root `teardown`,
// which ends the root test, and so the suite, as soon as it is idle.
import tap from 'tap'
import { endSuite, startSuite } from '../helpers/process-end.js'
import { SUITES, type SuiteName } from './members.js'

const ROOT = new URL('../../', import.meta.url)
/** tap's timeout is per process: each file keeps the minute it has alone. */
const PER_FILE_MS = 60_000

export async function runSuite (name: SuiteName): Promise<void> {
  const files: readonly string[] = SUITES[name]
  tap.setTimeout(files.length * PER_FILE_MS)
  startSuite()
  // ts-node resolves a test file's `.js` specifier to its `.ts` source, as in the tests' own imports.
  for (const file of files) {
    await import(new URL(file.replace(/\.ts$/, '.js'), ROOT).href)
    await testsEnded()
  }
  await endSuite()
}

/** Resolves when tap's root test has no test queued or running. */
function testsEnded (): Promise<void> {
  return new Promise((resolve) => {
    if (tap.idle) resolve()
    else tap.once('idle', () => resolve())
  })
}
