import { execFile } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import ts from 'typescript'
import { typeScript7 } from '../../scripts/typescript-7.js'
import { assertBuilt } from './built.js'

// Type-checks every app in types/mixes as its own TypeScript program: another
// plugin's declarations (@fastify/auth's `app.auth`, @fastify/jwt's
// `request.user`) are global to a program, so two mixes checked together would
// leak into each other.
//
// - The mixes of other plugins run on TypeScript 7 with skipLibCheck on and off,
//   because with it on the compiler skips conflicting declarations silently and
//   the types depend on which package it read first; each such mix has one
//   program per import order for that reason. A mix's runtime test imports tap,
//   whose own declarations do not check cleanly, so its tsconfig.test.json runs
//   with skipLibCheck on only.
// - `modes/` is the app every user writes first, on every entry of the package.
//   It runs under each module resolution apps use, with exactOptionalPropertyTypes
//   on and off, on the oldest TypeScript supported (5.9) and on 7, skipLibCheck off:
//   declarations that resolve in one mode can fail in another.
// - The examples of docs/typescript.md are type-checked with every other block of
//   the docs by test/docs.test.ts, those that declare an augmentation each in a
//   program of its own, as here.

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '../..')
const MATRIX_MIX = 'modes'

/** The module settings an app may have; each pair is one mode of the matrix. */
const MODES = [
  { module: 'nodenext', moduleResolution: 'nodenext' },
  { module: 'node16', moduleResolution: 'node16' },
  { module: 'preserve', moduleResolution: 'bundler' },
  { module: 'esnext', moduleResolution: 'bundler' }
] as const
type Mode = typeof MODES[number]

type Compiler = '5.9' | '7'

interface Program {
  project: string
  compiler: Compiler
  skipLibCheck: boolean
  /** Unset: the mode of the project's tsconfig (NodeNext). */
  mode?: Mode
  exactOptionalPropertyTypes?: boolean
}

async function programs (): Promise<Program[]> {
  const found: Program[] = []
  for (const mix of await readdir(here, { withFileTypes: true })) {
    if (!mix.isDirectory()) continue
    for (const file of (await readdir(join(here, mix.name))).sort()) {
      if (!/^tsconfig(\..+)?\.json$/.test(file)) continue
      const project = join(here, mix.name, file)
      if (mix.name === MATRIX_MIX) {
        for (const compiler of ['5.9', '7'] as const) {
          for (const mode of MODES) {
            for (const exactOptionalPropertyTypes of [false, true]) found.push({ project, compiler, skipLibCheck: false, mode, exactOptionalPropertyTypes })
          }
        }
        continue
      }
      found.push({ project, compiler: '7', skipLibCheck: true })
      if (file !== 'tsconfig.test.json') found.push({ project, compiler: '7', skipLibCheck: false })
    }
  }
  return found
}

// --- TypeScript 5.9, in this process ----------------------------------------------

// The programs share one host, so the declaration files they have in common
// (fastify's, Node's) are read and parsed once; each program still binds and
// checks them itself. Modes may share too: a file's parse depends only on its
// text and on what the key holds (the language version and the file's module
// format, which node16 and nodenext derive from package.json).
const parsed = new Map<string, ts.SourceFile | undefined>()
const baseHost = ts.createCompilerHost({})
const host: ts.CompilerHost = {
  ...baseHost,
  getSourceFile (fileName, languageVersion, onError) {
    const key = `${fileName}:${JSON.stringify(languageVersion)}`
    if (!parsed.has(key)) parsed.set(key, baseHost.getSourceFile(fileName, languageVersion, onError))
    return parsed.get(key)
  }
}

const MODULE_KINDS: Record<Mode['module'], ts.ModuleKind> = {
  nodenext: ts.ModuleKind.NodeNext, node16: ts.ModuleKind.Node16, preserve: ts.ModuleKind.Preserve, esnext: ts.ModuleKind.ESNext
}
const RESOLUTION_KINDS: Record<Mode['moduleResolution'], ts.ModuleResolutionKind> = {
  nodenext: ts.ModuleResolutionKind.NodeNext, node16: ts.ModuleResolutionKind.Node16, bundler: ts.ModuleResolutionKind.Bundler
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n'
}

