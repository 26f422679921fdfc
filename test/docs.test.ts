import tap, { test } from 'tap'
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestKeyPair } from 'fastify-propelauth/testing'
import { startStandIn, type StandIn } from 'fastify-propelauth-standin'
import { matchesOutput, readBlocks, type TypeScriptBlock } from './helpers/doc-blocks.js'
import { DOC_GIVENS } from './helpers/doc-givens.js'
import { prepareBlocks, programEnv, runProgram, serveProgram, stripTypes, typeCheck, type PreparedBlock, type ProgramRun, type ServerRun } from './helpers/doc-programs.js'
import { freePort } from '../example/app-url.js'

// The docs cannot rot: every TypeScript block of the README and docs/ is
// type-checked against the built packages, the complete programs are run
// against the stand-in and must print what the page shows, the servers must
// start, and every link between pages lands on a file and a heading that exist.
// CONTRIBUTING.md says how a page marks its blocks.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'standin/README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)
]
const text = new Map(PAGES.map((page) => [page, readFileSync(join(ROOT, page), 'utf8')]))
const blocks = PAGES.map((page) => readBlocks(page, text.get(page) ?? ''))
const typescript: TypeScriptBlock[] = blocks.flatMap((page) => page.typescript)
const PROGRAM_TIMEOUT_MS = 60_000
/** Programs run two at a time, each worker with a stand-in of its own. */
const WORKERS = 2
// Some thirty programs, each a Node.js process: more than tap's default minute per file.
tap.setTimeout(600_000)

/** The newest modification time under `dir` of files whose name passes `keep`. */
function newest (path: string, keep: (name: string) => boolean): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return keep(path) ? stat.mtimeMs : 0
  return Math.max(0, ...readdirSync(path).filter((name) => name !== 'node_modules' && name !== 'dist' && name !== 'test').map((name) => newest(join(path, name), keep)))
}

test('the built packages are newer than their sources (npm test builds them first)', async (t) => {
  const isSource = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.tst.ts')
  for (const [sources, built] of [[['index.ts', 'lib', 'types'], 'dist/index.js'], [['standin/index.ts', 'standin/cli.ts', 'standin/lib'], 'standin/dist/index.js']] as const) {
    const builtAt = existsSync(join(ROOT, built)) ? statSync(join(ROOT, built)).mtimeMs : 0
    const changedAt = Math.max(...sources.map((source) => newest(join(ROOT, source), isSource)))
    t.ok(builtAt >= changedAt, `${built} is up to date; if not, run \`npm run build:all\` and check again`)
  }
})

test('the README is a front page: short, and linking every page of docs/', async (t) => {
  const readme = text.get('README.md') ?? ''
  t.ok(readme.split('\n').length <= 200, `README.md has ${readme.split('\n').length} lines, at most 200: move the detail into a page of docs/`)
  for (const page of PAGES.filter((name) => name.startsWith('docs/'))) {
    t.ok(readme.includes(`](${page})`) || readme.includes(`](${page}#`), `README.md links ${page} (its table of contents)`)
  }
})

