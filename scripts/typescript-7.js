// How `npm test` runs TypeScript 7's compiler: its native executable, started
// directly, with Go's garbage collector off.
//
// Why: its `bin/tsc` is a Node.js script that, on Node.js 20 (no
// `process.execve`), starts the executable and stays alive beside it; and a
// check lives about a second, too short for collections to return anything
// worth their CPU. A type-check of one mix took 1.24 s of CPU through
// `bin/tsc` and 0.88 s this way, in at most 160 MB of memory; the plugin's
// own typecheck 5.9 s and, with `--checkers 1`, 3.4 s, in 450 MB.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const packageDir = dirname(createRequire(import.meta.url).resolve('typescript-7/package.json'))

/**
 * The command that runs TypeScript 7's `tsc`: its native executable if the
 * package still finds it where its own launcher does, else the launcher.
 * Its type is in typescript-7.d.ts.
 */
export async function typeScript7 () {
  const env = { ...process.env, GOGC: 'off' }
  try {
    // The package's own lookup of its platform's executable, which it does not export.
    const { default: getExePath } = await import(pathToFileURL(join(packageDir, 'lib/getExePath.js')).href)
    return { command: getExePath(), args: [], env }
  } catch {
    return { command: process.execPath, args: [join(packageDir, 'bin/tsc')], env }
  }
}
