import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isoDate } from '../clock.js'
import type { StandInContext } from '../context.js'
import { Fields, OK, sendFieldErrors, sendNotFound } from '../http.js'
import type { StoredApiKey } from '../records.js'
import { apiKeyFull, apiKeyValidation, paged } from '../wire.js'
import { deleteApiKey } from '../changes/api-keys.js'

const BASE = '/api/backend/v1/end_user_api_keys'
const INVALID_KEY = 'Invalid API key'

type KeyParams = { Params: { apiKeyId: string } }

/**
 * End-user API keys: created for a user, an org or a user in an org, listed,
 * changed, archived (`DELETE`), imported from another system, validated, and
 * counted per day. An expired key is listed with the archived ones.
 */
export function apiKeyRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  const isLive = (key: StoredApiKey): boolean =>
    !key.archived && (key.expiresAtSeconds === undefined || key.expiresAtSeconds > state.nowSeconds())

  // A key that has expired by the time it is stored could never be used.
  const checkExpiryAhead = (fields: Fields, expiresAtSeconds: number | undefined): void => {
    if (expiresAtSeconds !== undefined && expiresAtSeconds <= state.nowSeconds()) fields.fail('expires_at_seconds', 'Must be in the future')
  }

  /** Reads org_id / user_id / expires_at_seconds / metadata / display_name, as create and import take them. */
  const readOwner = (fields: Fields): Pick<StoredApiKey, 'orgId' | 'userId' | 'expiresAtSeconds' | 'metadata' | 'displayName'> => {
    const orgId = fields.string('org_id')
    const userId = fields.string('user_id')
    const expiresAtSeconds = fields.integer('expires_at_seconds')
    const metadata = fields.object('metadata')
    const displayName = fields.string('display_name')
    const org = orgId === undefined ? undefined : state.orgs.get(orgId)
    if (orgId !== undefined && org === undefined) fields.fail('org_id', 'Org not found')
    if (userId !== undefined && !state.users.has(userId)) fields.fail('user_id', 'User not found')
    if (org !== undefined && userId !== undefined && state.users.has(userId) && !org.members.has(userId)) {
      fields.fail('user_id', 'User is not a member of this org')
    }
    checkExpiryAhead(fields, expiresAtSeconds)
    return { orgId, userId, expiresAtSeconds, metadata, displayName }
  }

  const list = (archived: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const query = Fields.query(request)
    const page = query.page()
    const orgId = query.string('org_id')
    const userId = query.string('user_id')
    const userEmail = query.string('user_email')
    const type = query.string('api_key_type')?.toLowerCase()
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    const emailUser = userEmail === undefined ? undefined : state.findUserByEmail(userEmail)
    const keys = [...state.apiKeys.values()]
      .filter((key) => isLive(key) !== archived)
      .filter((key) => orgId === undefined || key.orgId === orgId)
      .filter((key) => userId === undefined || key.userId === userId)
      .filter((key) => userEmail === undefined || (emailUser !== undefined && key.userId === emailUser.userId))
      // Python's client can ask for one kind of key; unknown kinds filter nothing.
      .filter((key) => type === 'org' ? key.orgId !== undefined : type === 'personal' || type === 'user' ? key.orgId === undefined && key.userId !== undefined : true)
      .sort((a, b) => a.createdAt - b.createdAt || a.apiKeyId.localeCompare(b.apiKeyId))
      .map(apiKeyFull)
    return paged(keys, page, 'api_keys', 'total_api_keys')
  }
  app.get(BASE, list(false))
  app.get(`${BASE}/archived`, list(true))

  app.post(BASE, async (request, reply) => {
    const fields = Fields.body(request)
    const owner = readOwner(fields)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const key: StoredApiKey = {
      apiKeyId: state.ids.hex(16),
      token: state.ids.hex(32),
      ...owner,
      createdAt: state.nowSeconds(),
      archived: false,
      imported: false,
      usage: new Map()
    }
    state.apiKeys.set(key.apiKeyId, key)
    return { api_key_id: key.apiKeyId, api_key_token: key.token }
  })

  app.post(`${BASE}/import`, async (request, reply) => {
    const fields = Fields.body(request)
    const token = fields.string('imported_api_key', { required: true })
    const owner = readOwner(fields)
    if (token !== undefined && [...state.apiKeys.values()].some((key) => key.token === token)) {
      fields.fail('imported_api_key', 'This API key was already imported')
    }
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const key: StoredApiKey = {
      apiKeyId: state.ids.hex(16),
      token: token!,
      ...owner,
      createdAt: state.nowSeconds(),
      archived: false,
      imported: true,
      usage: new Map()
    }
    state.apiKeys.set(key.apiKeyId, key)
    return { api_key_id: key.apiKeyId }
  })

  const validate = (imported: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const fields = Fields.body(request)
    const token = fields.string('api_key_token', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const key = [...state.apiKeys.values()].find((candidate) => candidate.token === token && candidate.imported === imported)
    if (key === undefined || !isLive(key)) return await sendFieldErrors(reply, { api_key_token: [INVALID_KEY] })
    const day = isoDate(state.now())
    key.usage.set(day, (key.usage.get(day) ?? 0) + 1)
    const user = key.userId === undefined ? undefined : state.users.get(key.userId)
    if (user !== undefined) user.lastActiveAt = state.nowSeconds()
    return apiKeyValidation(state, key)
  }
  app.post(`${BASE}/validate`, validate(false))
  app.post(`${BASE}/validate_imported`, validate(true))

  app.get(`${BASE}/usage`, async (request, reply) => {
    const query = Fields.query(request)
    const date = query.day('date', { required: true })
    const orgId = query.string('org_id')
    const userId = query.string('user_id')
    const apiKeyId = query.string('api_key_id')
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    let count = 0
    for (const key of state.apiKeys.values()) {
      if (orgId !== undefined && key.orgId !== orgId) continue
      if (userId !== undefined && key.userId !== userId) continue
      if (apiKeyId !== undefined && key.apiKeyId !== apiKeyId.toLowerCase()) continue
      count += key.usage.get(date!) ?? 0
    }
    return { count }
  })

  app.get<KeyParams>(`${BASE}/:apiKeyId`, async (request, reply) => {
    const key = state.apiKeys.get(request.params.apiKeyId.toLowerCase())
    if (key === undefined) return await sendNotFound(reply, 'API key')
    return apiKeyFull(key)
  })

  app.patch<KeyParams>(`${BASE}/:apiKeyId`, async (request, reply) => {
    const key = state.apiKeys.get(request.params.apiKeyId.toLowerCase())
    if (key === undefined || key.archived) return await sendNotFound(reply, 'API key')
    const fields = Fields.body(request)
    const expiresAtSeconds = fields.integer('expires_at_seconds')
    const neverExpire = fields.boolean('set_to_never_expire') ?? false
    // The Node library types `metadata` as a string here; take a JSON object or its text.
    let metadata: Record<string, unknown> | undefined
    const rawMetadata = (request.body as Record<string, unknown> | undefined)?.metadata
    if (typeof rawMetadata === 'string') {
      try {
        const parsed: unknown = JSON.parse(rawMetadata)
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
        metadata = parsed as Record<string, unknown>
      } catch {
        fields.fail('metadata', 'Expected an object')
      }
    } else {
      metadata = fields.object('metadata')
    }
    checkExpiryAhead(fields, expiresAtSeconds)
    if (expiresAtSeconds !== undefined && neverExpire) fields.fail('set_to_never_expire', 'Cannot be combined with expires_at_seconds')
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    if (expiresAtSeconds !== undefined) key.expiresAtSeconds = expiresAtSeconds
    if (neverExpire) key.expiresAtSeconds = undefined
    if (metadata !== undefined) key.metadata = metadata
    return OK
  })

  app.delete<KeyParams>(`${BASE}/:apiKeyId`, async (request, reply) => {
    const key = state.apiKeys.get(request.params.apiKeyId.toLowerCase())
    if (key === undefined || key.archived) return await sendNotFound(reply, 'API key')
    deleteApiKey(state, key)
    return OK
  })
}