test('every page of docs/ starts with a title and what it covers', async (t) => {
  for (const page of PAGES.filter((name) => name.startsWith('docs/'))) {
    const [title, blank, first] = (text.get(page) ?? '').split('\n')
    t.match({ title, blank, first }, { title: /^# \S/, blank: '', first: /^This page covers / }, `${page} starts with "# Title" and "This page covers …"`)
  }
})

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf (heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
}

function anchorsOf (page: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const line of withoutFences(text.get(page) ?? readFileSync(join(ROOT, page), 'utf8')).split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    if (heading === null) continue
    const base = anchorOf(heading[1])
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

function withoutFences (markdown: string): string {
  return markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '')
}

/** The page without its fenced blocks and inline code, where links are not links. */
function withoutCode (markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '')
}

test('links between pages land on files and headings that exist', async (t) => {
  for (const page of PAGES) {
    for (const match of withoutCode(text.get(page) ?? '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)) {
      const target = match[1]
      if (/^[a-z]+:/i.test(target)) continue
      const [path, anchor] = target.split('#')
      const file = path === '' ? page : relative(ROOT, resolve(ROOT, dirname(page), path))
      if (!existsSync(join(ROOT, file))) {
        t.fail(`${page} links ${target}: no file ${file}`)
        continue
      }
      if (anchor !== undefined && file.endsWith('.md')) {
        t.ok(anchorsOf(file).has(anchor), `${page} links ${target}: ${file} has a heading #${anchor}`)
      } else {
        t.pass(`${page} links ${target}`)
      }
    }
  }
})

test('every code block is marked the way CONTRIBUTING.md describes', async (t) => {
  t.same(blocks.flatMap((page) => page.problems), [])
  for (const block of typescript.filter((entry) => entry.kind === 'fragment')) {
    t.same(block.givens.filter((name) => DOC_GIVENS[name] === undefined), [], `${block.page}:${block.line}: every given is one of ${Object.keys(DOC_GIVENS).join(', ')} (test/helpers/doc-givens.ts)`)
  }
  for (const json of blocks.flatMap((page) => page.json)) {
    t.doesNotThrow(() => JSON.parse(json.code), `${json.page}:${json.line}: the JSON block parses`)
  }
})

const prepared = prepareBlocks(ROOT, typescript)

test('every TypeScript block type-checks against the built packages', async (t) => {
  const diagnostics = typeCheck(ROOT, prepared)
  for (const entry of prepared) {
    t.same(diagnostics.get(entry), [], `${entry.block.page}:${entry.block.line} (${entry.block.kind}) type-checks`)
  }
})

interface Worker {
  standIn: StandIn
  env: NodeJS.ProcessEnv
}

async function startWorker (): Promise<Worker> {
  const keyPair = await createTestKeyPair()
  const standIn = await startStandIn({ keyPair })
  const env = programEnv({
    PROPELAUTH_AUTH_URL: standIn.authUrl,
    PROPELAUTH_API_KEY: standIn.apiKey,
    PROPELAUTH_API_BASE_URL: standIn.apiBaseUrl,
    PROPELAUTH_VERIFIER_KEY: keyPair.publicKeyPem,
    // What the examples beside @fastify/jwt sign their own tokens with.
    JWT_SECRET: 'a-secret-for-the-docs-examples-only'
  })
  return { standIn, env }
}

type Outcome = { kind: 'run', run: ProgramRun } | { kind: 'serve', run: ServerRun }

async function execute (entry: PreparedBlock, worker: Worker): Promise<Outcome> {
  worker.standIn.reset()
  if (entry.block.kind === 'serve') return { kind: 'serve', run: await serveProgram(ROOT, entry, worker.env, await freePort(), PROGRAM_TIMEOUT_MS) }
  return { kind: 'run', run: await runProgram(ROOT, entry, worker.env, PROGRAM_TIMEOUT_MS) }
}

test('the complete programs run against the stand-in and print what the docs show', async (t) => {
  const workers = await Promise.all(Array.from({ length: WORKERS }, startWorker))
  t.teardown(() => Promise.all(workers.map((worker) => worker.standIn.close())))
  const queue = prepared.filter(({ block }) => block.kind === 'run' || block.kind === 'serve')
  stripTypes(prepared.filter(({ block }) => block.kind !== 'browser'))
  const outcomes = new Map<PreparedBlock, Outcome>()
  let next = 0
  await Promise.all(workers.map(async (worker) => {
    while (next < queue.length) {
      const entry = queue[next++]
      outcomes.set(entry, await execute(entry, worker))
    }
  }))

  for (const entry of queue) {
    const { block } = entry
    const where = `${block.page}:${block.line}`
    const outcome = outcomes.get(entry)
    if (outcome?.kind === 'serve') {
      const { run } = outcome
      t.ok(run.listened && run.status !== undefined && run.status < 500, `${where}: the server starts, listens on PORT and answers`, { stdout: run.stdout, stderr: run.stderr, status: run.status })
    } else if (outcome?.kind === 'run') {
      const { run } = outcome
      t.equal(run.exitCode, 0, `${where}: the program runs to its end`, { stderr: run.stderr, timedOut: run.timedOut, signal: run.signal })
      if (block.expected !== undefined) {
        t.ok(matchesOutput(block.expected, run.stdout), `${where}: it prints what the page shows`, { expected: block.expected.join('\n'), printed: run.stdout })
      }
    }
  }
})
