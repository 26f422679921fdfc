import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { closeAtProcessEnd } from './process-end.js'

// Browser tests drive Debian's `chromium` package (`.ci/run` installs it), never
// a browser download. The flags keep it off the network this machine lacks.
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

interface Teardown { teardown: (fn: () => unknown) => void }

/** `false` when Chromium is there, else the reason to skip the browser test of `what`. */
export function chromiumSkip (what: string): false | string {
  return existsSync(CHROMIUM)
    ? false
    : `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) to run the browser test of ${what}`
}

const LAUNCH_TIMEOUT_MS = 30_000
// Generous: on a 2-core machine running every check at once, Swagger UI can take
// seconds to settle an element before it can be clicked.
const ACTION_TIMEOUT_MS = 30_000

let browserOfProcess: Promise<Browser> | undefined

/**
 * One Chromium for the pages of this process that need no switches of their
 * own, closed when the process's tests end: a launch took about 1.3 s of CPU
 * more than a fresh context in a running Chromium.
 */
function sharedBrowser (): Promise<Browser> {
  browserOfProcess ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: LAUNCH_TIMEOUT_MS }).then((browser) => {
    closeAtProcessEnd(() => browser.close())
    return browser
  })
  return browserOfProcess
}

/**
 * A page of its own to each test, closed at the test's end.
 *
 * Without `extraArgs`, in a fresh context (cookies, storage and cache of its
 * own) of the process's shared Chromium. With them, in a Chromium of its own
 * on a fresh profile on disk, as a user's browser is: such switches, e.g.
 * `--host-resolver-rules=MAP app.test 127.0.0.1` to reach a loopback server
 * under a name that is not loopback, serve the tests of what another site can
 * do, where the cookie policy of a real profile is part of what is tested.
 */
export async function openBrowserPage (t: Teardown, extraArgs: readonly string[] = []): Promise<Page> {
  if (extraArgs.length === 0) {
    const context = await (await sharedBrowser()).newContext()
    t.teardown(() => context.close())
    context.setDefaultTimeout(ACTION_TIMEOUT_MS)
    return await context.newPage()
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'fastify-propelauth-chromium-'))
  t.teardown(() => rm(userDataDir, { recursive: true, force: true }))
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: LAUNCH_TIMEOUT_MS
  })
  t.teardown(() => browser.close())
  browser.setDefaultTimeout(ACTION_TIMEOUT_MS)
  return browser.pages()[0] ?? await browser.newPage()
}

/**
 * In Swagger UI: expands GET `path`, presses Try it out (once), fills its
 * parameters and Execute; returns the status and body the page shows.
 */
export async function tryOperation (page: Page, path: string, parameters: Record<string, string> = {}): Promise<{ status: string, body: string }> {
  const operation = page.locator('.opblock-get').filter({ has: page.locator(`[data-path="${path}"]`) })
  if (!await operation.locator('.opblock-body').isVisible()) await operation.locator('.opblock-summary').click()
  const tryOut = operation.locator('button.try-out__btn')
  if ((await tryOut.textContent())?.includes('Try it out') === true) await tryOut.click()
  for (const [name, value] of Object.entries(parameters)) {
    await operation.locator(`tr[data-param-name="${name}"] input`).fill(value)
  }
  await operation.locator('button.execute').click()
  const live = operation.locator('.live-responses-table .response').first()
  await live.waitFor()
  const status = (await live.locator('.response-col_status').textContent())?.trim() ?? ''
  const body = (await live.locator('.response-col_description pre').first().textContent()) ?? ''
  // Clear, so the next Execute's answer is the one read.
  await operation.locator('button.btn-clear').click()
  return { status, body }
}
