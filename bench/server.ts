// One benchmark server per child process. Every server answers
// `GET /orgs/:orgId/me` with `{ user_id }`; they differ only in how (and whether)
// the request is authenticated. The parent asks for this process's CPU time
// before and after each load run, so the table can show the server's CPU cost
// per request, not only the throughput a shared 2-core machine happens to allow.
import { hash } from 'node:crypto'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { initBaseAuth } from '@propelauth/node'
import cookie from '@fastify/cookie'
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from 'fastify'
import propelAuth from '../index.js'
import { serveParent } from './child.js'
import { AUTH_URL, ISSUER } from './fixtures.js'

// @fastify/jwt is loaded without its type declarations on purpose: they merge
// `request.jwtVerify` and another `request.user` into Fastify's global types,
// and since tsconfig covers bench/, that would leak into the type checking of
// the plugin and its tests.
interface FastifyJwtOptions {
  secret: { public: string }
  verify: { algorithms: string[], allowedIss: string, cache: boolean }
}
const fastifyJwt = createRequire(import.meta.url)('@fastify/jwt') as FastifyPluginCallback<FastifyJwtOptions>
interface JwtRequest { jwtVerify: () => Promise<unknown>, user: { user_id: string } }

export type ServerKind =
  | 'bare'
  | 'bare-hook'
  | 'header-hook'
  | 'hash-hook'
  | 'propelauth-requireUser'
  | 'propelauth-minimumRole'
  | 'propelauth-cookie'
  | 'propelauth-session'
  | 'propelauth-nocache'
  | 'fastify-jwt'
  | 'fastify-jwt-cache'
  | 'propelauth-node'

export const ROUTE = '/orgs/:orgId/me'

export interface ServerUsage {
  /** process.cpuUsage() in microseconds. */
  user: number
  system: number
  heapUsed: number
  rss: number
}

// The same length as a PropelAuth user id, so every server sends the same bytes.
const ANONYMOUS = { user_id: '00000000-0000-4000-8000-000000000000' }

/**
 * The plugin under test: this checkout's, or the one in `pluginDir` (another
 * checkout, e.g. of main, with node_modules), to compare two versions in one run.
 */
async function pluginFrom (pluginDir: string | undefined): Promise<typeof propelAuth> {
  if (pluginDir === undefined) return propelAuth
  const loaded = await import(pathToFileURL(join(pluginDir, 'index.ts')).href) as { default: typeof propelAuth }
  return loaded.default
}

async function build (kind: ServerKind, publicKeyPem: string, pluginDir?: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  switch (kind) {
    case 'bare':
      app.get(ROUTE, async () => ANONYMOUS)
      break
    case 'bare-hook':
      // What any onRequest hook costs in Fastify, before it does anything.
      app.get(ROUTE, { onRequest: (_request, _reply, done) => { done() } }, async () => ANONYMOUS)
      break
    case 'header-hook':
      // Any authentication reads the Authorization header: what that alone costs.
      app.get(ROUTE, { onRequest: (request, _reply, done) => { done(request.headers.authorization === undefined ? new Error('no header') : undefined) } }, async () => ANONYMOUS)
      break
    case 'hash-hook': {
      // What keying a cache by the SHA-256 of the token costs: one digest and one lookup.
      const seen = new Map<string, boolean>()
      app.get(ROUTE, {
        onRequest: (request, _reply, done) => {
          const key = hash('sha256', (request.headers.authorization ?? '').slice(7), 'base64')
          if (seen.get(key) === undefined) seen.set(key, true)
          done()
        }
      }, async () => ANONYMOUS)
      break
    }
    case 'propelauth-requireUser':
    case 'propelauth-minimumRole':
    case 'propelauth-nocache':
      await app.register(await pluginFrom(pluginDir), {
        authUrl: AUTH_URL,
        tokenVerificationMetadata: { verifierKey: publicKeyPem, issuer: ISSUER },
        cache: kind === 'propelauth-nocache' ? false : undefined
      })
      app.get(ROUTE, {
        onRequest: kind === 'propelauth-minimumRole' ? app.auth.requireOrgMemberWithMinimumRole('Admin') : app.auth.requireUser
      }, async (request) => ({ user_id: request.user?.userId }))
      break
    // The access token in a cookie, read by @fastify/cookie; and the same cookie as
    // a server-run session's, whose stage looks at it before the guard does.
    case 'propelauth-cookie':
    case 'propelauth-session': {
      const session = kind === 'propelauth-session'
      if (!session) await app.register(cookie)
      await app.register(await pluginFrom(pluginDir), {
        authUrl: AUTH_URL,
        tokenVerificationMetadata: { verifierKey: publicKeyPem, issuer: ISSUER },
        ...(session ? { apiKey: 'bench-backend-api-key', sessions: { redirectUri: 'http://localhost:3000/api/auth/callback' } } : { tokenFrom: { cookie: '__pa_at' } })
      })
      const guards = session ? app.auth.from('session') : app.auth
      app.get(ROUTE, { onRequest: guards.requireUser }, async (request) => ({ user_id: request.user?.userId }))
      break
    }
    case 'fastify-jwt':
    case 'fastify-jwt-cache': {
      // Verify-only @fastify/jwt as its README configures it for RS256, with the same key and issuer check.
      await app.register(fastifyJwt, {
        secret: { public: publicKeyPem },
        verify: { algorithms: ['RS256'], allowedIss: ISSUER, cache: kind === 'fastify-jwt-cache' }
      })
      app.get(ROUTE, {
        onRequest: async (request) => { await (request as unknown as JwtRequest).jwtVerify() }
      }, async (request) => ({ user_id: (request as unknown as JwtRequest).user.user_id }))
      break
    }
    case 'propelauth-node': {
      // PropelAuth's Node library (it has no Fastify integration) in an onRequest hook.
      const auth = initBaseAuth({
        authUrl: AUTH_URL,
        apiKey: 'bench-not-used',
        manualTokenVerificationMetadata: { verifierKey: publicKeyPem, issuer: ISSUER }
      })
      app.decorateRequest('propelUser', null)
      app.get(ROUTE, {
        onRequest: async (request) => {
          (request as unknown as { propelUser: unknown }).propelUser = await auth.validateAccessTokenAndGetUser(request.headers.authorization)
        }
      }, async (request) => ({ user_id: ((request as unknown as { propelUser: { userId: string } }).propelUser).userId }))
      break
    }
    default:
      throw new Error(`unknown server kind ${String(kind)}`)
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  return app
}

function usage (): ServerUsage {
  const { user, system } = process.cpuUsage()
  const { heapUsed, rss } = process.memoryUsage()
  return { user, system, heapUsed, rss }
}

let app: FastifyInstance | undefined

serveParent(async (message) => {
  switch (message.type) {
    case 'start': {
      app = await build(message.kind as ServerKind, message.publicKeyPem as string, message.pluginDir as string | undefined)
      const address = app.server.address()
      if (address === null || typeof address === 'string') throw new Error('no TCP address')
      return { port: address.port }
    }
    case 'usage':
      return usage()
    case 'stop':
      await app?.close()
      return { stopped: true }
    default:
      throw new Error(`unknown message ${message.type}`)
  }
})
