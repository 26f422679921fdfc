import type { FastifyReply, FastifyRequest } from 'fastify'
import type { OriginPolicy } from './origins.js'

/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600

/**
 * Credentialed CORS as PropelAuth answers its browser client: the calling
 * origin, if the project allows it, is echoed exactly (never `*`, which
 * browsers refuse with credentials) with `Access-Control-Allow-Credentials`;
 * an origin the project does not allow gets no grant at all. Every answer
 * varies by `Origin`, so no cache hands one origin's answer to another.
 *
 * Returns false when the request comes from an origin that is not allowed
 * (the caller refuses it); requests with no `Origin` (same-origin, curl) pass.
 */
export function credentialedCors (request: FastifyRequest, reply: FastifyReply, policy: OriginPolicy): boolean {
  reply.header('vary', 'Origin')
  const origin = request.headers.origin
  if (origin === undefined) return true
  if (!policy.allows(origin)) return false
  reply.header('access-control-allow-origin', origin)
  reply.header('access-control-allow-credentials', 'true')
  return true
}

/**
 * Answers a CORS preflight: 204 with the grant, or 403 for an origin that is
 * not allowed. `headers` are the request headers the route takes; by default
 * `Content-Type`, the one PropelAuth's client sends (`application/json`, which
 * is what makes it preflight).
 */
export async function answerPreflight (request: FastifyRequest, reply: FastifyReply, policy: OriginPolicy, methods: string, headers = 'Content-Type'): Promise<FastifyReply> {
  if (!credentialedCors(request, reply, policy)) return await refuseOrigin(reply, policy, request.headers.origin)
  return await reply
    .header('access-control-allow-methods', methods)
    .header('access-control-allow-headers', headers)
    .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
    .code(204)
    .send()
}

export async function refuseOrigin (reply: FastifyReply, policy: OriginPolicy, origin: string | undefined): Promise<FastifyReply> {
  return await reply.code(403).send({ user_facing_error: `Origin ${origin ?? ''} may not use this auth URL; ${policy.describe()}` })
}
