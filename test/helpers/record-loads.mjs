// Loaded with `node --import`: prints to stderr the URL of every ES module the
// process loads, one `loaded <url>` line each, so that a test can see what
// importing a package pulls in.
import { register } from 'node:module'

register('data:text/javascript,' + encodeURIComponent(`
export async function load (url, context, nextLoad) {
  process.stderr.write('loaded ' + url + '\\n')
  return nextLoad(url, context)
}
`))
