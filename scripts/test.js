// `npm test`: builds both packages, then runs every check at once rather than
// one after another: tap (the longest) starts as soon as the build is done,
// and the static checks (the type checks, the import cycles, publint) share
// the machine with it, at most TEST_STATIC_JOBS at a time (default: the
// cores less one) and one per core once tap is done, at a lower priority.
// Lint needs no build and starts with it.
//
// The output of each static check is printed whole when it ends, headed by its
// name, its result, its time and its command; tap's, one line per test file, as
// it comes. Arguments go to tap (`npm test -- --reporter=tap`). Every check
// runs to its end even if another fails; the run fails if any failed. If the
// build fails, nothing else runs: the checks need it.
//
// Why: in sequence, one step at a time, a 2-core machine had a core idle for
// most of the run; the commit that added this file has the figures.
import { spawn } from 'node:child_process'
import { availableParallelism, setPriority } from 'node:os'
import { isAbsolute, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { typeScript7 } from './typescript-7.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => `node_modules/.bin/${name}`
/** TypeScript 7's compiler (5.9's also installs a `tsc` bin), with one checker thread: the cores are busy. */
const tsc7 = await typeScript7()
const typecheck = (name, project) => ({ name, command: tsc7.command, args: [...tsc7.args, '-p', project, '--noEmit', '--checkers', '1'], env: tsc7.env })

/** Run in order before anything else. */
const BUILD = { name: 'build:all', command: 'npm', args: ['run', 'build:all'] }
/** Needs no build: runs beside it. */
const LINT = { name: 'lint', command: bin('eslint'), args: [] }
/**
 * After the build, at most STATIC_JOBS at a time beside tap, longest first.
 * `npm run typecheck`, `npm run test:types` and `npm run test:package` run the
 * same checks, in sequence; `npm run check:cycles` is run as it is.
 */
const STATIC = [
  { name: 'test:mixes (TypeScript 7)', command: bin('tsx'), args: ['types/mixes/check.ts', '7'] },
  { name: 'tstyche', command: bin('tstyche'), args: [] },
  { name: 'test:mixes (TypeScript 5.9)', command: bin('tsx'), args: ['types/mixes/check.ts', '5.9'] },
  typecheck('typecheck (plugin)', 'tsconfig.json'),
  { name: 'check:cycles', command: 'npm', args: ['run', '--silent', 'check:cycles'] },
  typecheck('typecheck (stand-in)', 'standin/tsconfig.json'),
  { name: 'test:package', command: bin('publint'), args: ['--strict'] },
  { name: 'test:package (stand-in)', command: bin('publint'), args: ['--strict', 'standin'] }
]
// tap runs each test file in a process of its own, by default one at a time on
// 2 cores (it leaves a core free up to 4); here, one per core.
const TAP = { name: 'tap', command: bin('tap'), args: [`--jobs=${availableParallelism()}`, '--no-allow-incomplete-coverage', ...process.argv.slice(2)], stream: true }
// While tap runs, one fewer than the cores: more processes than cores cost CPU time in
// switches (a warm run on 2 cores took 354 s of CPU with one check at a time, about 420 s
// with two). Once tap is done, one per core: with one, the checks left when tap ended
// (36 s of them on a fresh clone) ran on one core while the other idled.
const STATIC_JOBS = Math.max(1, Number(process.env.TEST_STATIC_JOBS) || availableParallelism() - 1)
const STATIC_JOBS_AFTER_TAP = Math.max(STATIC_JOBS, availableParallelism())
/**
 * The static checks run at a lower priority (nice 10, inherited by what they
 * start): tap is the longest step, and its test processes wait on timers,
 * servers and Chromium, so the checks fill the time the cores would idle
 * rather than slow tap down.
 */
const BACKGROUND_PRIORITY = 10
for (const step of [LINT, ...STATIC]) step.background = true

const children = new Set()
const results = []

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
const shown = ({ command, args }) => [(isAbsolute(command) ? relative(ROOT, command) : command).replace(/^node_modules\/(\.bin\/)?/, ''), ...args].join(' ')

/** Runs one step; its output is printed whole at its end, or as it comes if `stream`. */
function run (step) {
  const started = Date.now()
  const child = spawn(step.command, step.args, { cwd: ROOT, env: step.env, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' })
  children.add(child)
  if (step.background === true && child.pid !== undefined) {
    try {
      setPriority(child.pid, BACKGROUND_PRIORITY)
    } catch {}
  }
  const chunks = []
  const take = (stream, out) => stream.on('data', (chunk) => step.stream ? out.write(chunk) : chunks.push(chunk))
  take(child.stdout, process.stdout)
  take(child.stderr, process.stderr)
  return new Promise((resolve) => {
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)))
    child.on('close', (code, signal) => {
      children.delete(child)
      const ok = code === 0
      const time = Date.now() - started
      const status = ok ? 'passed' : `FAILED (${signal ?? `exit code ${code}`})`
      const output = Buffer.concat(chunks).toString().replace(/\s+$/, '')
      process.stdout.write(`\n── ${step.name}: ${status} in ${seconds(time)} · ${shown(step)}\n${output === '' ? '' : `${output}\n`}`)
      results.push({ name: step.name, ok, time })
      resolve(ok)
    })
  })
}

/**
 * Runs `steps` in order, at most `jobs` at a time until `widen` settles, then
 * at most `widerJobs`.
 */
async function pool (steps, jobs, widen, widerJobs) {
  const queue = [...steps]
  const worker = async () => {
    while (queue.length > 0) await run(queue.shift())
  }
  const first = Array.from({ length: Math.min(jobs, queue.length) }, worker)
  await widen
  const more = Array.from({ length: Math.min(widerJobs - jobs, queue.length) }, worker)
  await Promise.all([...first, ...more])
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal)
    process.exit(code)
  })
}

const started = Date.now()
const lint = run(LINT)
if (await run(BUILD)) {
  const tap = run(TAP)
  await Promise.all([tap, pool(STATIC, STATIC_JOBS, tap, STATIC_JOBS_AFTER_TAP), lint])
} else {
  await lint
  process.stdout.write('\nThe build failed: nothing else was run.\n')
}

const failed = results.filter((result) => !result.ok)
process.stdout.write(`\n${results.map(({ name, ok, time }) => `${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(24)} ${seconds(time).padStart(8)}`).join('\n')}\n`)
process.stdout.write(`npm test: ${failed.length === 0 ? 'every step passed' : `${failed.length} of ${results.length} steps failed`} in ${seconds(Date.now() - started)}\n`)
process.exitCode = failed.length === 0 ? 0 : 1
