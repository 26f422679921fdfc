import type { FastifyInstance, FastifyReply } from 'fastify'
import type { StandInContext } from '../context.js'
import { Fields } from '../http.js'
import type { StepUpGrant } from '../records.js'
import { sendMfaPhoneCode } from '../changes/sign-ins.js'

const BASE = '/api/backend/v1/mfa/step-up'
const GRANT_TYPES = ['ONE_TIME_USE', 'TIME_BASED'] as const
/** How long an SMS code can be entered. */
export const SMS_CHALLENGE_SECONDS = 600
/** The longest a grant may stay valid. */
const MAX_GRANT_SECONDS = 86_400

type ErrorCode = 'invalid_request_fields' | 'user_not_found' | 'mfa_not_enabled' | 'incorrect_mfa_code' | 'feature_gated'

const STATUS: Record<ErrorCode, number> = {
  invalid_request_fields: 400,
  user_not_found: 404,
  mfa_not_enabled: 400,
  incorrect_mfa_code: 400,
  feature_gated: 403
}

const MESSAGE: Record<ErrorCode, string> = {
  invalid_request_fields: 'Some fields are invalid',
  user_not_found: 'User not found',
  mfa_not_enabled: 'The user has not set up this kind of MFA',
  incorrect_mfa_code: 'Incorrect MFA code',
  feature_gated: "Step-up MFA isn't available on your current pricing plan"
}

/** Step-up MFA's error body: the clients branch on `error_code`. */
async function sendMfaError (reply: FastifyReply, code: ErrorCode, fieldErrors?: Record<string, string>): Promise<FastifyReply> {
  return await reply.code(STATUS[code]).send({ error_code: code, user_facing_error: MESSAGE[code], field_errors: fieldErrors })
}

/** Field errors as step-up MFA reports them: one message per field. */
function firstMessages (fields: Fields): Record<string, string> {
  return Object.fromEntries(Object.entries(fields.errors).map(([field, messages]) => [field, messages[0]]))
}

/**
 * Step-up MFA: verify a TOTP code or an SMS challenge and get a grant, then
 * check the grant for an action. Codes are deterministic: the stand-in accepts
 * `context.mfaCode` (default `123456`) and nothing else, for any user who has
 * the matching kind of MFA.
 */
export function stepUpMfaRoutes (app: FastifyInstance, context: StandInContext): void {
  const { state } = context

  const issueGrant = (userId: string, actionType: string, grantType: StepUpGrant['grantType'], validForSeconds: number): string => {
    const grant = state.ids.hex(24)
    state.stepUpGrants.set(grant, { grant, userId, actionType, grantType, expiresAt: state.nowSeconds() + validForSeconds, used: false })
    return grant
  }

  const readGrantRequest = (fields: Fields): { actionType?: string, grantType?: StepUpGrant['grantType'], validForSeconds?: number } => ({
    actionType: fields.string('action_type', { required: true }),
    grantType: fields.oneOf('grant_type', GRANT_TYPES, { required: true }),
    validForSeconds: fields.integer('valid_for_seconds', { required: true, min: 1, max: MAX_GRANT_SECONDS })
  })

  app.post(`${BASE}/verify-totp`, async (request, reply) => {
    if (!context.features.stepUpMfa) return await sendMfaError(reply, 'feature_gated')
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    const code = fields.string('code', { required: true })
    const { actionType, grantType, validForSeconds } = readGrantRequest(fields)
    if (!fields.ok) return await sendMfaError(reply, 'invalid_request_fields', firstMessages(fields))
    const user = state.users.get(userId!)
    if (user === undefined) return await sendMfaError(reply, 'user_not_found')
    if (user.mfa?.type !== 'Totp') return await sendMfaError(reply, 'mfa_not_enabled')
    if (code !== context.mfaCode) return await sendMfaError(reply, 'incorrect_mfa_code')
    return { step_up_grant: issueGrant(user.userId, actionType!, grantType!, validForSeconds!) }
  })

  app.post(`${BASE}/verify-grant`, async (request, reply) => {
    if (!context.features.stepUpMfa) return await sendMfaError(reply, 'feature_gated')
    const fields = Fields.body(request)
    const actionType = fields.string('action_type', { required: true })
    const userId = fields.string('user_id', { required: true })
    const grant = fields.string('grant', { required: true })
    if (!fields.ok) return await sendMfaError(reply, 'invalid_request_fields', firstMessages(fields))
    const stored = state.stepUpGrants.get(grant!)
    const valid = stored !== undefined && stored.userId === userId && stored.actionType === actionType &&
      stored.expiresAt > state.nowSeconds() && !stored.used
    if (!valid) return await sendMfaError(reply, 'invalid_request_fields', { grant: 'grant_not_found' })
    if (stored.grantType === 'ONE_TIME_USE') stored.used = true
    return {}
  })

  app.post(`${BASE}/phone/send`, async (request, reply) => {
    if (!context.features.stepUpMfa) return await sendMfaError(reply, 'feature_gated')
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    const phoneId = fields.string('mfa_phone_id', { required: true })
    const { actionType, grantType, validForSeconds } = readGrantRequest(fields)
    if (!fields.ok) return await sendMfaError(reply, 'invalid_request_fields', firstMessages(fields))
    const user = state.users.get(userId!)
    if (user === undefined) return await sendMfaError(reply, 'user_not_found')
    if (user.mfa?.type !== 'Phone') return await sendMfaError(reply, 'mfa_not_enabled')
    const phone = user.mfa.phones.find((candidate) => candidate.phoneId === phoneId)
    if (phone === undefined) return await sendMfaError(reply, 'invalid_request_fields', { mfa_phone_id: 'phone_not_found' })
    const challengeId = state.ids.uuid()
    state.smsChallenges.set(challengeId, {
      challengeId,
      userId: user.userId,
      phoneId: phoneId!,
      actionType: actionType!,
      grantType: grantType!,
      validForSeconds: validForSeconds!,
      expiresAt: state.nowSeconds() + SMS_CHALLENGE_SECONDS
    })
    sendMfaPhoneCode(state, user, phone)
    return { challenge_id: challengeId }
  })

  app.post(`${BASE}/phone/verify`, async (request, reply) => {
    if (!context.features.stepUpMfa) return await sendMfaError(reply, 'feature_gated')
    const fields = Fields.body(request)
    const userId = fields.string('user_id', { required: true })
    const challengeId = fields.string('challenge_id', { required: true })
    const code = fields.string('code', { required: true })
    if (!fields.ok) return await sendMfaError(reply, 'invalid_request_fields', firstMessages(fields))
    if (!state.users.has(userId!)) return await sendMfaError(reply, 'user_not_found')
    const challenge = state.smsChallenges.get(challengeId!)
    if (challenge === undefined || challenge.userId !== userId || challenge.expiresAt <= state.nowSeconds()) {
      return await sendMfaError(reply, 'invalid_request_fields', { challenge_id: 'challenge_not_found' })
    }
    if (code !== context.mfaCode) return await sendMfaError(reply, 'incorrect_mfa_code')
    state.smsChallenges.delete(challenge.challengeId)
    return { step_up_grant: issueGrant(challenge.userId, challenge.actionType, challenge.grantType, challenge.validForSeconds) }
  })
}
