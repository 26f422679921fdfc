// Turns the TypeScript blocks of the docs into files of a small app inside the
// repository (.docs-check/, git-ignored), so that `fastify-propelauth`,
// `fastify-propelauth/testing` and `fastify-propelauth-standin` resolve as they
// do for a user: through node_modules to the built packages (dist/). Then
// type-checks them with the TypeScript compiler under a user's tsconfig, and
// runs the complete programs with Node.js, their types stripped by esbuild (the
// transform tsx applies), written beside each file as `.js`. Stripped once,
// rather than by tsx in each program: tsx's own start cost about 0.45 s of
// CPU per program, some 20 s over the docs' programs.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { transformSync } from 'esbuild'
import ts from 'typescript'
import type { TypeScriptBlock } from './doc-blocks.js'
import { TSX_CHILD_ENV } from './tsx-child.js'
import { DOC_GIVENS } from './doc-givens.js'
import { untracked } from './untracked.js'

export const CHECK_DIR = '.docs-check'

/** A user's tsconfig, as strict as this repository's own. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    forceConsistentCasingInFileNames: true,
    types: ['node'],
    noEmit: true
  },
  include: ['esm/**/*.ts', 'cjs/**/*.ts']
}

/**
 * Packages whose type augmentations every block may share (the plugin's entries
 * add nothing to Fastify's types that the main entry does not). A block that
 * imports anything else (another auth plugin, say) is checked in a program with
 * only the blocks that import exactly the same packages, which bring the same
 * augmentations; a block that declares a module or global augmentation of its
 * own, in a program of its own: what it declares cannot leak into other blocks.
 */
const SHARED_IMPORTS = /^(?:\..*|node:.*|fastify|fastify-propelauth(?:\/(?:testing|webhooks|sinclair-typebox|zod))?|fastify-propelauth-standin(?:\/docs-login)?|@fastify\/swagger|@fastify\/swagger-ui)$/

export interface PreparedBlock {
  block: TypeScriptBlock
  /** Absolute path of the extracted file. */
  file: string
  /** Lines written before the block's first line. */
  prelude: number
  /** Which program checks it: '' for the shared one; blocks with the same key share theirs. */
  program: string
}

function programOf (block: TypeScriptBlock, file: string): string {
  const code = block.code
  if (/\bdeclare\s+(?:module|global)\b/.test(code)) return `alone:${file}`
  const specifiers = [...code.matchAll(/\bfrom\s+'([^']+)'|\bimport\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)]
    .map((match) => match[1] ?? match[2] ?? match[3])
  const others = [...new Set(specifiers.filter((specifier) => !SHARED_IMPORTS.test(specifier)))].sort()
  // Page code sees the DOM's types, which the server code must not.
  return block.kind === 'browser' ? `browser:${others.join(',')}` : others.join(',')
}

/** Writes every block as a file under `root/.docs-check` (emptied first). */
export function prepareBlocks (root: string, blocks: readonly TypeScriptBlock[]): PreparedBlock[] {
  const dir = join(root, CHECK_DIR)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'esm'), { recursive: true })
  mkdirSync(join(dir, 'cjs'), { recursive: true })
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2) + '\n')
  writeFileSync(join(dir, 'esm', 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(dir, 'cjs', 'package.json'), '{ "type": "commonjs" }\n')
  writeFileSync(join(dir, 'README.md'), 'Extracted by test/docs.test.ts from the code blocks of the docs; `npx tsc -p .docs-check` checks them again.\n')

  return blocks.map((block) => {
    const pageName = block.page.replace(/\.md$/, '').replace(/[^\w]+/g, '-')
    const file = block.path === undefined
      ? join(dir, block.commonjs ? 'cjs' : 'esm', `${pageName}-${block.line}.ts`)
      : join(dir, block.commonjs ? 'cjs' : 'esm', pageName, block.path)
    mkdirSync(dirname(file), { recursive: true })
    const header = [`// ${block.page}:${block.line} (${block.kind}${block.commonjs ? ', commonjs' : ''})`]
    if (block.kind === 'fragment') {
      // An empty type-only import pulls in the plugin's augmentation of Fastify's types.
      header.push("import type {} from 'fastify-propelauth'")
      for (const name of block.givens) header.push(DOC_GIVENS[name] ?? `// unknown given: ${name}`)
    }
    writeFileSync(file, `${header.join('\n')}\n${block.code}\nexport {}\n`)
    return { block, file, prelude: header.length, program: programOf(block, file) }
  })
}

