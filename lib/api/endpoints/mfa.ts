import { camel, exceptionOf, json, rateLimited, type Answer, type Send } from '../sender.js'
import {
  BadRequestException,
  FeatureGatedException,
  IncorrectMfaCodeException,
  InvalidRequestFieldsException,
  MfaNotEnabledException,
  UnauthorizedException,
  UnexpectedException,
  UserNotFoundException
} from '../exceptions.js'
import type {
  SendSmsMfaCodeRequest,
  SendSmsMfaCodeRequestResponse,
  StepUpMfaVerifyGrantResponse,
  StepUpMfaVerifyTotpResponse,
  VerifySmsChallengeRequest,
  VerifySmsChallengeResponse,
  VerifyStepUpGrantRequest,
  VerifyTotpChallengeRequest
} from '../types.js'

const STEP_UP = '/api/backend/v1/mfa/step-up'

export interface MfaApi {
  /**
   * Checks a TOTP code and returns a step-up grant. Rejects with
   * IncorrectMfaCodeException, MfaNotEnabledException, UserNotFoundException,
   * InvalidRequestFieldsException, FeatureGatedException or RateLimitedException.
   */
  verifyStepUpTotpChallenge: (verifyTotpChallengeRequest: VerifyTotpChallengeRequest) => Promise<StepUpMfaVerifyTotpResponse>
  /** `{ success: false }` when PropelAuth does not know the grant. */
  verifyStepUpGrant: (verifyStepUpGrantRequest: VerifyStepUpGrantRequest) => Promise<StepUpMfaVerifyGrantResponse>
  sendSmsMfaCode: (sendSmsMfaCodeRequest: SendSmsMfaCodeRequest) => Promise<SendSmsMfaCodeRequestResponse>
  verifySmsChallenge: (verifySmsChallengeRequest: VerifySmsChallengeRequest) => Promise<VerifySmsChallengeResponse>
}

interface ErrorBody {
  error_code?: unknown
  field_errors?: Record<string, unknown>
}

/** Step-up errors are told apart by `error_code`; a body that is not JSON counts as none. */
function errorBodyOf (answer: Answer): ErrorBody {
  if (answer.text === '') return {}
  try {
    const body: unknown = JSON.parse(answer.text)
    return typeof body === 'object' && body !== null ? body as ErrorBody : {}
  } catch {
    return {}
  }
}

const GRANT_NOT_FOUND = Symbol('grant not found')

/**
 * The Node library's mapping shared by verifyStepUpGrant, sendSmsMfaCode and
 * verifySmsChallenge: 401 or `unauthorized`, 429, `invalid_request_fields` (where
 * `grant: grant_not_found` means "no such grant"), `feature_gated`, else unexpected.
 */
function stepUpFailure (answer: Answer, what: string): Error | typeof GRANT_NOT_FOUND {
  const body = errorBodyOf(answer)
  if (answer.status === 401 || body.error_code === 'unauthorized') return new UnauthorizedException('integrationApiKey is incorrect')
  if (answer.status === 429) return rateLimited(answer)
  if (body.error_code === 'invalid_request_fields') {
    if (body.field_errors?.grant === 'grant_not_found') return GRANT_NOT_FOUND
    return exceptionOf(BadRequestException, answer)
  }
  if (body.error_code === 'feature_gated') return new FeatureGatedException()
  return new UnexpectedException(`Unknown error when ${what} (status ${answer.status})`)
}

export function mfaApi (send: Send): MfaApi {
  return {
    verifyStepUpTotpChallenge: async (request) => {
      const answer = await send('verifyStepUpTotpChallenge', {
        method: 'POST',
        path: `${STEP_UP}/verify-totp`,
        body: {
          action_type: request.actionType,
          user_id: request.userId,
          code: request.code,
          grant_type: request.grantType,
          valid_for_seconds: request.validForSeconds
        }
      })
      if (answer.status < 400) {
        const body = json(answer) as { step_up_grant: string }
        return { stepUpGrant: body.step_up_grant }
      }
      const body = errorBodyOf(answer)
      if (answer.status === 401) throw new UnauthorizedException('integrationApiKey is incorrect')
      switch (body.error_code) {
        case 'user_not_found': throw new UserNotFoundException()
        case 'mfa_not_enabled': throw new MfaNotEnabledException()
        case 'incorrect_mfa_code': throw new IncorrectMfaCodeException()
        case 'invalid_request_fields': throw new InvalidRequestFieldsException(answer.redact.json(answer.text))
        case 'feature_gated': throw new FeatureGatedException()
      }
      // The Node library has no 429 case here and throws UnexpectedException for it.
      if (answer.status === 429) throw rateLimited(answer)
      throw new UnexpectedException(`Unknown error when verifying the TOTP challenge (status ${answer.status})`)
    },

    verifyStepUpGrant: async (request) => {
      const answer = await send('verifyStepUpGrant', {
        method: 'POST',
        path: `${STEP_UP}/verify-grant`,
        body: { action_type: request.actionType, user_id: request.userId, grant: request.grant }
      })
      if (answer.status < 400) return { success: true }
      const failure = stepUpFailure(answer, 'verifying step up grant')
      if (failure === GRANT_NOT_FOUND) return { success: false }
      throw failure
    },

    sendSmsMfaCode: async (request) => {
      const answer = await send('sendSmsMfaCode', {
        method: 'POST',
        path: `${STEP_UP}/phone/send`,
        body: {
          action_type: request.actionType,
          user_id: request.userId,
          mfa_phone_id: request.mfaPhoneId,
          grant_type: request.grantType,
          valid_for_seconds: request.validForSeconds
        }
      })
      if (answer.status < 400) return camel(answer)
      const failure = stepUpFailure(answer, 'sending sms mfa code')
      // Shared code in the Node library answers `{ success: false }` here too; kept for parity.
      if (failure === GRANT_NOT_FOUND) return { success: false } as unknown as SendSmsMfaCodeRequestResponse
      throw failure
    },

    verifySmsChallenge: async (request) => {
      const answer = await send('verifySmsChallenge', {
        method: 'POST',
        path: `${STEP_UP}/phone/verify`,
        body: { user_id: request.userId, challenge_id: request.challengeId, code: request.code }
      })
      if (answer.status < 400) return camel(answer)
      const failure = stepUpFailure(answer, 'verifying sms challenge')
      if (failure === GRANT_NOT_FOUND) return { success: false } as unknown as VerifySmsChallengeResponse
      throw failure
    }
  }
}
