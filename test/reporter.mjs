// tap reporter for `npm test`: one line per test file (or suite of files), then every failure in
// full (its path of tests, the diff or error, where it was raised), the reason
// of every skipped test, and the totals. tap's own output, every assertion of
// every file, is `npm test -- --reporter=tap`.
//
// tap hands a reporter module the raw TAP stream of the whole run; this one
// reads it with tap-parser (the parser tap itself uses), so it works the same
// in a terminal and in CI, where tap's interactive reporters redraw the screen.
import { Transform } from 'node:stream'
import { Parser } from 'tap-parser'

/** A subtest's closing point carries its duration; an assertion does not. */
const isSubtest = (result) => result.time !== null || result.buffered

const seconds = (ms) => ms === null || ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`

const indent = (text, by = '    ') => String(text).replace(/\n+$/, '').split('\n').map((line) => by + line).join('\n')

/** The diagnostics tap attached to a failure, the useful parts first. */
function describeFailure (diag) {
  if (diag === null || typeof diag !== 'object') return []
  const parts = []
  const { diff, found, wanted, compare, at, stack, source, ...rest } = diag
  if (diff !== undefined) parts.push(indent(diff))
  else if (found !== undefined || wanted !== undefined) {
    parts.push(indent(`found:  ${JSON.stringify(found)}\nwanted: ${JSON.stringify(wanted)}${compare === undefined ? '' : ` (${compare})`}`))
  }
  for (const [key, value] of Object.entries(rest)) {
    const inline = value === null || typeof value !== 'object' ? String(value) : undefined
    parts.push(indent(inline !== undefined && !inline.includes('\n') ? `${key}: ${inline}` : `${key}:\n${indent(inline ?? JSON.stringify(value, null, 2))}`))
  }
  if (at !== undefined && at !== null) parts.push(indent(`at ${at.fileName ?? '?'}:${at.lineNumber ?? '?'}:${at.columnNumber ?? '?'}`))
  if (stack !== undefined) parts.push(indent(stack))
  else if (source !== undefined) parts.push(indent(source))
  return parts
}

export default class SummaryReporter extends Transform {
  #parser = new Parser()
  /** Per file: assertions passed, failed, skipped, todo. */
  #counts = new Map()
  #failures = []
  #skips = []
  /** Coverage below the thresholds of package.json, as tap reports it. */
  #coverageShort = []

  constructor () {
    super()
    const parser = this.#parser
    parser.on('result', (result) => this.#onResult(result))
    parser.on('assert', (result) => this.#onFile(result))
    parser.on('comment', (comment) => {
      const short = /^# ERROR: incomplete (\w+) coverage \((.*)\)/.exec(comment)
      if (short !== null) this.#coverageShort.push(`${short[1]} ${short[2]}`)
      // The totals are printed below; everything else at the top level (coverage) is news.
      if (!/^# (\{ total|time=)/.test(comment)) this.#out(comment.replace(/\n$/, ''))
    })
    parser.on('bailout', (reason) => this.#out(`Bail out! ${reason}`))
    parser.on('complete', (results) => this.#onComplete(results))
  }

  #out (line = '') {
    this.push(`${line}\n`)
  }

  #file (fullname) {
    const name = fullname.split(' > ')[0]
    if (!this.#counts.has(name)) this.#counts.set(name, { pass: 0, fail: 0, skip: 0, todo: 0, failures: 0 })
    return this.#counts.get(name)
  }

  #onResult (result) {
    if (!result.fullname.includes(' > ')) return // a whole file: see #onFile
    const counts = this.#file(result.fullname)
    if (result.skip) {
      counts.skip++
      this.#skips.push(result)
      return
    }
    if (isSubtest(result) && !result.ok) {
      // A failing subtest whose assertions already failed adds nothing; one that failed on its own (a timeout, a plan) does.
      if (this.#failures.some((failure) => failure.fullname.startsWith(`${result.fullname} > `))) return
    } else if (isSubtest(result)) {
      return
    }
    if (result.todo) counts.todo++
    else if (result.ok) counts.pass++
    else {
      counts.fail++
      this.#failures.push(result)
    }
  }

  #onFile (result) {
    const counts = this.#file(result.fullname)
    if (!result.ok && counts.fail === 0 && !result.skip) {
      counts.fail++
      this.#failures.push(result) // the file itself failed: it crashed, or timed out
    }
    const status = result.skip ? 'skip' : result.ok ? 'ok  ' : 'FAIL'
    const detail = [`${counts.pass} passed`]
    if (counts.fail > 0) detail.push(`${counts.fail} failed`)
    if (counts.skip > 0) detail.push(`${counts.skip} skipped`)
    if (counts.todo > 0) detail.push(`${counts.todo} todo`)
    if (typeof result.skip === 'string' && result.skip !== '') detail.push(result.skip)
    this.#out(`${status} ${result.name.padEnd(44)} ${detail.join(', ').padEnd(32)} ${seconds(result.time)}`)
  }

  #onComplete (results) {
    for (const failure of this.#failures) {
      this.#out()
      this.#out(`✖ ${failure.fullname}`)
      for (const part of describeFailure(failure.diag)) this.#out(part)
    }
    if (this.#skips.length > 0) {
      this.#out()
      this.#out('Skipped:')
      for (const skip of this.#skips) this.#out(`  ${skip.fullname}${typeof skip.skip === 'string' && skip.skip !== '' ? `: ${skip.skip}` : ''}`)
    }
    const total = { pass: 0, fail: 0, skip: 0, todo: 0 }
    for (const counts of this.#counts.values()) for (const key of Object.keys(total)) total[key] += counts[key]
    this.#out()
    this.#out(`${this.#counts.size} files in ${seconds(results.time)}. Every assertion: npm test -- --reporter=tap`)
    if (this.#coverageShort.length > 0) {
      this.#out(`Coverage below the thresholds of package.json: ${this.#coverageShort.join(', ')} (the gate applies to the whole suite; see CONTRIBUTING.md)`)
    }
    // Last, alone on its line, in the plain form that CI systems read: N passed, N failed, N skipped.
    this.#out(`${results.ok ? 'Passed' : 'FAILED'}: ${total.pass} passed, ${total.fail} failed, ${total.skip} skipped`)
  }

  /** tap pipes the run's TAP in, and this reporter's text out to the terminal (or --reporter-file). */
  _transform (chunk, encoding, callback) {
    this.#parser.write(chunk)
    callback()
  }

  _flush (callback) {
    this.#parser.end()
    callback()
  }
}
