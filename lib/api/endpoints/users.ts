import { badRequest, camel, exceptionOf, failUnlessOk, json, rateLimited, type Answer, type Call, type Send } from '../sender.js'
import {
  BadRequestException,
  CreateUserException,
  MigrateUserException,
  MigrateUserPasswordException,
  UpdateUserEmailException,
  UpdateUserMetadataException,
  UpdateUserPasswordException
} from '../exceptions.js'
import { isValidId, path } from '../ids.js'
import type {
  CreatedUser,
  CreateUserRequest,
  FetchUserMfaMethodsResponse,
  MigrateUserFromExternalSourceRequest,
  MigrateUserPasswordRequest,
  SocialLoginToken,
  SocialLoginTokenProvider,
  SocialLoginTokensResponse,
  UpdateUserEmailRequest,
  UpdateUserMetadataRequest,
  UpdateUserPasswordRequest,
  UserMetadata,
  UserSignupQueryParams,
  UsersInOrgPagedResponse,
  UsersInOrgQuery,
  UsersPagedResponse,
  UsersQuery
} from '../types.js'

const USER = '/api/backend/v1/user'

export interface UsersApi {
  /** GET /user/{userId}; `null` for an ID that is not a UUID or a user PropelAuth does not know. */
  fetchUserMetadataByUserId: (userId: string, includeOrgs?: boolean) => Promise<UserMetadata | null>
  fetchUserMetadataByEmail: (email: string, includeOrgs?: boolean) => Promise<UserMetadata | null>
  fetchUserMetadataByUsername: (username: string, includeOrgs?: boolean) => Promise<UserMetadata | null>
  /** Users found, keyed by user ID; unknown IDs are simply absent. */
  fetchBatchUserMetadataByUserIds: (userIds: string[], includeOrgs?: boolean) => Promise<Record<string, UserMetadata>>
  fetchBatchUserMetadataByEmails: (emails: string[], includeOrgs?: boolean) => Promise<Record<string, UserMetadata>>
  fetchBatchUserMetadataByUsernames: (usernames: string[], includeOrgs?: boolean) => Promise<Record<string, UserMetadata>>
  /** Pages are 0-based. */
  fetchUsersByQuery: (usersQuery: UsersQuery) => Promise<UsersPagedResponse>
  /** An org ID that is not a UUID gives an empty page, without a request. */
  fetchUsersInOrg: (usersInOrgQuery: UsersInOrgQuery) => Promise<UsersInOrgPagedResponse>
  fetchUserSignupQueryParams: (userId: string) => Promise<UserSignupQueryParams | null>
  /** 400 → CreateUserException with `fieldToErrors`. */
  createUser: (createUserRequest: CreateUserRequest) => Promise<CreatedUser>
  updateUserMetadata: (userId: string, updateUserMetadataRequest: UpdateUserMetadataRequest) => Promise<boolean>
  updateUserEmail: (userId: string, updateUserEmailRequest: UpdateUserEmailRequest) => Promise<boolean>
  updateUserPassword: (userId: string, updateUserPasswordRequest: UpdateUserPasswordRequest) => Promise<boolean>
  clearUserPassword: (userId: string) => Promise<boolean>
  deleteUser: (userId: string) => Promise<boolean>
  disableUser: (userId: string) => Promise<boolean>
  enableUser: (userId: string) => Promise<boolean>
  disableUser2fa: (userId: string) => Promise<boolean>
  enableUserCanCreateOrgs: (userId: string) => Promise<boolean>
  disableUserCanCreateOrgs: (userId: string) => Promise<boolean>
  logoutAllUserSessions: (userId: string) => Promise<boolean>
  /** 429 → RateLimitedException with PropelAuth's `user_facing_error` as message. */
  resendEmailConfirmation: (userId: string) => Promise<boolean>
  fetchUserMfaMethods: (userId: string) => Promise<FetchUserMfaMethodsResponse | null>
  fetchUserOAuthTokens: (userId: string) => Promise<SocialLoginTokensResponse | null>
  fetchFreshTokenFromProvider: (userId: string, provider: SocialLoginTokenProvider) => Promise<SocialLoginToken | null>
  migrateUserFromExternalSource: (migrateUserFromExternalSourceRequest: MigrateUserFromExternalSourceRequest) => Promise<CreatedUser>
  /** `true` once the hash is stored (the Node library returns the parsed body instead). */
  migrateUserPassword: (migrateUserPasswordRequest: MigrateUserPasswordRequest) => Promise<boolean>
}

