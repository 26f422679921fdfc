// The files of SUITES.apps in test/suites/members.ts, in one Node.js process.
import { runSuite } from './run-suite.js'

await runSuite('apps')
