import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, OK, sendFieldErrors, sendNotFound } from '../http.js'
import { checkUnique } from './user-accounts.js'
import { createUser, updateUser } from '../changes/users.js'

const BASE = '/api/backend/v1/migrate_user'

/**
 * Moving users in from another system. Password hashes are stored, never
 * checked: PropelAuth does not document which formats it accepts, so the
 * stand-in accepts any non-empty string (and the development login only
 * knows plain seeded passwords).
 */
export function migrationRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.post(`${BASE}/`, async (request, reply) => {
    const fields = Fields.body(request)
    const email = fields.email('email', { required: true })
    const username = fields.string('username', { nonEmpty: true })
    const migrated = {
      emailConfirmed: fields.boolean('email_confirmed') ?? false,
      legacyUserId: fields.string('existing_user_id'),
      passwordHash: fields.string('existing_password_hash', { nonEmpty: true }),
      mfaSecret: fields.string('existing_mfa_base32_encoded_secret', { nonEmpty: true }),
      updatePasswordRequired: fields.boolean('update_password_required') ?? false,
      enabled: fields.boolean('enabled') ?? true,
      firstName: fields.string('first_name'),
      lastName: fields.string('last_name'),
      pictureUrl: fields.string('picture_url'),
      properties: fields.object('properties') ?? {}
    }
    if (migrated.mfaSecret !== undefined && !/^[A-Z2-7]+=*$/i.test(migrated.mfaSecret)) {
      fields.fail('existing_mfa_base32_encoded_secret', 'Must be base32')
    }
    checkUnique(state, fields, { email, username })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)

    const user = state.newUser({
      userId: state.ids.uuid(),
      email: email!,
      username,
      emailConfirmed: migrated.emailConfirmed,
      legacyUserId: migrated.legacyUserId,
      passwordHash: migrated.passwordHash,
      mfa: migrated.mfaSecret === undefined ? null : { type: 'Totp' },
      updatePasswordRequired: migrated.updatePasswordRequired,
      enabled: migrated.enabled,
      firstName: migrated.firstName,
      lastName: migrated.lastName,
      pictureUrl: migrated.pictureUrl,
      properties: migrated.properties
    })
    createUser(state, user)
    return { user_id: user.userId }
  })

  app.post(`${BASE}/password`, async (request, reply) => {
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    const passwordHash = fields.string('password_hash', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const user = state.users.get(userId!)
    if (user === undefined) return await sendNotFound(reply, 'User')
    updateUser(state, user, { passwordHash, password: undefined })
    return OK
  })
}
