import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import { SEEDED } from './helpers/harness.js'
import { startReceiver } from './helpers/webhook-receiver.js'
import { webhookCliEndpoints } from '../lib/webhooks/cli.js'
import { untracked } from '../../test/helpers/untracked.js'

// The built command, the file `npx fastify-propelauth-standin` runs (`npm test` builds it first).
const CLI = new URL('../dist/cli.js', import.meta.url).pathname

interface Run {
  child: ChildProcess
  output: () => string
  /** Resolves once the output contains `text`. */
  waitFor: (text: string | RegExp) => Promise<string>
}

function run (args: string[]): Run {
  // No coverage: the stand-in is not counted, and collecting it would cost each run.
  const child = spawn(...untracked(process.execPath, [CLI, ...args]), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' } })
  let output = ''
  const waiters: Array<() => void> = []
  const collect = (chunk: Buffer): void => {
    output += chunk.toString()
    for (const waiter of waiters.splice(0)) waiter()
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const waitFor = async (text: string | RegExp): Promise<string> => {
    while (typeof text === 'string' ? !output.includes(text) : !text.test(output)) {
      if (child.exitCode !== null) throw new Error(`the CLI exited (${child.exitCode}) before printing ${String(text)}:\n${output}`)
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), once(child, 'exit')])
    }
    return output
  }
  return { child, output: () => output, waitFor }
}

test('the CLI starts a seeded stand-in, prints its URLs and key, logs each call (secrets redacted), and stops on SIGTERM', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'standin-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const seed = join(dir, 'seed.json')
  await writeFile(seed, JSON.stringify({ users: [{ email: 'cli@example.test', password: 'hunter22' }] }))

  const cli = run(['--port', '0', '--seed', seed, '--api-key', 'cli-test-key', '--allowed-origin', 'https://app.example.test'])
  t.teardown(() => { if (cli.child.exitCode === null) cli.child.kill('SIGKILL') })
  const banner = await cli.waitFor('Press Ctrl+C to stop.')
  const apiBaseUrl = /API base URL: +(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]
  t.match(banner, /Auth URL: +http:\/\/localhost:\d+/)
  t.match(banner, /API key: +cli-test-key/)
  t.match(banner, /1 user, 0 orgs\. Development login: POST http:\/\/127\.0\.0\.1:\d+\/login/)
  t.match(banner, /for cli@example\.test/)
  const authUrl = /createClient\(\{ authUrl: '(http:\/\/localhost:\d+)' \}\) +\/\/ sign-in page: http:\/\/localhost:\d+\/login/.exec(banner)![1]
  const preflight = await fetch(`${authUrl}/api/v1/refresh_token`, { method: 'OPTIONS', headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET' } })
  t.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.test', '--allowed-origin is allowed')

  const login = await fetch(`${apiBaseUrl}/login`, { method: 'POST', body: new URLSearchParams({ username: 'cli@example.test', password: 'hunter22' }) })
  t.equal(login.status, 200)
  const metadata = await fetch(`${apiBaseUrl}/api/v1/token_verification_metadata`, { headers: { authorization: 'Bearer cli-test-key' } })
  t.equal(metadata.status, 200)
  const made = await fetch(`${apiBaseUrl}/api/backend/v1/magic_link`, {
    method: 'POST',
    headers: { authorization: 'Bearer cli-test-key', 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'cli@example.test' })
  })
  const magicLink = new URL(((await made.json()) as { url: string }).url)
  t.equal((await fetch(`${apiBaseUrl}/magic_link${magicLink.search}`)).status, 200)
  const log = await cli.waitFor('GET /magic_link?t=[REDACTED] 200')
  t.match(log, /\d\d:\d\d:\d\d\.\d{3} POST \/login 200 [\d.]+ms/)
  t.match(log, 'GET /api/v1/token_verification_metadata 200')
  t.notOk(log.includes('hunter22'), 'no password in the log')
  t.notOk(log.includes(magicLink.searchParams.get('t')!), 'no magic-link secret in the log')

  cli.child.kill('SIGTERM')
  const [code] = await once(cli.child, 'exit')
  t.equal(code, 0)
})

