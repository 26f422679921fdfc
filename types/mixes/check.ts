import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { assertBuilt } from './built.js'

// Type-checks every app in types/mixes as its own TypeScript program: another
// plugin's declarations (@fastify/auth's `app.auth`, @fastify/jwt's
// `request.user`) are global to a program, so two mixes checked together would
// leak into each other. Each program runs with skipLibCheck on and off, because
// with it on the compiler skips conflicting declarations silently and the types
// depend on which package it read first; each mix has one program per import
// order for that reason. A mix's runtime test imports tap, whose own declarations
// do not check cleanly, so its tsconfig.test.json runs with skipLibCheck on only.
// The examples of docs/typescript.md are type-checked with every other block of
// the docs by test/docs.test.ts, those that declare an augmentation each in a
// program of its own, as here.

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '../..')

interface Program {
  project: string
  skipLibCheck: boolean
}

async function programs (): Promise<Program[]> {
  const found: Program[] = []
  for (const mix of await readdir(here, { withFileTypes: true })) {
    if (!mix.isDirectory()) continue
    for (const file of (await readdir(join(here, mix.name))).sort()) {
      if (!/^tsconfig(\..+)?\.json$/.test(file)) continue
      const project = join(here, mix.name, file)
      found.push({ project, skipLibCheck: true })
      if (file !== 'tsconfig.test.json') found.push({ project, skipLibCheck: false })
    }
  }
  return found
}

// The programs share one host, so the declaration files they have in common
// (fastify's, Node's) are read and parsed once; each program still binds and
// checks them itself.
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

function check ({ project, skipLibCheck }: Program): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(project, { skipLibCheck }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  if (config === undefined) throw new Error(`cannot read ${project}`)
  if (config.errors.length > 0) return config.errors
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host })
  return ts.getPreEmitDiagnostics(program)
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n'
}

await assertBuilt()
const all = await programs()
let failed = 0
for (const program of all) {
  const diagnostics = check(program)
  const name = relative(root, program.project)
  console.log(`${diagnostics.length === 0 ? 'pass' : 'FAIL'} ${name} (skipLibCheck ${program.skipLibCheck})`)
  if (diagnostics.length > 0) {
    failed++
    console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost))
  }
}
if (failed > 0) {
  console.error(`${failed} of ${all.length} programs failed`)
  process.exitCode = 1
} else {
  console.log(`${all.length} programs type-check`)
}
