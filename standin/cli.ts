#!/usr/bin/env node
// `fastify-propelauth-standin`: the PropelAuth stand-in as a command, for
// developing an app (or running another language's client) against a local
// PropelAuth with no account.
import { parseArgs } from 'node:util'
import { startStandIn, type StandIn } from './index.js'
import type { StandInCall } from './lib/hooks.js'
import { checkAllowedOrigins } from './lib/auth-url/origins.js'
import { checkRedirectUris } from './lib/auth-url/ssr-redirect-uris.js'
import { webhookCliEndpoints, formatWebhookAttempt } from './lib/webhooks/cli.js'
import type { StandInWebhookEndpoint } from './lib/webhooks/endpoints.js'
import { createWebhookSecret } from './lib/webhooks/secrets.js'

const DEFAULT_PORT = 4000

const HELP = `Usage: fastify-propelauth-standin [options]

A local PropelAuth in memory: token verification metadata, the whole backend
API (users, orgs, invites, API keys, SAML, step-up MFA…), the auth URL that
PropelAuth's browser client signs in at (login, sign-up and account pages,
sessions, /api/v1/refresh_token), and a development password login
(POST /login).

Options:
  --port <number>     Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <address>    Address to listen on (default 127.0.0.1)
  --seed <file.json>  Users, orgs and roles to start with (default: the built-in
                      demo seed: owner@acme.test, admin@acme.test,
                      member@acme.test, outsider@example.test, password "password")
  --api-key <key>     The backend API key clients must send (default: a random one)
  --allowed-origin <origin>
                      A web origin, besides localhost, 127.0.0.1 and [::1] on any
                      port, whose pages may use the auth URL (repeatable)
  --redirect-uri <url>
                      A redirect URI, besides any on localhost, 127.0.0.1 and
                      [::1], that server-side sign-in (/propelauth/ssr/authorize)
                      may send codes to; matched exactly (repeatable)
  --ssr-access-token-seconds <n>
                      Lifetime of server-side sign-ins' access tokens (default 1800)
  --logout-redirect-url <url>
                      Where signing out on the hosted pages goes (default: the
                      /api/auth/logout of the app last signed in on its server)
  --webhook <url>     Post PropelAuth's webhook events to this URL, signed as
                      Svix signs them and retried on Svix's schedule (repeatable)
  --webhook-secret <whsec_…>
                      The signing secret of the --webhook endpoints: one for
                      all, or one per --webhook in the same order
  --new-webhook-secret
                      Print a fresh signing secret and exit
  --quiet             Do not log each call and webhook attempt
  -h, --help          Show this help

Point fastify-propelauth at it with the three values it prints:
  { authUrl, apiKey, apiBaseUrl }
`

/** A mistake on the command line (exit status 2, as usage errors). */
class UsageError extends Error {}

interface CliOptions {
  port: number
  host: string
  seed?: string
  apiKey?: string
  allowedOrigins: string[]
  redirectUris: string[]
  ssrAccessTokenSeconds?: number
  logoutRedirectUrl?: string
  webhooks: StandInWebhookEndpoint[]
  quiet: boolean
}

/** What the command does: serve, or only print something and exit. */
type CliAction = { serve: CliOptions } | { print: string }