/** Type-checks the prepared blocks; each one's diagnostics as `page:line: TS1234: message`. */
export function typeCheck (root: string, prepared: readonly PreparedBlock[]): Map<PreparedBlock, string[]> {
  const dir = join(root, CHECK_DIR)
  const configPath = join(dir, 'tsconfig.json')
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, dir)
  const host = ts.createCompilerHost(config.options)
  // Declaration files are parsed once for all the programs below.
  const cache = new Map<string, ts.SourceFile | undefined>()
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName.startsWith(dir)) return getSourceFile(fileName, languageVersion, onError, shouldCreate)
    if (!cache.has(fileName)) cache.set(fileName, getSourceFile(fileName, languageVersion, onError, shouldCreate))
    return cache.get(fileName)
  }

  const byFile = new Map(prepared.map((entry) => [entry.file, entry]))
  const results = new Map<PreparedBlock, string[]>(prepared.map((entry) => [entry, []]))
  const programs = new Map<string, PreparedBlock[]>()
  for (const entry of prepared) programs.set(entry.program, [...programs.get(entry.program) ?? [], entry])
  const groups = [...programs.values()]
  for (const group of groups) {
    if (group.length === 0) continue
    const options = group.some((entry) => entry.block.kind === 'browser') ? { ...config.options, lib: [...(config.options.lib ?? []), 'lib.dom.d.ts'] } : config.options
    const program = ts.createProgram(group.map((entry) => entry.file), options, host)
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      const entry = diagnostic.file === undefined ? undefined : byFile.get(diagnostic.file.fileName)
      if (entry === undefined || diagnostic.file === undefined || diagnostic.start === undefined) {
        // Not in a block (a global option problem): every block of the group shows it.
        for (const member of group) results.get(member)?.push(`TS${diagnostic.code}: ${message}`)
        continue
      }
      const fileLine = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1
      const docLine = entry.block.line + fileLine - entry.prelude
      const found = `${entry.block.page}:${docLine}: TS${diagnostic.code}: ${message}`
      // A file imported by a block of another program is checked in that program too: report it once.
      if (results.get(entry)?.includes(found) !== true) results.get(entry)?.push(found)
    }
  }
  return results
}

export interface ProgramRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/**
 * The environment of a program: this one's, without the test runner's own
 * instrumentation. tap's process tracking adds its coverage back to every child
 * it sees spawned unless told not to: the docs' programs are not the plugin's
 * sources, and must not count in (or against) its coverage.
 */
export function programEnv (extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_OPTIONS' || name === 'NODE_V8_COVERAGE' || name.startsWith('TAP') || name.startsWith('_TAPJS')) continue
    env[name] = value
  }
  return { ...env, ...TSX_CHILD_ENV, ...extra }
}

const javaScriptOf = (file: string): string => file.replace(/\.ts$/, '.js')

/** Writes each prepared file as JavaScript beside it (`x.ts` → `x.js`, which `./x.js` imports find). */
export function stripTypes (prepared: readonly PreparedBlock[]): void {
  for (const { block, file } of prepared) {
    const { code } = transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: block.commonjs ? 'cjs' : 'esm', platform: 'node', target: 'node20', sourcemap: 'inline', sourcefile: file })
    writeFileSync(javaScriptOf(file), code)
  }
}

/** Starts a program as `node` would from a shell (tap's tracking costs 15 s of CPU over the docs). */
function start (root: string, entry: PreparedBlock, env: NodeJS.ProcessEnv) {
  const [command, args] = untracked(process.execPath, ['--enable-source-maps', javaScriptOf(entry.file)])
  return spawn(command, args, { cwd: join(root, CHECK_DIR), env, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Runs a complete program to its end (or kills it after `timeoutMs`). */
export async function runProgram (root: string, entry: PreparedBlock, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProgramRun> {
  const child = start(root, entry, env)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL') }, timeoutMs)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, sig) => resolve([code, sig])))
  clearTimeout(timer)
  return { exitCode, signal, stdout, stderr, timedOut }
}

function canConnect (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: 'localhost' })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

export interface ServerRun extends ProgramRun {
  /** Whether it accepted a connection on `PORT`. */
  listened: boolean
  /** The status it answered `GET /` with. */
  status?: number
}

/**
 * Starts a server program with `PORT` set, waits until it accepts connections,
 * asks it for `/`, then stops it.
 */
export async function serveProgram (root: string, entry: PreparedBlock, env: NodeJS.ProcessEnv, port: number, timeoutMs: number): Promise<ServerRun> {
  const child = start(root, entry, { ...env, PORT: String(port) })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, sig) => resolve([code, sig])))
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null

  const deadline = Date.now() + timeoutMs
  let listened = false
  while (!exited() && Date.now() < deadline) {
    if (await canConnect(port)) {
      listened = true
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  let status: number | undefined
  if (listened) {
    status = await fetch(`http://localhost:${port}/`).then((response) => response.status, () => undefined)
  }
  child.kill('SIGTERM')
  const [exitCode, signal] = await closed
  return { exitCode, signal, stdout, stderr, timedOut: !listened && Date.now() >= deadline, listened, status }
}