export function usersApi (send: Send): UsersApi {
  async function fetchOne (operation: string, call: Call): Promise<UserMetadata | null> {
    const answer = await send(operation, { ...call, queryMark: true })
    if (answer.status === 404) return null
    failUnlessOk(answer)
    return camel(answer)
  }

  async function fetchBatch (operation: string, field: 'user_ids' | 'emails' | 'usernames', values: string[], includeOrgs: boolean | undefined, keyOf: (user: UserMetadata) => string): Promise<Record<string, UserMetadata>> {
    const answer = await send(operation, {
      method: 'POST',
      path: `${USER}/${field}`,
      // The Node library sends include_orgs only when true, else a bare `?`.
      query: includeOrgs ? { include_orgs: true } : undefined,
      queryMark: true,
      body: { [field]: values },
      retry: true
    })
    if (answer.status === 400) throw badRequest(answer, 'batch request')
    failUnlessOk(answer)
    const users = camel<UserMetadata[]>(answer)
    const byKey: Record<string, UserMetadata> = {}
    for (const user of users) byKey[keyOf(user)] = user
    return byKey
  }

  /** POST/PUT/DELETE on a user that answers no body: true, or false for an unknown user. */
  async function userAction (operation: string, method: 'POST' | 'PUT' | 'DELETE', userId: string, action: string): Promise<boolean> {
    if (!isValidId(userId)) return false
    const answer = await send(operation, { method, path: USER + path`/${userId}` + action })
    if (answer.status === 404) return false
    failUnlessOk(answer)
    return true
  }

  async function userUpdate (operation: string, userId: string, action: string, body: unknown, Exception: new (body: string) => Error): Promise<boolean> {
    if (!isValidId(userId)) return false
    const answer = await send(operation, { method: 'PUT', path: USER + path`/${userId}` + action, body })
    if (answer.status === 400) throw exceptionOf(Exception, answer)
    if (answer.status === 404) return false
    failUnlessOk(answer)
    return true
  }

  async function fetchUserPart<T> (operation: string, userId: string, action: string, onNotFound: 'null' | 'error', convert: (answer: Answer) => T): Promise<T | null> {
    if (!isValidId(userId)) return null
    const answer = await send(operation, { method: 'GET', path: USER + path`/${userId}` + action })
    if (answer.status === 404 && onNotFound === 'null') return null
    failUnlessOk(answer)
    return convert(answer)
  }

  return {
    fetchUserMetadataByUserId: async (userId, includeOrgs) => {
      if (!isValidId(userId)) return null
      return fetchOne('fetchUserMetadataByUserId', { method: 'GET', path: USER + path`/${userId}`, query: { include_orgs: includeOrgs || false } })
    },
    fetchUserMetadataByEmail: (email, includeOrgs) =>
      fetchOne('fetchUserMetadataByEmail', { method: 'GET', path: `${USER}/email`, query: { email, include_orgs: includeOrgs || false } }),
    fetchUserMetadataByUsername: (username, includeOrgs) =>
      fetchOne('fetchUserMetadataByUsername', { method: 'GET', path: `${USER}/username`, query: { username, include_orgs: includeOrgs || false } }),

    fetchBatchUserMetadataByUserIds: (userIds, includeOrgs) =>
      fetchBatch('fetchBatchUserMetadataByUserIds', 'user_ids', userIds, includeOrgs, (user) => user.userId),
    fetchBatchUserMetadataByEmails: (emails, includeOrgs) =>
      fetchBatch('fetchBatchUserMetadataByEmails', 'emails', emails, includeOrgs, (user) => user.email),
    fetchBatchUserMetadataByUsernames: (usernames, includeOrgs) =>
      fetchBatch('fetchBatchUserMetadataByUsernames', 'usernames', usernames, includeOrgs, (user) => user.username || ''),

    fetchUsersByQuery: async (query) => {
      const answer = await send('fetchUsersByQuery', {
        method: 'GET',
        path: `${USER}/query`,
        query: {
          page_size: query.pageSize,
          page_number: query.pageNumber,
          order_by: query.orderBy,
          email_or_username: query.emailOrUsername,
          include_orgs: query.includeOrgs,
          legacy_user_id: query.legacyUserId
        },
        queryMark: true
      })
      if (answer.status === 400) throw badRequest(answer, 'query')
      failUnlessOk(answer)
      return camel(answer)
    },

    fetchUsersInOrg: async (query) => {
      if (!isValidId(query.orgId)) {
        return { users: [], totalUsers: 0, currentPage: query.pageNumber || 0, pageSize: query.pageSize || 10, hasMoreResults: false }
      }
      const answer = await send('fetchUsersInOrg', {
        method: 'GET',
        path: USER + path`/org/${query.orgId}`,
        query: { page_size: query.pageSize, page_number: query.pageNumber, include_orgs: query.includeOrgs, role: query.role },
        queryMark: true
      })
      if (answer.status === 400) throw badRequest(answer, 'query')
      failUnlessOk(answer)
      return camel(answer)
    },

    fetchUserSignupQueryParams: (userId) =>
      fetchUserPart('fetchUserSignupQueryParams', userId, '/signup_query_parameters', 'null', (answer) => {
        const body = json(answer) as { user_signup_query_parameters: Record<string, string> }
        return { userSignupQueryParameters: body.user_signup_query_parameters }
      }),

    createUser: async (request) => {
      const answer = await send('createUser', {
        method: 'POST',
        path: `${USER}/`,
        body: {
          email: request.email,
          email_confirmed: request.emailConfirmed,
          send_email_to_confirm_email_address: request.sendEmailToConfirmEmailAddress,
          password: request.password,
          ask_user_to_update_password_on_login: request.askUserToUpdatePasswordOnLogin,
          ignore_domain_restrictions: request.ignoreDomainRestrictions,
          username: request.username,
          first_name: request.firstName,
          last_name: request.lastName,
          properties: request.properties
        }
      })
      if (answer.status === 400) throw exceptionOf(CreateUserException, answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    updateUserMetadata: (userId, request) => userUpdate('updateUserMetadata', userId, '', {
      username: request.username,
      first_name: request.firstName,
      last_name: request.lastName,
      picture_url: request.pictureUrl,
      metadata: request.metadata,
      properties: request.properties,
      update_password_required: request.updatePasswordRequired,
      legacy_user_id: request.legacyUserId
    }, UpdateUserMetadataException),
    updateUserEmail: (userId, request) => userUpdate('updateUserEmail', userId, '/email', {
      new_email: request.newEmail,
      require_email_confirmation: request.requireEmailConfirmation
    }, UpdateUserEmailException),
    updateUserPassword: (userId, request) => userUpdate('updateUserPassword', userId, '/password', {
      password: request.password,
      ask_user_to_update_password_on_login: request.askUserToUpdatePasswordOnLogin
    }, UpdateUserPasswordException),

    clearUserPassword: async (userId) => {
      if (!isValidId(userId)) return false
      const answer = await send('clearUserPassword', { method: 'PUT', path: USER + path`/${userId}/clear_password` })
      // Unlike its siblings, the Node library has no `404 → false` here: any failure throws.
      failUnlessOk(answer)
      return true
    },

    deleteUser: (userId) => userAction('deleteUser', 'DELETE', userId, ''),
    disableUser: (userId) => userAction('disableUser', 'POST', userId, '/disable'),
    enableUser: (userId) => userAction('enableUser', 'POST', userId, '/enable'),
    disableUser2fa: (userId) => userAction('disableUser2fa', 'POST', userId, '/disable_2fa'),
    enableUserCanCreateOrgs: (userId) => userAction('enableUserCanCreateOrgs', 'PUT', userId, '/can_create_orgs/enable'),
    disableUserCanCreateOrgs: (userId) => userAction('disableUserCanCreateOrgs', 'PUT', userId, '/can_create_orgs/disable'),
    logoutAllUserSessions: (userId) => userAction('logoutAllUserSessions', 'POST', userId, '/logout_all_sessions'),

    resendEmailConfirmation: async (userId) => {
      if (!isValidId(userId)) return false
      const answer = await send('resendEmailConfirmation', {
        method: 'POST',
        path: '/api/backend/v1/resend_email_confirmation',
        body: { user_id: userId }
      })
      if (answer.status === 404) return false
      if (answer.status === 429) {
        let message = answer.text
        try {
          const said = (JSON.parse(answer.text) as { user_facing_error?: unknown })?.user_facing_error
          if (typeof said === 'string') message = said
        } catch {}
        throw rateLimited(answer, answer.redact.text(message))
      }
      if (answer.status === 400) throw exceptionOf(BadRequestException, answer)
      failUnlessOk(answer)
      return true
    },

    fetchUserMfaMethods: (userId) => fetchUserPart('fetchUserMfaMethods', userId, '/mfa', 'null', (answer) => camel(answer)),
    fetchUserOAuthTokens: (userId) => fetchUserPart('fetchUserOAuthTokens', userId, '/oauth_token', 'null', (answer) => camel(answer)),
    fetchFreshTokenFromProvider: (userId, provider) =>
      fetchUserPart('fetchFreshTokenFromProvider', userId, path`/${provider}/fresh_token`, 'error', (answer) => camel(answer)),

    migrateUserFromExternalSource: async (request) => {
      const answer = await send('migrateUserFromExternalSource', {
        method: 'POST',
        path: '/api/backend/v1/migrate_user/',
        body: {
          email: request.email,
          email_confirmed: request.emailConfirmed,
          existing_user_id: request.existingUserId,
          existing_password_hash: request.existingPasswordHash,
          existing_mfa_base32_encoded_secret: request.existingMfaBase32EncodedSecret,
          update_password_required: request.askUserToUpdatePasswordOnLogin,
          enabled: request.enabled,
          first_name: request.firstName,
          last_name: request.lastName,
          username: request.username,
          picture_url: request.pictureUrl,
          properties: request.properties
        }
      })
      if (answer.status === 400) throw exceptionOf(MigrateUserException, answer)
      failUnlessOk(answer)
      return camel(answer)
    },

    migrateUserPassword: async (request) => {
      if (!isValidId(request.userId)) return false
      const answer = await send('migrateUserPassword', {
        method: 'POST',
        path: '/api/backend/v1/migrate_user/password',
        body: { user_id: request.userId, password_hash: request.passwordHash }
      })
      if (answer.status === 400) throw exceptionOf(MigrateUserPasswordException, answer)
      failUnlessOk(answer)
      return true
    }
  }
}
