import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import { createTestAuth, type TestAuth } from 'fastify-propelauth/testing'
import { sharedKeyPair } from './shared-key-pair.js'

// A scripted auth URL for the server-run sign-in's tests without a browser: the
// four calls the plugin makes (code exchange, refresh, logout, userinfo) and an
// authorize page that signs one user in at once. It counts the calls and can be
// told to fail, which the stand-in is not for.

export interface FakeUser { userId: string, email: string, orgs: Array<{ orgId: string, orgName: string, role: string }> }

export interface FakeSsrAuthUrl {
  url: string
  apiKey: string
  testAuth: TestAuth
  user: FakeUser
  /** Calls to the refresh endpoint so far. */
  refreshCalls: number
  /** How the refresh endpoint answers: as PropelAuth, with a 503, or by closing the connection. */
  refreshMode: 'ok' | '503' | 'drop'
  /** How the code exchange, userinfo and logout answer: as PropelAuth, with a status, by dropping the connection, or (tokens) with a token that does not verify. */
  tokenMode: 'ok' | 503 | 401 | 'drop' | 'unverifiable' | 'no-tokens'
  userinfoMode: 'ok' | 503 | 401 | 'drop' | 'not-json'
  logoutMode: 'ok' | 500 | 'drop'
  /** Seconds the access tokens it gives live. */
  accessTokenLifetime: number
  /** Refresh tokens still alive. */
  liveRefreshTokens: Set<string>
  /** Codes issued and not yet used. */
  codes: Map<string, string>
  close: () => Promise<void>
}

export async function startFakeSsrAuthUrl (user: FakeUser): Promise<FakeSsrAuthUrl> {
  const server: FastifyInstance = Fastify()
  // Filled in once the server listens, before any request.
  let testAuth = undefined as unknown as TestAuth
  const fake: FakeSsrAuthUrl = {
    url: '',
    apiKey: 'fake-backend-api-key',
    get testAuth () { return testAuth },
    user,
    refreshCalls: 0,
    refreshMode: 'ok',
    tokenMode: 'ok',
    userinfoMode: 'ok',
    logoutMode: 'ok',
    accessTokenLifetime: 1800,
    liveRefreshTokens: new Set(),
    codes: new Map(),
    close: async () => await server.close()
  }
  const mint = async (activeOrgId?: string): Promise<{ access_token: string, refresh_token: string }> => {
    const refreshToken = randomBytes(16).toString('hex')
    fake.liveRefreshTokens.add(refreshToken)
    const accessToken = await testAuth.mintAccessToken({
      userId: user.userId,
      email: user.email,
      orgs: user.orgs,
      ...(activeOrgId === undefined ? {} : { activeOrgId }),
      expiresIn: fake.accessTokenLifetime
    })
    return { access_token: accessToken, refresh_token: refreshToken }
  }
  const keyed = (authorization: string | undefined): boolean => authorization === `Bearer ${fake.apiKey}`

  server.get('/propelauth/ssr/authorize', async (request, reply) => {
    const { redirect_uri: redirectUri, state } = request.query as Record<string, string>
    const code = randomBytes(8).toString('hex')
    fake.codes.set(code, redirectUri)
    return await reply.redirect(`${redirectUri}?code=${code}&state=${encodeURIComponent(state)}`)
  })
  server.post('/propelauth/ssr/token', async (request, reply) => {
    if (fake.tokenMode === 'no-tokens') return { access_token: 'x' }
    if (fake.tokenMode === 'drop') {
      request.raw.socket.destroy()
      return await reply
    }
    if (typeof fake.tokenMode === 'number') return await reply.code(fake.tokenMode).send('refused')
    if (!keyed(request.headers.authorization)) return await reply.code(401).send('Unauthorized')
    const { code, redirect_uri: redirectUri } = request.body as Record<string, string>
    if (fake.codes.get(code) !== redirectUri) return await reply.code(400).send({ error: 'invalid code' })
    fake.codes.delete(code)
    const tokens = await mint()
    return fake.tokenMode === 'unverifiable' ? { ...tokens, access_token: `${tokens.access_token.slice(0, -4)}AAAA` } : tokens
  })
  server.post('/api/backend/v1/refresh_token', async (request, reply) => {
    fake.refreshCalls++
    if (fake.refreshMode === '503') return await reply.code(503).send('unavailable')
    if (fake.refreshMode === 'drop') {
      request.raw.socket.destroy()
      return await reply
    }
    if (!keyed(request.headers.authorization)) return await reply.code(401).send('Unauthorized')
    const { refresh_token: refreshToken } = request.body as Record<string, string>
    const orgId = (request.query as Record<string, string>).active_org_id
    if (!fake.liveRefreshTokens.has(refreshToken)) return await reply.code(401).send('Unauthorized')
    if (orgId !== undefined && !user.orgs.some((org) => org.orgId === orgId)) return await reply.code(401).send('Unauthorized')
    fake.liveRefreshTokens.delete(refreshToken)
    const tokens = await mint(orgId)
    return { refresh_token: tokens.refresh_token, access_token: { access_token: tokens.access_token, expires_at_seconds: Math.floor(Date.now() / 1000) + fake.accessTokenLifetime } }
  })
  server.post('/api/backend/v1/logout', async (request, reply) => {
    if (fake.logoutMode === 'drop') {
      request.raw.socket.destroy()
      return await reply
    }
    if (fake.logoutMode !== 'ok') return await reply.code(fake.logoutMode).send('failed')
    if (!keyed(request.headers.authorization)) return await reply.code(401).send('Unauthorized')
    fake.liveRefreshTokens.delete((request.body as Record<string, string>).refresh_token)
    return {}
  })
  server.get('/propelauth/oauth/userinfo', async (request, reply) => {
    const token = request.headers.authorization?.replace(/^Bearer /, '')
    if (fake.userinfoMode === 'drop') {
      request.raw.socket.destroy()
      return await reply
    }
    if (fake.userinfoMode === 'not-json') return await reply.type('text/plain').send('<html>')
    if (typeof fake.userinfoMode === 'number') return await reply.code(fake.userinfoMode).send('refused')
    if (token === undefined) return await reply.code(401).send('Unauthorized')
    return { user_id: user.userId, email: user.email, email_confirmed: true }
  })
  await server.listen({ port: 0, host: '127.0.0.1' })
  const address = server.server.address()
  fake.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  testAuth = await createTestAuth({ keyPair: await sharedKeyPair(), authUrl: fake.url })
  return fake
}

/** A minimal cookie jar for `inject`: what Set-Cookie set, sent back as Cookie. */
export class CookieJar {
  readonly cookies = new Map<string, string>()
  /** The attributes of the last Set-Cookie of each name. */
  readonly attributes = new Map<string, string>()

  take (setCookie: string | string[] | undefined): void {
    for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      this.attributes.set(name, attributes.map((part) => part.trim()).join('; '))
      const expired = /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header (): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}
