// The files of SUITES.plugin in test/suites/members.ts, in one Node.js process.
import { runSuite } from './run-suite.js'

await runSuite('plugin')
