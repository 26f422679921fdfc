import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { accessTokenClaims, createTestKeyPair, signClaims, type MintAccessTokenOptions, type TestKeyPair } from '../mint.js'
import { DEFAULT_SEED, type Seed } from '../seed.js'
import type { StandInContext } from './context.js'
import { accessTokenRoutes } from './routes/access-token.js'
import { metadataRoutes } from './routes/metadata.js'
import { StandInState } from './state.js'

export interface StandInOptions {
  /** Port on loopback; 0 (default) picks a free one. */
  port?: number
  /** Default 127.0.0.1: the stand-in is for this machine only. */
  host?: string
  /** The backend API key clients must send. Default: a random one. */
  apiKey?: string
  /** Users, orgs and roles to start with. Default `DEFAULT_SEED`. */
  seed?: Seed
  /** Reuse a key pair; a new one is made by default. */
  keyPair?: TestKeyPair
  /** Fastify logger option for the stand-in itself. Default off. */
  logger?: FastifyServerOptions['logger']
}

export interface StandIn {
  /** The auth URL to register the plugin with (`http://localhost:<port>`): the issuer of the stand-in's tokens. */
  authUrl: string
  /** Where backend calls go (`http://127.0.0.1:<port>`): the plugin's `apiBaseUrl`. */
  apiBaseUrl: string
  apiKey: string
  /** `{ authUrl, apiKey, apiBaseUrl }`: register the plugin with these and it fetches its key from the stand-in. */
  pluginOptions: { authUrl: string, apiKey: string, apiBaseUrl: string }
  state: StandInState
  /** The stand-in's own Fastify instance. */
  app: FastifyInstance
  /** A token for a stored user (by id or email), as `createAccessToken` would return it. */
  createAccessToken: (userIdOrEmail: string, options?: { durationInMinutes?: number, activeOrgId?: string }) => Promise<string>
  /** Signs any claims with the stand-in's key, for tokens the state does not describe. */
  mintAccessToken: (options?: MintAccessTokenOptions) => Promise<string>
  close: () => Promise<void>
}

/**
 * Starts a PropelAuth-compatible backend on loopback: the token verification
 * metadata and the backend API, backed by in-memory state, checking the API key
 * and `X-Propelauth-url` as PropelAuth does.
 */
export async function startStandIn (options: StandInOptions = {}): Promise<StandIn> {
  const host = options.host ?? '127.0.0.1'
  const apiKey = options.apiKey ?? `standin_${randomBytes(16).toString('hex')}`
  const keyPair = options.keyPair ?? await createTestKeyPair()
  const state = new StandInState(options.seed ?? DEFAULT_SEED)
  const app = Fastify({ logger: options.logger ?? false })

  // The issuer depends on the port, known only after listen: routes read it late.
  let issuer = ''
  let authHostname = ''
  const mint = async (mintOptions: MintAccessTokenOptions): Promise<string> =>
    await signClaims(accessTokenClaims(mintOptions, issuer, state.roles), keyPair.privateKey)
  const context: StandInContext = { state, publicKeyPem: keyPair.publicKeyPem, mint }

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/login' || request.url.startsWith('/login?')) return
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return await reply.code(401).send({ error: 'Unauthorized' })
    }
    // Current clients name the project in X-Propelauth-url (Node: hostname, Python: with port).
    const project = request.headers['x-propelauth-url']
    if (project !== undefined && project !== authHostname && project !== new URL(issuer).host) {
      return await reply.code(404).send({ error: 'Unknown auth URL' })
    }
  })
  metadataRoutes(app, context)
  accessTokenRoutes(app, context)

  await app.listen({ port: options.port ?? 0, host })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const authUrl = `http://localhost:${port}`
  issuer = authUrl
  authHostname = 'localhost'
  const apiBaseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    authUrl,
    apiBaseUrl,
    apiKey,
    pluginOptions: { authUrl, apiKey, apiBaseUrl },
    state,
    app,
    createAccessToken: async (userIdOrEmail, tokenOptions = {}) => {
      const user = state.users.get(userIdOrEmail) ?? state.findUserByEmail(userIdOrEmail)
      if (user === undefined) throw new Error(`stand-in: no user ${userIdOrEmail}`)
      return await mint({
        ...state.tokenOptionsFor(user, tokenOptions.activeOrgId),
        expiresIn: (tokenOptions.durationInMinutes ?? 30) * 60
      })
    },
    mintAccessToken: async (mintOptions = {}) => await mint(mintOptions),
    close: async () => { await app.close() }
  }
}
