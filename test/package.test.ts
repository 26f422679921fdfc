import { test } from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { untracked } from './helpers/untracked.js'

// The package as npm publishes it and as an app imports it: built (dist/, which
// `npm test` builds first), by its name, resolved through package.json `exports`.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RECORD_LOADS = fileURLToPath(new URL('./helpers/record-loads.mjs', import.meta.url))
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

/** The ES modules a fresh `node` loads for `program`, as URLs. */
function modulesLoadedBy (program: string): string[] {
  const result = spawnSync(...untracked(process.execPath, ['--import', RECORD_LOADS, '--input-type=module', '-e', program]), { cwd: ROOT, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`node failed (was the package built? npm run build): ${result.stderr}`)
  return result.stderr.split('\n').filter((line) => line.startsWith('loaded ')).map((line) => line.slice('loaded '.length))
}

const packageOf = (url: string): string | undefined => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]

test('importing an entry loads no schema library and no JOSE library', async (t) => {
  for (const entry of ['fastify-propelauth', 'fastify-propelauth/testing']) {
    const before = new Set(modulesLoadedBy('await import(\'fastify\')'))
    const added = modulesLoadedBy(`await import('fastify'); await import('${entry}')`).filter((url) => !before.has(url))
    const packages = new Set(added.map(packageOf).filter((name) => name !== undefined))
    for (const name of ['@sinclair/typebox', 'typebox', 'jose', 'zod']) {
      t.notOk(packages.has(name), `${entry} does not load ${name}`)
    }
    t.ok(added.some((url) => url.startsWith('file://') && url.includes('/dist/')), `${entry}: the test saw the package's own files load`)
  }
})

test('the webhook receiver loads only with its own entry: the main entry costs nothing more for it', async (t) => {
  const before = new Set(modulesLoadedBy('await import(\'fastify\')'))
  const main = modulesLoadedBy('await import(\'fastify\'); await import(\'fastify-propelauth\')').filter((url) => !before.has(url))
  t.notOk(main.some((url) => packageOf(url) === 'standardwebhooks'), 'fastify-propelauth does not load standardwebhooks')
  t.notOk(main.some((url) => url.includes('/dist/lib/webhooks/')), 'nor any file of the receiver')
  const webhooks = modulesLoadedBy('await import(\'fastify\'); await import(\'fastify-propelauth/webhooks\')').filter((url) => !before.has(url))
  t.ok(webhooks.some((url) => packageOf(url) === 'standardwebhooks'), 'fastify-propelauth/webhooks does (the check sees what it should)')
})

test('the stand-in\'s docs-login entry loads its own files only: none of the stand-in\'s server, no Fastify', async (t) => {
  const loaded = modulesLoadedBy('await import(\'fastify-propelauth-standin/docs-login\')')
  const own = loaded.filter((url) => url.startsWith('file://'))
  t.ok(own.length > 0 && own.every((url) => url.includes('/standin/dist/lib/docs-login/') || url.endsWith('/standin/dist/lib/about.js')), 'only dist/lib/docs-login/ and the leaf it shares with the route', { loaded: own })
  t.notOk(loaded.some((url) => packageOf(url) !== undefined), 'and no package')
})

test('Zod loads only with fastify-propelauth/zod, which hands out the main entry\'s names', async (t) => {
  const before = new Set(modulesLoadedBy('await import(\'fastify\')'))
  const main = modulesLoadedBy('await import(\'fastify\'); await import(\'fastify-propelauth\')').filter((url) => !before.has(url))
  t.notOk(main.some((url) => url.endsWith('/dist/lib/zod.js')), 'fastify-propelauth does not load the file of fastify-propelauth/zod')
  const zod = modulesLoadedBy('await import(\'fastify\'); await import(\'fastify-propelauth/zod\')').filter((url) => !before.has(url))
  t.ok(zod.some((url) => packageOf(url) === 'zod'), 'fastify-propelauth/zod does (the check sees what it should)')
  const program = 'const [main, zod] = await Promise.all([import(\'fastify-propelauth\'), import(\'fastify-propelauth/zod\')]); console.log(JSON.stringify(Object.keys(zod).filter((name) => !(name in main))))'
  const names = spawnSync(...untracked(process.execPath, ['--input-type=module', '-e', program]), { cwd: ROOT, encoding: 'utf8' })
  t.same(JSON.parse(names.stdout), [], 'every name of fastify-propelauth/zod is a name of the main entry too')
})

