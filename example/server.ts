// `npm start`: runs the example app. With PROPELAUTH_AUTH_URL and
// PROPELAUTH_API_KEY set it uses your real PropelAuth project; without them it
// starts the PropelAuth stand-in with seeded users and prints curl lines with
// fresh tokens, so you can see 200, 401 and 403 at once, with no account.
import { createWebhookSecret, startStandIn, type StandIn } from 'fastify-propelauth-standin'
import { EXAMPLE_SEED } from './seed.js'
import { buildApp } from './app.js'
import { browserBaseUrl, freePort } from './app-url.js'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
const authUrl = process.env.PROPELAUTH_AUTH_URL
const apiKey = process.env.PROPELAUTH_API_KEY
// Your endpoint's secret from PropelAuth's dashboard; with the stand-in, a new one for this run.
let webhookSecret = process.env.PROPELAUTH_WEBHOOK_SECRET

let standIn: StandIn | undefined
let options
if (authUrl !== undefined && apiKey !== undefined) {
  options = { authUrl, apiKey }
} else {
  standIn = await startStandIn({ port: Number(process.env.STANDIN_PORT ?? 0), seed: EXAMPLE_SEED })
  options = standIn.pluginOptions
  webhookSecret ??= createWebhookSecret()
}

// Server-run sign-in (the page /ssr) sends browsers back to the app's own URL,
// an option of the plugin, so the port is settled before listening: with
// PORT=0, a free one is picked now. APP_URL overrides it (the https URL of an
// app behind a proxy, as registered in PropelAuth's dashboard); off loopback,
// without it, /ssr is off: plain http is for loopback only.
const loopback = ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host)
const listenPort = port === 0 ? await freePort(host) : port
const appUrl = process.env.APP_URL ?? (loopback ? browserBaseUrl(host, listenPort) : undefined)

// With the stand-in, /docs also offers its password login (development only).
const example = { webhookSecret, baseUrl: appUrl, ...(standIn === undefined ? {} : { standInUrl: standIn.apiBaseUrl }) }
const app = await buildApp(options, { logger: { level: process.env.LOG_LEVEL ?? 'info' } }, example)
app.addHook('onClose', async () => { await standIn?.close() })
const stop = (): void => { app.close().then(() => process.exit(0), () => process.exit(1)) }
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop)
// `npm start` runs this process under npm and a shell. Ctrl+C reaches them all,
// but a SIGTERM sent to npm's PID reaches npm and the shell only, and the shell
// does not pass it on: this process would go on listening, stand-in included.
// Once the process that started it is gone (it is then adopted by another), it stops.
const startedBy = process.ppid
setInterval(() => { if (process.ppid !== startedBy) stop() }, 250).unref()
await app.listen({ port: listenPort, host })
const address = app.server.address()
const boundPort = typeof address === 'object' && address !== null ? address.port : listenPort
const base = `http://${host === '0.0.0.0' ? 'localhost' : host}:${boundPort}`
// The page must be on the same site as the auth URL (http://localhost:<port> with the stand-in), or
// the browser would not send the session cookie with the client's calls: 127.0.0.1 and localhost
// are two different sites.
const pageUrl = loopback ? `http://localhost:${boundPort}/` : `${base}/`
// The app's address is known only now: the stand-in sends its events from here on.
standIn?.webhooks.addEndpoint({ url: `${base}/webhooks/propelauth`, secret: webhookSecret as string })

const ssrLine = appUrl === undefined
  ? 'Server-rendered page: off (set APP_URL, the https URL browsers reach this app at).'
  : `Server-rendered page (sign-in run by the server, no JavaScript): ${appUrl}/ssr`
if (standIn === undefined) {
  const callback = appUrl === undefined ? '' : `\n  (add ${appUrl}/api/auth/callback to your PropelAuth project's allowed redirect URIs)`
  console.log(`\nExample app on ${base}, using PropelAuth at ${authUrl}\nFrontend page (PropelAuth's browser client): ${pageUrl}\n${ssrLine}${callback}\nAPI docs (Swagger UI): ${base}/docs\n`)
} else {
  const acme = [...standIn.state.orgs.values()][0]
  const line = (label: string, token: string, path: string): string =>
    `  # ${label}\n  curl -i ${base}${path} -H "Authorization: Bearer ${token}"\n`
  const lines: string[] = []
  for (const email of ['owner@acme.test', 'admin@acme.test', 'member@acme.test', 'outsider@example.test']) {
    const user = standIn.state.findUserByEmail(email)!
    const role = acme.members.get(user.userId)?.role ?? 'no org'
    const token = await standIn.createAccessToken(email, { durationInMinutes: 60 })
    lines.push(line(`${user.firstName} (${email}, ${role}) — /whoami: 200`, token, '/api/whoami'))
    lines.push(line(`${user.firstName} on /admin_or_owner: ${role === 'Owner' || role === 'Admin' ? '200' : '403'}`, token, `/api/org/${acme.orgId}/admin_or_owner`))
  }
  console.log([
    '',
    `Example app on ${base}, with a local PropelAuth stand-in at ${standIn.apiBaseUrl} (no account needed).`,
    'Set PROPELAUTH_AUTH_URL and PROPELAUTH_API_KEY to use your real PropelAuth project instead.',
    '',
    `Frontend page: ${pageUrl} — click Sign in, sign in on the stand-in's login page as one of the users`,
    `below (password: password; owner@ is asked for an MFA code: ${standIn.mfaCode}), and come back`,
    'to see what /api/whoami and the org routes answer for that user.',
    '',
    `${ssrLine}`,
    '  — the same sign-in, run by the server: the page shows the user, their active org and role, and',
    '  what the org routes answer them; switch the org (owner@ is also in Globex) and sign out with its buttons.',
    '',
    `Webhooks: the stand-in sends PropelAuth's events (sign-ins, users and orgs changed) to ${base}/webhooks/propelauth,`,
    'which logs one line per event; a user signed out or disabled there loses their earlier tokens at once.',
    '',
    `API docs (Swagger UI): ${base}/docs — click Authorize and sign in under standInLogin as admin@, member@ or`,
    'outsider@ (password: password; that form cannot send the Owner\'s MFA code), or paste a token below under propelauth.',
    '',
    `Org "${acme.name}" has id ${acme.orgId}. Tokens below are valid for 60 minutes:`,
    '',
    '  # no token — 401',
    `  curl -i ${base}/api/whoami`,
    '',
    ...lines,
    ''
  ].join('\n'))
}