test('--help prints the usage and exits 0; a bad flag or seed exits non-zero with a clear message', async (t) => {
  const help = run(['--help'])
  const badPort = run(['--port', 'eighty'])
  const badSeed = run(['--port', '0', '--seed', '/nonexistent/seed.json'])
  const badOrigin = run(['--port', '0', '--allowed-origin', 'https://app.example.test/path'])
  const newSecret = run(['--new-webhook-secret'])
  const noSecret = run(['--port', '0', '--webhook', 'http://127.0.0.1:9/webhooks'])
  const exits = await Promise.all([help, badPort, badSeed, badOrigin, newSecret, noSecret].map(async ({ child }) => await once(child, 'exit')))
  const [[helpCode], [badPortCode], [badSeedCode], [badOriginCode], [newSecretCode], [noSecretCode]] = exits

  t.equal(helpCode, 0)
  t.match(help.output(), /Usage: fastify-propelauth-standin \[options\][\s\S]*--seed <file\.json>[\s\S]*--webhook <url>[\s\S]*--webhook-secret <whsec_…>[\s\S]*--new-webhook-secret/)
  t.equal(badPortCode, 2)
  t.match(badPort.output(), /--port must be a whole number from 0 to 65535, not eighty\nRun with --help for usage\./)
  t.equal(badSeedCode, 1)
  t.match(badSeed.output(), /cannot read \/nonexistent\/seed\.json: ENOENT/)
  t.equal(badOriginCode, 2)
  t.match(badOrigin.output(), /--allowed-origin must be an origin as browsers send it, "https:\/\/app.example.test", not "https:\/\/app.example.test\/path"/)
  t.equal(newSecretCode, 0)
  t.match(newSecret.output(), /^whsec_[A-Za-z0-9+/]{32}\n$/, '--new-webhook-secret prints a fresh secret, and nothing else')
  t.equal(noSecretCode, 2)
  t.match(noSecret.output(), /--webhook needs --webhook-secret <whsec_…>: the secret your receiver verifies with \(--new-webhook-secret prints a fresh one\)\nRun with --help for usage\./)
})

test('--webhook and --webhook-secret: events are posted signed, and each attempt is logged without the secret', async (t) => {
  const receiver = await startReceiver(t)
  const cli = run(['--port', '0', '--api-key', 'cli-test-key', '--webhook', receiver.url, '--webhook-secret', receiver.secret])
  t.teardown(() => { if (cli.child.exitCode === null) cli.child.kill('SIGKILL') })
  const banner = await cli.waitFor('Press Ctrl+C to stop.')
  t.match(banner, `Webhooks: every event is posted to ${receiver.url}, signed with the secret given`)
  const apiBaseUrl = /API base URL: +(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]
  const disabled = await fetch(`${apiBaseUrl}/api/backend/v1/user/${SEEDED.member}/disable`, { method: 'POST', headers: { authorization: 'Bearer cli-test-key' } })
  t.equal(disabled.status, 200)
  await receiver.waitFor(1)
  t.same(receiver.events(), [{ event_type: 'user.disabled', user_id: SEEDED.member }], 'verified with Svix\'s library')
  const log = await cli.waitFor(/webhook user\.disabled msg_[0-9A-Za-z]{27} → http:\/\/127\.0\.0\.1:\d+\/webhooks 204 \(attempt 1 of 8\)/)
  t.notOk(log.includes(receiver.secret.slice('whsec_'.length)), 'the secret is not printed')
  cli.child.kill('SIGTERM')
  const [code] = await once(cli.child, 'exit')
  t.equal(code, 0)
})

test('webhook flags pair each --webhook with a secret, and say what is wrong without showing one', async (t) => {
  const secret = 'whsec_' + Buffer.alloc(24, 7).toString('base64')
  const other = 'whsec_' + Buffer.alloc(24, 8).toString('base64')
  t.same(webhookCliEndpoints([], []), [])
  t.same(webhookCliEndpoints(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'], [secret]), [{ url: 'http://127.0.0.1:9/a', secret }, { url: 'http://127.0.0.1:9/b', secret }], 'one secret for all')
  t.same(webhookCliEndpoints(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'], [secret, other]), [{ url: 'http://127.0.0.1:9/a', secret }, { url: 'http://127.0.0.1:9/b', secret: other }], 'one each, in order')
  const refusals: Array<[string[], string[], RegExp]> = [
    [[], [secret], /^--webhook-secret needs a --webhook URL to sign for$/],
    [['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b', 'http://127.0.0.1:9/c'], [secret, other], /^--webhook-secret: give one secret for every --webhook, or one per --webhook in the same order \(2 secrets for 3 URLs\)$/],
    [['http://127.0.0.1:9/a'], ['whsec_c2hvcnQ='], /^--webhook-secret holds a key of 5 bytes; a key needs at least 24/],
    [['127.0.0.1:9/a'], [secret], /^--webhook must be an absolute http or https URL/]
  ]
  for (const [urls, secrets, message] of refusals) {
    const error = t.throws(() => webhookCliEndpoints(urls, secrets), message) as Error
    t.notMatch(error.message, /c2hvcnQ|BwcH|CAgI/, 'no secret in the message')
  }
})