test('no TypeBox, no Zod and no JOSE library is installed with the package', async (t) => {
  const installed = Object.keys(manifest.dependencies ?? {})
  for (const name of ['@sinclair/typebox', 'typebox', 'jose', 'zod']) t.notOk(installed.includes(name), name)
  t.equal(manifest.peerDependenciesMeta['@sinclair/typebox']?.optional, true, '@sinclair/typebox is an optional peer: only the apps that type with it have it')
  t.equal(manifest.peerDependenciesMeta.zod?.optional, true, 'zod is an optional peer: only the apps that use fastify-propelauth/zod have it')
})

test('every source map in the package names sources that ship with it', async (t) => {
  const [pack] = JSON.parse(execFileSync(...untracked('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']), { cwd: ROOT, encoding: 'utf8' }))
  const files = new Set<string>(pack.files.map((file: { path: string }) => file.path))
  t.ok(files.has('dist/index.js'), 'the pack holds the build')
  for (const path of files) {
    if (!path.endsWith('.map')) continue
    const map = JSON.parse(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'))
    const directory = path.slice(0, path.lastIndexOf('/') + 1)
    for (const source of map.sources as string[]) {
      if (map.sourcesContent !== undefined) continue
      const resolved = new URL(source, `file:///${directory}`).pathname.slice(1)
      t.ok(files.has(resolved), `${path} names ${source}, which is shipped`)
    }
  }
  for (const [subpath, target] of Object.entries(manifest.exports as Record<string, string | Record<string, string>>)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      t.ok(files.has(file.replace(/^\.\//, '')), `${subpath}: ${file} is shipped`)
    }
  }
})

/** The code of a page: its code blocks and its `code spans`, where the docs name what the package exports. */
function codeOf (page: string): string {
  const code: string[] = []
  let inBlock = false
  for (const line of readFileSync(new URL(`../${page}`, import.meta.url), 'utf8').split('\n')) {
    if (line.startsWith('```')) inBlock = !inBlock
    else if (inBlock) code.push(line)
    else code.push(...[...line.matchAll(/`([^`]+)`/g)].map((match) => match[1]))
  }
  return code.join('\n')
}

test('every name an entry exports is named in README.md or a page of docs/', async (t) => {
  const pages = ['README.md', ...readdirSync(new URL('../docs', import.meta.url)).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]
  const docs = pages.map(codeOf).join('\n')
  const named = (name: string): boolean => new RegExp(`(?<![\\w$])${name.replaceAll('$', '\\$')}(?![\\w$])`).test(docs)
  const entries = Object.entries(manifest.exports as Record<string, string | Record<string, string>>)
    .flatMap(([subpath, target]) => typeof target === 'string' ? [] : [[subpath, fileURLToPath(new URL(`../${target.types}`, import.meta.url))] as const])
  const program = ts.createProgram(entries.map(([, file]) => file), { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true })
  const checker = program.getTypeChecker()
  for (const [subpath, file] of entries) {
    const source = program.getSourceFile(file)
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source)
    if (module === undefined) {
      t.fail(`${subpath}: ${file} was not found (was the package built? npm run build)`)
      continue
    }
    const undocumented = checker.getExportsOfModule(module).map((symbol) => symbol.name).filter((name) => name !== 'default' && !named(name))
    t.same(undocumented, [], `${subpath}: every export is documented (or not exported)`)
  }
})