/** Parses the command line; throws a UsageError saying what is wrong. */
function parseCli (argv: string[]): CliAction {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'api-key': { type: 'string' },
        'allowed-origin': { type: 'string', multiple: true },
        'redirect-uri': { type: 'string', multiple: true },
        'ssr-access-token-seconds': { type: 'string' },
        'logout-redirect-url': { type: 'string' },
        webhook: { type: 'string', multiple: true },
        'webhook-secret': { type: 'string', multiple: true },
        'new-webhook-secret': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false }
      },
      strict: true,
      allowPositionals: false
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values } = parsed
  if (values.help === true) return { print: HELP }
  if (values['new-webhook-secret'] === true) return { print: createWebhookSecret() }
  const port = values.port === undefined ? DEFAULT_PORT : /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a whole number from 0 to 65535, not ${values.port ?? ''}`)
  if (values['api-key'] !== undefined && values['api-key'].trim() === '') throw new UsageError('--api-key must not be empty')
  const tokenSeconds = values['ssr-access-token-seconds']
  if (tokenSeconds !== undefined && !/^[1-9]\d{0,8}$/.test(tokenSeconds)) throw new UsageError(`--ssr-access-token-seconds must be a whole number of seconds > 0, not ${tokenSeconds}`)
  let allowedOrigins: string[]
  let redirectUris: string[]
  let webhooks: StandInWebhookEndpoint[]
  try {
    allowedOrigins = checkAllowedOrigins(values['allowed-origin'] ?? [], () => '--allowed-origin')
    redirectUris = checkRedirectUris(values['redirect-uri'] ?? [], () => '--redirect-uri')
    webhooks = webhookCliEndpoints(values.webhook ?? [], values['webhook-secret'] ?? [])
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  return {
    serve: {
      port,
      host: values.host ?? '127.0.0.1',
      seed: values.seed,
      apiKey: values['api-key'],
      allowedOrigins,
      redirectUris,
      ssrAccessTokenSeconds: tokenSeconds === undefined ? undefined : Number(tokenSeconds),
      logoutRedirectUrl: values['logout-redirect-url'],
      webhooks,
      quiet: values.quiet === true
    }
  }
}

function formatCall (call: StandInCall): string {
  return `${new Date(call.at).toISOString().slice(11, 23)} ${call.method} ${call.url} ${call.status} ${call.durationMs}ms`
}

function plural (count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function webhookLines (standIn: StandIn): string[] {
  const urls = standIn.webhooks.endpoints.map((endpoint) => endpoint.url)
  if (urls.length === 0) return []
  return [`Webhooks: every event is posted to ${urls.join(', ')}, signed with the secret given (each attempt is logged).`]
}

function banner (standIn: StandIn): string {
  const users = [...standIn.state.users.values()]
  const login = users.filter((user) => user.password !== undefined).map((user) => user.email)
  return [
    'PropelAuth stand-in is running.',
    '',
    `  Auth URL:      ${standIn.authUrl}`,
    `  API base URL:  ${standIn.apiBaseUrl}`,
    `  API key:       ${standIn.apiKey}`,
    '',
    'Register fastify-propelauth with:',
    `  { authUrl: '${standIn.authUrl}', apiKey: '${standIn.apiKey}', apiBaseUrl: '${standIn.apiBaseUrl}' }`,
    '',
    'Point PropelAuth\'s browser client at the auth URL:',
    `  createClient({ authUrl: '${standIn.authUrl}' })   // sign-in page: ${standIn.authUrl}/login`,
    '',
    'Server-side sign-in (@propelauth/nextjs): PROPELAUTH_AUTH_URL as above, PROPELAUTH_API_KEY as above,',
    '  PROPELAUTH_REDIRECT_URI=<your app>/api/auth/callback (on localhost, or given with --redirect-uri)',
    '',
    `${plural(users.length, 'user')}, ${plural(standIn.state.orgs.size, 'org')}. Development login: POST ${standIn.apiBaseUrl}/login`,
    '  (form fields username=<email>, password=<password>, and mfa_code=<code> for users with MFA)' + (login.length > 0 ? ` for ${login.join(', ')}` : ''),
    `MFA code for users enrolled in MFA: ${standIn.mfaCode}`,
    ...webhookLines(standIn),
    '',
    'Press Ctrl+C to stop.',
    ''
  ].join('\n')
}

/** Runs the command; resolves with the running stand-in, or undefined when it only printed something. */
async function runCli (argv: string[], out: (line: string) => void = console.log): Promise<StandIn | undefined> {
  const action = parseCli(argv)
  if ('print' in action) {
    out(action.print)
    return undefined
  }
  const options = action.serve
  const standIn = await startStandIn({
    port: options.port,
    host: options.host,
    seed: options.seed,
    apiKey: options.apiKey,
    allowedOrigins: options.allowedOrigins,
    redirectUris: options.redirectUris,
    ssrAccessTokenSeconds: options.ssrAccessTokenSeconds,
    logoutRedirectUrl: options.logoutRedirectUrl,
    webhooks: options.webhooks,
    onCall: options.quiet ? undefined : (call) => out(formatCall(call)),
    onWebhookAttempt: options.quiet ? undefined : (attempt, delivery) => out(formatWebhookAttempt(attempt, delivery))
  })
  out(banner(standIn))
  return standIn
}

async function main (): Promise<void> {
  let standIn: StandIn | undefined
  try {
    standIn = await runCli(process.argv.slice(2))
  } catch (error) {
    console.error(`fastify-propelauth-standin: ${(error as Error).message}`)
    if (error instanceof UsageError) console.error('Run with --help for usage.')
    process.exitCode = error instanceof UsageError ? 2 : 1
    return
  }
  if (standIn === undefined) return
  const running = standIn
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => { running.close().then(() => process.exit(0), () => process.exit(1)) })
  }
}

await main()
