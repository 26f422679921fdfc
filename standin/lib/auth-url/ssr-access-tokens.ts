import { createVerify } from 'node:crypto'
import type { LoginMethodClaims } from 'fastify-propelauth'
import type { StandInContext } from '../context.js'
import type { StoredUser } from '../records.js'

/**
 * Reads an access token the stand-in signed, as `/propelauth/oauth/userinfo`
 * must: RS256 with the stand-in's key, its own issuer, not expired. The
 * stand-in checks its own tokens here, with Node's crypto alone: it uses
 * only the plugin's documented exports, and the plugin's verifier belongs
 * to an app. Undefined for anything else.
 */
export function readOwnAccessToken (context: StandInContext, token: string): { userId: string } | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [header, payload, signature] = parts
  let claims: Record<string, unknown>
  try {
    const algorithm = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>
    if (algorithm.alg !== 'RS256') return undefined
    const verifier = createVerify('RSA-SHA256')
    verifier.update(`${header}.${payload}`)
    if (!verifier.verify(context.publicKeyPem, Buffer.from(signature, 'base64url'))) return undefined
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (claims.iss !== context.authUrl) return undefined
  if (typeof claims.exp !== 'number' || claims.exp <= context.state.nowSeconds()) return undefined
  return typeof claims.user_id === 'string' ? { userId: claims.user_id } : undefined
}

/** `Authorization: Bearer <token>`'s token; undefined without one. */
export function bearerToken (authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(authorization ?? '')
  return match === null ? undefined : match[1]
}

/**
 * An access token for a server-side sign-in, on the stand-in's clock, living
 * `context.ssrAccessTokenSeconds`; with `activeOrgId`, scoped to that org
 * (`org_member_info` instead of every org), which the caller has checked.
 */
export async function mintServerAccessToken (
  context: StandInContext,
  user: StoredUser,
  loginMethod: LoginMethodClaims,
  activeOrgId?: string
): Promise<{ accessToken: string, expiresAtSeconds: number }> {
  const issuedAt = context.state.nowSeconds()
  const expiresIn = context.ssrAccessTokenSeconds
  const options = context.state.tokenOptionsFor(user, activeOrgId, context.features.orgs)
  const accessToken = await context.mint({ ...options, loginMethod, issuedAt, expiresIn })
  user.lastActiveAt = issuedAt
  return { accessToken, expiresAtSeconds: issuedAt + expiresIn }
}
