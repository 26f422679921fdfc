// Reads the code blocks of a Markdown page and what the page says about each
// (CONTRIBUTING.md, "Code blocks in the docs", is the user's side of this):
//
//   ```ts                      a complete program: type-checked, then run against
//                              the stand-in; its `// → value` comments, or an
//                              ```output block after it, are what it must print
//   <!-- check: serve -->      a server: type-checked, started, must listen, stopped
//   <!-- check: commonjs -->   (with any of the above) checked and run as CommonJS
//   <!-- check: fragment(app, request) -->
//                              part of a program: type-checked with the named
//                              givens declared (test/helpers/doc-givens.ts)
//   <!-- check: types-only: <why it cannot run here> -->
//                              a complete program that is only type-checked
//   <!-- check: browser -->    code for a web page: type-checked with the DOM's types
//
// A block whose first line is `// some/path.ts` is written at that path, so that
// the page's other blocks can import it (`import { buildApp } from '../src/app.js'`).
//
// A directive is the last non-blank line before the block it governs. Every
// TypeScript block is checked one way or another; a `js` block is refused, so
// that no example escapes the type checker.

export type BlockKind = 'run' | 'serve' | 'fragment' | 'types-only' | 'browser'

export interface TypeScriptBlock {
  /** Repository-relative path of the page. */
  page: string
  /** 1-based line of the opening fence. */
  line: number
  code: string
  kind: BlockKind
  commonjs: boolean
  /** The names a fragment assumes. */
  givens: string[]
  /** Why a types-only block is not run. */
  reason?: string
  /** The path its first line names (`// src/app.ts`), relative to the page's own directory of files. */
  path?: string
  /** Lines the program must print, `…` matching any text; undefined when nothing is shown. */
  expected?: string[]
}

export interface JsonBlock {
  page: string
  line: number
  code: string
}

export interface PageBlocks {
  typescript: TypeScriptBlock[]
  json: JsonBlock[]
  /** Mistakes in how the page marks its blocks, as `page:line: message`. */
  problems: string[]
}

const TYPESCRIPT = new Set(['ts', 'typescript', 'mts', 'cts'])
const JAVASCRIPT = new Set(['js', 'javascript', 'mjs', 'cjs', 'jsx', 'tsx'])
const DIRECTIVE = /^<!--\s*check:\s*(.*?)\s*-->$/
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)(.*)$/
const ARROW = /\/\/ → (.*)$/
const FILE_PATH = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.ts)\s*$/

interface Directive {
  kind: BlockKind
  commonjs: boolean
  givens: string[]
  reason?: string
}

function parseDirective (text: string): Directive | string {
  const directive: Directive = { kind: 'run', commonjs: false, givens: [] }
  let rest = text
  const typesOnly = /(?:^|,)\s*types-only:\s*(.+)$/.exec(rest)
  if (typesOnly !== null) {
    directive.kind = 'types-only'
    directive.reason = typesOnly[1].trim()
    rest = rest.slice(0, typesOnly.index)
  }
  const fragment = /(?:^|,)\s*fragment\(([^)]*)\)/.exec(rest)
  if (fragment !== null) {
    if (directive.kind !== 'run') return 'a block is a fragment or types-only, not both'
    directive.kind = 'fragment'
    directive.givens = fragment[1].split(',').map((name) => name.trim()).filter((name) => name !== '')
    rest = rest.slice(0, fragment.index) + rest.slice(fragment.index + fragment[0].length)
  }
  for (const word of rest.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    if (word === 'commonjs') directive.commonjs = true
    else if (word === 'serve' && directive.kind === 'run') directive.kind = 'serve'
    else if (word === 'browser' && directive.kind === 'run') directive.kind = 'browser'
    else return `unknown check directive "${word}"; use serve, commonjs, browser, fragment(givens…) or types-only: <reason>`
  }
  if (directive.kind === 'types-only' && directive.reason === '') return 'types-only needs a reason: types-only: <why it cannot run here>'
  return directive
}

/** Finds the fenced blocks of `text` (the page at `page`) and their directives. */
export function readBlocks (page: string, text: string): PageBlocks {
  const lines = text.split('\n')
  const result: PageBlocks = { typescript: [], json: [], problems: [] }
  const problem = (line: number, message: string): void => { result.problems.push(`${page}:${line}: ${message}`) }
  let lastTypeScript: TypeScriptBlock | undefined
  let lastOutputOwner: TypeScriptBlock | undefined

  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i])
    if (open === null) continue
    const [, fence, lang] = open
    const start = i
    const closing = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`)
    const body: string[] = []
    for (i++; i < lines.length && !closing.test(lines[i]); i++) body.push(lines[i])
    if (i === lines.length) problem(start + 1, 'a code block that is never closed')
    const code = body.join('\n')

    let previous = start - 1
    while (previous >= 0 && lines[previous].trim() === '') previous--
    const directiveMatch = previous >= 0 ? DIRECTIVE.exec(lines[previous].trim()) : null
    const language = lang.toLowerCase()

    if (TYPESCRIPT.has(language)) {
      const directive = directiveMatch === null ? parseDirective('') : parseDirective(directiveMatch[1])
      if (typeof directive === 'string') {
        problem(previous + 1, directive)
        continue
      }
      const arrows = body.map((line) => ARROW.exec(line)?.[1]).filter((value): value is string => value !== undefined)
      const block: TypeScriptBlock = {
        page,
        line: start + 1,
        code,
        ...directive,
        commonjs: directive.commonjs || language === 'cts',
        path: FILE_PATH.exec(body[0] ?? '')?.[1],
        expected: arrows.length > 0 ? arrows : undefined
      }
      if (block.expected !== undefined && block.kind !== 'run') {
        problem(start + 1, `a ${block.kind} block is not run, so its \`// →\` output cannot be checked: make it a complete program, or drop the arrows`)
      }
      result.typescript.push(block)
      lastTypeScript = block
    } else if (directiveMatch !== null) {
      problem(previous + 1, `a check directive before a \`${lang || 'plain'}\` block: directives govern TypeScript blocks only`)
    } else if (language === 'output') {
      if (lastTypeScript === undefined || lastTypeScript.kind !== 'run') {
        problem(start + 1, 'an output block must follow a complete program (a TypeScript block that is run)')
      } else if (lastTypeScript.expected !== undefined || lastOutputOwner === lastTypeScript) {
        problem(start + 1, 'the program before this output block already shows its output')
      } else {
        const shown = [...body]
        while (shown.length > 0 && shown[shown.length - 1].trim() === '') shown.pop()
        lastTypeScript.expected = shown
        lastOutputOwner = lastTypeScript
      }
    } else if (language === 'json') {
      result.json.push({ page, line: start + 1, code })
    } else if (JAVASCRIPT.has(language)) {
      problem(start + 1, `examples are TypeScript: mark this \`${lang}\` block \`ts\` so that it is type-checked`)
    }
  }
  return result
}

/** Whether `actual` (what a program printed) matches the lines it was expected to print. */
export function matchesOutput (expected: readonly string[], actual: string): boolean {
  const printed = actual.replace(/\s+$/, '').split('\n').map((line) => line.replace(/\s+$/, ''))
  const wanted = expected.map((line) => line.replace(/\s+$/, ''))
  if (printed.length !== wanted.length) return false
  return wanted.every((line, index) => {
    const pattern = line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
    return new RegExp(`^${pattern}$`).test(printed[index])
  })
}
