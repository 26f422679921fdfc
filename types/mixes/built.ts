import { stat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The mixes import `fastify-propelauth` by its name, as an app does, so they
// load the package's build (dist/). A build older than the sources would test
// old code: refuse to run on one.

const root = fileURLToPath(new URL('../../', import.meta.url))

async function newestSource (dir: string): Promise<number> {
  let newest = 0
  for (const entry of await readdir(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs)
    }
  }
  return newest
}

export async function assertBuilt (): Promise<void> {
  const built = await stat(join(root, 'dist/index.js')).then((file) => file.mtimeMs, () => undefined)
  if (built === undefined) throw new Error('types/mixes load fastify-propelauth from dist/: run `npm run build` first')
  // What tsconfig.build.json compiles.
  const entries = await Promise.all(['index.ts', 'types/augment.ts'].map(async (file) => (await stat(join(root, file))).mtimeMs))
  const sources = Math.max(...entries, await newestSource('lib'))
  if (sources > built) throw new Error('dist/ is older than the sources: run `npm run build` first')
}
