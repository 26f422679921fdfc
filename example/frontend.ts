import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import fp from 'fastify-plugin'

export interface FrontendOptions {
  /** The auth URL PropelAuth's browser client signs in at: the one the backend is registered with. */
  authUrl: string
}

const here = new URL('./frontend/', import.meta.url)
// The browser client's ESM build: one file with no imports, so the page can load it as is.
const CLIENT = createRequire(import.meta.url).resolve('@propelauth/javascript/dist/esm/index.js')

/**
 * The example's frontend page at `/`: PropelAuth's browser client signing in
 * at `authUrl` and calling this app's routes with its tokens. It needs no
 * build step; the files are read once, at registration. Its routes are left
 * out of the API docs.
 */
export const frontend = fp<FrontendOptions>(async function frontend (app, options) {
  const page = (await readFile(new URL('index.html', here), 'utf8')).replace('%AUTH_URL%', new URL(options.authUrl).origin)
  const script = await readFile(new URL('app.js', here), 'utf8')
  const client = await readFile(CLIENT, 'utf8')
  const hide = { schema: { hide: true } }
  app.get('/', hide, async (_request, reply) => await reply.type('text/html; charset=utf-8').send(page))
  app.get('/app.js', hide, async (_request, reply) => await reply.type('text/javascript; charset=utf-8').send(script))
  app.get('/vendor/propelauth-javascript.js', hide, async (_request, reply) => await reply.type('text/javascript; charset=utf-8').send(client))
}, { name: 'example-frontend', fastify: '5.x' })
