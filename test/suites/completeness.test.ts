import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'tap'
import { SUITES } from './members.js'

// `npm test` runs what tap's `include` lists: the suites and the files that run
// alone. A test file in neither would never run, and one in both would run twice.

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const include: string[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).tap.include

function testFiles (dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' ? [] : testFiles(path)
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, join(ROOT, path))] : []
  })
}

const suiteFiles = Object.keys(SUITES).map((name) => `test/suites/${name}.test.ts`)

test('tap runs each suite, and each test file once: alone or in one suite', async (t) => {
  t.same(include.filter((path) => /[*?{]/.test(path)), [], 'tap.include names files, no patterns: a new test file goes in a suite or in this list')
  for (const path of include) t.ok(existsSync(join(ROOT, path)), `tap.include: ${path} exists`)
  for (const path of suiteFiles) t.ok(include.includes(path), `tap.include lists the suite ${path}`)

  const found = [...testFiles('test'), ...testFiles('types/mixes'), ...testFiles('standin/test')].filter((path) => !suiteFiles.includes(path))
  const members = Object.values(SUITES).flat()
  for (const path of found) {
    const runs = members.filter((member) => member === path).length + (include.includes(path) ? 1 : 0)
    t.equal(runs, 1, `${path} runs once in npm test (in a suite of test/suites/members.ts, or alone in tap.include)`)
  }
  for (const member of members) t.ok(found.includes(member), `test/suites/members.ts: ${member} exists`)
})
