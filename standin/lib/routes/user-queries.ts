import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, sendFieldErrors, sendNotFound } from '../http.js'
import type { StoredUser } from '../records.js'
import { paged, userMetadata } from '../wire.js'

const BASE = '/api/backend/v1/user'
/** Most ids, emails or usernames one batch fetch takes. */
export const MAX_BATCH = 100

const USER_ORDERS = ['CREATED_AT_ASC', 'CREATED_AT_DESC', 'LAST_ACTIVE_AT_ASC', 'LAST_ACTIVE_AT_DESC', 'EMAIL', 'USERNAME'] as const
type UserOrder = typeof USER_ORDERS[number]

export const SOCIAL_PROVIDERS = ['apple', 'google', 'github', 'microsoft', 'slack', 'salesforce', 'linkedin', 'outreach', 'quickbooks', 'xero', 'salesloft', 'atlassian', 'gitlab'] as const

function compareUsers (order: UserOrder): (a: StoredUser, b: StoredUser) => number {
  switch (order) {
    case 'CREATED_AT_ASC': return (a, b) => a.createdAt - b.createdAt || a.email.localeCompare(b.email)
    case 'CREATED_AT_DESC': return (a, b) => b.createdAt - a.createdAt || a.email.localeCompare(b.email)
    case 'LAST_ACTIVE_AT_ASC': return (a, b) => a.lastActiveAt - b.lastActiveAt || a.email.localeCompare(b.email)
    case 'LAST_ACTIVE_AT_DESC': return (a, b) => b.lastActiveAt - a.lastActiveAt || a.email.localeCompare(b.email)
    case 'EMAIL': return (a, b) => a.email.localeCompare(b.email)
    case 'USERNAME': return (a, b) => (a.username ?? '').localeCompare(b.username ?? '') || a.email.localeCompare(b.email)
  }
}

/** Reading users: by id, email, username, in batches, by query; their MFA setup, OAuth tokens, signup parameters. */
export function userQueryRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  const single = (find: (query: Fields) => StoredUser | undefined) => async (request: FastifyRequest, reply: FastifyReply) => {
    const query = Fields.query(request)
    const user = find(query)
    const includeOrgs = query.boolean('include_orgs') ?? false
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    if (user === undefined) return await sendNotFound(reply, 'User')
    return userMetadata(state, user, includeOrgs)
  }

  app.get(`${BASE}/email`, single((query) => {
    const email = query.string('email', { required: true })
    return email === undefined ? undefined : state.findUserByEmail(email)
  }))
  app.get(`${BASE}/username`, single((query) => {
    const username = query.string('username', { required: true })
    return username === undefined ? undefined : state.findUserByUsername(username)
  }))
  app.get<{ Params: { userId: string } }>(`${BASE}/:userId`, async (request, reply) => {
    return await single(() => state.users.get(request.params.userId))(request, reply)
  })

  // Batch fetches answer an array of the users found; unknown ones are simply absent.
  const batch = (key: string, find: (value: string) => StoredUser | undefined) => {
    app.post(`${BASE}/${key}`, async (request, reply) => {
      const body = Fields.body(request)
      const values = body.stringArray(key, { required: true, maxItems: MAX_BATCH })
      const query = Fields.query(request)
      const includeOrgs = query.boolean('include_orgs') ?? false
      if (!body.ok || !query.ok) return await sendFieldErrors(reply, { ...body.errors, ...query.errors })
      const found = new Map<string, StoredUser>()
      for (const value of values!) {
        const user = find(value)
        if (user !== undefined) found.set(user.userId, user)
      }
      return [...found.values()].map((user) => userMetadata(state, user, includeOrgs))
    })
  }
  batch('user_ids', (id) => state.users.get(id))
  batch('emails', (email) => state.findUserByEmail(email))
  batch('usernames', (username) => state.findUserByUsername(username))

  app.get(`${BASE}/query`, async (request, reply) => {
    const query = Fields.query(request)
    const page = query.page()
    const order = query.oneOf('order_by', USER_ORDERS) ?? 'CREATED_AT_ASC'
    const search = query.string('email_or_username')?.toLowerCase()
    const legacyUserId = query.string('legacy_user_id')
    const includeOrgs = query.boolean('include_orgs') ?? false
    if (!query.ok) return await sendFieldErrors(reply, query.errors)
    const users = [...state.users.values()]
      .filter((user) => search === undefined || user.email.toLowerCase().includes(search) || (user.username?.toLowerCase().includes(search) ?? false))
      .filter((user) => legacyUserId === undefined || user.legacyUserId === legacyUserId)
      .sort(compareUsers(order))
      .map((user) => userMetadata(state, user, includeOrgs))
    return paged(users, page, 'users', 'total_users')
  })

  app.get<{ Params: { userId: string } }>(`${BASE}/:userId/signup_query_parameters`, async (request, reply) => {
    const user = state.users.get(request.params.userId)
    if (user === undefined) return await sendNotFound(reply, 'User')
    return { user_signup_query_parameters: user.signupQueryParameters }
  })

  app.get<{ Params: { userId: string } }>(`${BASE}/:userId/mfa`, async (request, reply) => {
    const user = state.users.get(request.params.userId)
    if (user === undefined) return await sendNotFound(reply, 'User')
    const mfa = user.mfa
    if (mfa === null) return { mfa_setup: null }
    if (mfa.type === 'Totp') return { mfa_setup: { type: 'Totp' } }
    return {
      mfa_setup: {
        type: 'Phone',
        phone_numbers: mfa.phones.map((phone) => ({ mfa_phone_number_suffix: phone.suffix, mfa_phone_id: phone.phoneId }))
      }
    }
  })

  app.get<{ Params: { userId: string } }>(`${BASE}/:userId/oauth_token`, async (request, reply) => {
    const user = state.users.get(request.params.userId)
    if (user === undefined) return await sendNotFound(reply, 'User')
    return user.oauthTokens
  })

  app.get<{ Params: { userId: string, provider: string } }>(`${BASE}/:userId/:provider/fresh_token`, async (request, reply) => {
    const { userId, provider } = request.params
    if (!(SOCIAL_PROVIDERS as readonly string[]).includes(provider)) {
      return await sendFieldErrors(reply, { provider: [`Must be one of ${SOCIAL_PROVIDERS.join(', ')}`] })
    }
    const user = state.users.get(userId)
    const token = user?.oauthTokens[provider]
    if (user === undefined || token === undefined) return await sendNotFound(reply, 'OAuth token')
    // A fresh token from the provider: a new access token, valid for an hour.
    token.access_token = `standin_${provider}_${state.ids.hex(16)}`
    token.token_expiration = state.nowSeconds() + 3600
    return token
  })
}
