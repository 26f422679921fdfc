import { setTimeout as sleep } from 'node:timers/promises'
import { ABOUT_PATH, STAND_IN_NAME } from '../about.js'

// Names that can only mean this machine. A real PropelAuth project is never on
// one, so a password login offered for such a URL cannot reach real accounts.
const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Pause between attempts while the stand-in is not listening yet (started beside the app). */
const RETRY_DELAY_MS = 100

const WHERE_TO_FIND_IT = 'give the stand-in\'s URL (standIn.authUrl or standIn.apiBaseUrl, or the one `npx fastify-propelauth-standin` prints, e.g. http://localhost:4000)'

/**
 * The origin of `url` when it is an http(s) URL on loopback; refused
 * otherwise, before any request is made, with what to give instead.
 */
export function loopbackOrigin (url: unknown): string {
  let parsed: URL | undefined
  try {
    parsed = typeof url === 'string' || url instanceof URL ? new URL(url) : undefined
  } catch {}
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`standInDocsLogin: url must be the http URL of the PropelAuth stand-in: ${WHERE_TO_FIND_IT}; got ${describe(url)}`)
  }
  if (!LOOPBACK_HOSTNAMES.has(parsed.hostname)) {
    // The origin only: a URL may carry credentials, which a message must not repeat.
    throw new Error(`standInDocsLogin refuses ${parsed.origin}: the password sign-in on your docs is for the PropelAuth stand-in on this machine (localhost, 127.0.0.1 or [::1]), never for a real PropelAuth project. Set it up in development only, and ${WHERE_TO_FIND_IT}`)
  }
  return parsed.origin
}

function describe (value: unknown): string {
  if (typeof value === 'string') return value.length > 80 ? `a string of ${value.length} characters` : JSON.stringify(value)
  return value === null ? 'null' : typeof value
}

/**
 * Asks `origin` whether it is the stand-in (`GET /standin/about`) and returns
 * the absolute URL of its password login. A server that answers anything else
 * is refused at once; one that does not answer is asked again until
 * `timeoutMs` has passed, so that an app started at the same time as the
 * stand-in does not fail for being a few milliseconds early.
 */
export async function confirmStandIn (origin: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let lastFailure = 'no attempt'
  while (true) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) break
    let response: Response
    try {
      response = await fetch(`${origin}${ABOUT_PATH}`, { redirect: 'manual', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(remaining) })
    } catch (error) {
      lastFailure = failureOf(error)
      await sleep(Math.min(RETRY_DELAY_MS, Math.max(0, deadline - Date.now())))
      continue
    }
    const loginPath = await passwordLoginPathOf(response)
    if (loginPath === undefined) {
      throw new Error(`standInDocsLogin refuses ${origin}: it is not the PropelAuth stand-in (GET ${ABOUT_PATH} answered ${response.status}, not the stand-in's description). Start the stand-in (npx fastify-propelauth-standin, or startStandIn() in code) and ${WHERE_TO_FIND_IT}`)
    }
    return new URL(loginPath, origin).href
  }
  throw new Error(`standInDocsLogin: the PropelAuth stand-in did not answer at ${origin} within ${timeoutMs} ms (${lastFailure}). Start it before the app (npx fastify-propelauth-standin, or startStandIn() in code), or ${WHERE_TO_FIND_IT}`)
}

async function passwordLoginPathOf (response: Response): Promise<string | undefined> {
  if (response.status !== 200) {
    await response.body?.cancel()
    return undefined
  }
  let about: unknown
  try {
    about = await response.json()
  } catch {
    return undefined
  }
  if (typeof about !== 'object' || about === null) return undefined
  const { name, passwordLoginPath } = about as Record<string, unknown>
  // A path on the stand-in's own origin, never a URL elsewhere.
  if (name !== STAND_IN_NAME || typeof passwordLoginPath !== 'string' || !/^\/(?!\/)/.test(passwordLoginPath)) return undefined
  return passwordLoginPath
}

function failureOf (error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  if (error.name === 'TimeoutError') return 'no answer'
  // fetch reports a refused connection as "fetch failed", with the reason as its cause.
  const cause = (error as Error & { cause?: unknown }).cause
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : error.message
}
