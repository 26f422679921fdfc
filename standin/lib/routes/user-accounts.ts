import type { FastifyInstance, FastifyReply } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields, OK, sendFieldErrors, sendNotFound } from '../http.js'
import type { StoredUser } from '../records.js'
import type { StandInState } from '../state.js'
import { createUser, deleteUser, disableUser, enableUser, logOutEverywhere, updateUser } from '../changes/users.js'

const BASE = '/api/backend/v1/user'
/** PropelAuth's default password rule. */
export const MIN_PASSWORD_LENGTH = 8

type UserParams = { Params: { userId: string } }

/** Checks a new password; adds a field error when it is too short. */
export function checkPassword (fields: Fields, name: string, password: string | undefined): void {
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) {
    fields.fail(name, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  }
}

/** Adds a field error when another user than `self` has this email. */
function checkEmailFree (state: StandInState, fields: Fields, name: string, email: string | undefined, self?: string): void {
  const owner = email === undefined ? undefined : state.findUserByEmail(email)
  if (owner !== undefined && owner.userId !== self) fields.fail(name, 'A user with this email already exists')
}

/** Adds field errors when the email or username is taken by another user. */
export function checkUnique (state: StandInState, fields: Fields, values: { email?: string, username?: string }, self?: string): void {
  checkEmailFree(state, fields, 'email', values.email, self)
  const byUsername = values.username === undefined ? undefined : state.findUserByUsername(values.username)
  if (byUsername !== undefined && byUsername.userId !== self) fields.fail('username', 'This username is taken')
}

/** The link of the email that asks a user to confirm their address. */
export function confirmationLink (authUrl: string, user: StoredUser): string {
  return `${authUrl}/confirm_email?user=${user.userId}`
}

/** Creating, changing and deleting user accounts. */
export function userAccountRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  app.post(`${BASE}/`, async (request, reply) => {
    const fields = Fields.body(request)
    const email = fields.email('email', { required: true })
    const password = fields.string('password')
    const username = fields.string('username', { nonEmpty: true })
    const user = {
      emailConfirmed: fields.boolean('email_confirmed') ?? false,
      sendConfirmation: fields.boolean('send_email_to_confirm_email_address') ?? true,
      updatePasswordRequired: fields.boolean('ask_user_to_update_password_on_login') ?? false,
      firstName: fields.string('first_name'),
      lastName: fields.string('last_name'),
      properties: fields.object('properties') ?? {}
    }
    fields.boolean('ignore_domain_restrictions')
    checkPassword(fields, 'password', password)
    checkUnique(state, fields, { email, username })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)

    const stored = state.newUser({
      userId: state.ids.uuid(),
      email: email!,
      emailConfirmed: user.emailConfirmed,
      password,
      username,
      firstName: user.firstName,
      lastName: user.lastName,
      properties: user.properties,
      updatePasswordRequired: user.updatePasswordRequired
    })
    createUser(state, stored)
    if (!stored.emailConfirmed && user.sendConfirmation) {
      state.sendEmail({ to: stored.email, kind: 'email_confirmation', link: confirmationLink(context.authUrl, stored) })
    }
    return { user_id: stored.userId }
  })

  app.put<UserParams>(`${BASE}/:userId`, async (request, reply) => {
    const user = state.users.get(request.params.userId)
    if (user === undefined) return await sendNotFound(reply, 'User')
    const fields = Fields.body(request)
    const changes: Partial<StoredUser> = {
      username: fields.string('username', { nonEmpty: true }),
      firstName: fields.string('first_name'),
      lastName: fields.string('last_name'),
      pictureUrl: fields.string('picture_url'),
      metadata: fields.object('metadata'),
      properties: fields.object('properties'),
      updatePasswordRequired: fields.boolean('update_password_required'),
      legacyUserId: fields.string('legacy_user_id')
    }
    checkUnique(state, fields, { username: changes.username }, user.userId)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    // Only the fields sent change; metadata and properties are replaced as a whole.
    updateUser(state, user, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)))
    return OK
  })

  app.put<UserParams>(`${BASE}/:userId/email`, async (request, reply) => {
    const user = state.users.get(request.params.userId)
    if (user === undefined) return await sendNotFound(reply, 'User')
    const fields = Fields.body(request)
    const newEmail = fields.email('new_email', { required: true })
    const requireConfirmation = fields.boolean('require_email_confirmation', { required: true })
    checkEmailFree(state, fields, 'new_email', newEmail, user.userId)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    // Simplified: the address changes at once; with confirmation required it is unconfirmed and a link is "sent".
    updateUser(state, user, { email: newEmail!, emailConfirmed: requireConfirmation !== true })
    if (requireConfirmation === true) state.sendEmail({ to: user.email, kind: 'email_confirmation', link: confirmationLink(context.authUrl, user) })
    return OK
  })

  app.put<UserParams>(`${BASE}/:userId/password`, async (request, reply) => {
    const user = state.users.get(request.params.userId)
    if (user === undefined) return await sendNotFound(reply, 'User')
    const fields = Fields.body(request)
    const password = fields.string('password', { required: true })
    const askToUpdate = fields.boolean('ask_user_to_update_password_on_login') ?? false
    checkPassword(fields, 'password', password)
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    updateUser(state, user, { password, passwordHash: undefined, updatePasswordRequired: askToUpdate })
    return OK
  })

  // Simple switches: each answers 404 for an unknown user, else `{}`.
  const action = (method: 'POST' | 'PUT', path: string, apply: (user: StoredUser) => void): void => {
    app.route<UserParams>({
      method,
      url: `${BASE}/:userId/${path}`,
      handler: async (request, reply: FastifyReply) => {
        const user = state.users.get(request.params.userId)
        if (user === undefined) return await sendNotFound(reply, 'User')
        apply(user)
        return OK
      }
    })
  }
  action('PUT', 'clear_password', (user) => { updateUser(state, user, { password: undefined, passwordHash: undefined }) })
  // Disabling a user, as logging them out everywhere, ends their browser sessions at once.
  action('POST', 'disable', (user) => { disableUser(state, user) })
  action('POST', 'enable', (user) => { enableUser(state, user) })
  action('POST', 'disable_2fa', (user) => { updateUser(state, user, { mfa: null }) })
  action('POST', 'logout_all_sessions', (user) => { logOutEverywhere(state, user) })
  action('PUT', 'can_create_orgs/enable', (user) => { updateUser(state, user, { canCreateOrgs: true }) })
  action('PUT', 'can_create_orgs/disable', (user) => { updateUser(state, user, { canCreateOrgs: false }) })

  app.delete<UserParams>(`${BASE}/:userId`, async (request, reply) => {
    if (!deleteUser(state, request.params.userId)) return await sendNotFound(reply, 'User')
    return OK
  })

  app.post('/api/backend/v1/resend_email_confirmation', async (request, reply) => {
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    if (!fields.ok) return await sendFieldErrors(reply, fields.errors)
    const user = state.users.get(userId!)
    if (user === undefined) return await sendNotFound(reply, 'User')
    if (user.emailConfirmed) return await reply.code(400).send({ user_facing_error: 'This email address is already confirmed' })
    state.sendEmail({ to: user.email, kind: 'email_confirmation', link: confirmationLink(context.authUrl, user) })
    return OK
  })
}
