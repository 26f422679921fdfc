// Loaded with `node --import`: prints to stderr the URL of every ES module the
// process loads, one `loaded <url>` line each, so that a test can see what
// importing a package pulls in. The hooks run on a thread of their own, whose
// stream writes can still be queued when a short program exits: writeSync to
// file descriptor 2 is never lost.
import { register } from 'node:module'

register('data:text/javascript,' + encodeURIComponent(`
import { writeSync } from 'node:fs'
export async function load (url, context, nextLoad) {
  writeSync(2, 'loaded ' + url + '\\n')
  return nextLoad(url, context)
}
`))