/** The diagnostics as text; empty when the program type-checks. */
function checkWithTypeScript59 (program: Program): string {
  const overrides: ts.CompilerOptions = { skipLibCheck: program.skipLibCheck }
  if (program.mode !== undefined) {
    overrides.module = MODULE_KINDS[program.mode.module]
    overrides.moduleResolution = RESOLUTION_KINDS[program.mode.moduleResolution]
  }
  if (program.exactOptionalPropertyTypes !== undefined) overrides.exactOptionalPropertyTypes = program.exactOptionalPropertyTypes
  const config = ts.getParsedCommandLineOfConfigFile(program.project, overrides, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  if (config === undefined) throw new Error(`cannot read ${program.project}`)
  const diagnostics = config.errors.length > 0 ? config.errors : ownDiagnostics(ts.createProgram({ rootNames: config.fileNames, options: config.options, host }))
  return diagnostics.length === 0 ? '' : ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost)
}

/** Where the files this repository ships or tests live: the app, the built declarations of both packages. */
const OWN_FILES = [join(root, 'types/mixes'), join(root, 'dist'), join(root, 'standin/dist')]

/**
 * What `tsc` reports with skipLibCheck off, for the files that are ours: the
 * declarations we ship, the app that uses them. Checking every declaration file
 * of Node.js and Fastify again in each mode took two thirds of the time and says
 * nothing about this package; TypeScript 7's `tsc` checks them all.
 */
function ownDiagnostics (program: ts.Program): readonly ts.Diagnostic[] {
  const own = program.getSourceFiles().filter((file) => OWN_FILES.some((dir) => file.fileName.startsWith(dir)))
  return [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...own.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])
  ]
}

// --- TypeScript 7, its native compiler -----------------------------------------------

// TypeScript 7's compiler is a native program with no stable API in this version:
// it is run as `tsc -p`, whose command-line options override the tsconfig's.
// One checker thread: the checks run beside the test processes, on few cores.
const tsc7 = await typeScript7()
const run = promisify(execFile)

async function checkWithTypeScript7 (program: Program): Promise<string> {
  const args = [...tsc7.args, '-p', program.project, '--noEmit', '--pretty', 'true', '--checkers', '1', '--skipLibCheck', String(program.skipLibCheck)]
  if (program.mode !== undefined) args.push('--module', program.mode.module, '--moduleResolution', program.mode.moduleResolution)
  if (program.exactOptionalPropertyTypes !== undefined) args.push('--exactOptionalPropertyTypes', String(program.exactOptionalPropertyTypes))
  try {
    await run(tsc7.command, args, { cwd: root, env: tsc7.env, maxBuffer: 16 * 1024 * 1024 })
    return ''
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string, stderr?: string, message: string }
    return `${stdout ?? ''}${stderr ?? ''}` || message
  }
}

function describe (program: Program): string {
  const settings = [`TypeScript ${program.compiler}`]
  if (program.mode !== undefined) settings.push(`module ${program.mode.module}, moduleResolution ${program.mode.moduleResolution}`)
  if (program.exactOptionalPropertyTypes !== undefined) settings.push(`exactOptionalPropertyTypes ${program.exactOptionalPropertyTypes}`)
  settings.push(`skipLibCheck ${program.skipLibCheck}`)
  return `${relative(root, program.project)} (${settings.join(', ')})`
}

// `check.ts 7` or `check.ts 5.9` checks the programs of one compiler only, so
// that `npm test` can run the two halves side by side.
const only = process.argv[2]
if (only !== undefined && only !== '5.9' && only !== '7') throw new Error(`usage: check.ts [5.9 | 7], not ${only}`)

await assertBuilt()
const all = (await programs()).filter((program) => only === undefined || program.compiler === only)
let failed = 0
for (const program of all) {
  const diagnostics = program.compiler === '7' ? await checkWithTypeScript7(program) : checkWithTypeScript59(program)
  console.log(`${diagnostics === '' ? 'pass' : 'FAIL'} ${describe(program)}`)
  if (diagnostics !== '') {
    failed++
    console.error(diagnostics)
  }
}
if (failed > 0) {
  console.error(`${failed} of ${all.length} programs failed`)
  process.exitCode = 1
} else {
  const versions = { 5.9: ts.version, 7: createRequire(import.meta.url)('typescript-7/package.json').version as string }
  const used = [...new Set(all.map((program) => versions[program.compiler]))]
  console.log(`${all.length} programs type-check (TypeScript ${used.join(' and ')})`)
}
