import { createServer } from 'node:net'

// Server-run sign-in needs the app's own URL before the app listens: the
// redirect URI is an option of the plugin. These settle it from PORT and HOST.

/**
 * A port free on `host` now, for PORT=0, or on every address when no host is
 * given (`localhost` reaches both 127.0.0.1 and ::1). Another program could
 * take it before the app listens; then listen fails and says so, which is fine
 * for an example.
 */
export async function freePort (host?: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const address = probe.address()
      probe.close(() => { typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')) })
    })
  })
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'])

/**
 * Where browsers reach the app. On loopback it is `localhost`, the site of the
 * stand-in's auth URL (http://localhost:<port>): 127.0.0.1 and localhost are
 * two sites to a browser, and cookies set on one are not sent to the other.
 */
export function browserBaseUrl (host: string, port: number): string {
  return LOOPBACK.has(host) ? `http://localhost:${port}` : `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
