import { test } from 'tap'
import { createManualClock } from '../index.js'
import { harness, SEEDED } from './helpers/harness.js'

const STEP_UP = '/api/backend/v1/mfa/step-up'
const totp = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  action_type: 'delete_project', user_id: SEEDED.admin, code: '123456', grant_type: 'ONE_TIME_USE', valid_for_seconds: 300, ...overrides
})

test('TOTP step-up: the documented test code gives a grant; a ONE_TIME_USE grant verifies once, for its action', async (t) => {
  const { api } = await harness(t)
  const verified = await api('POST', `${STEP_UP}/verify-totp`, totp())
  t.equal(verified.status, 200)
  t.same(Object.keys(verified.body), ['step_up_grant'])
  const grant = verified.body.step_up_grant as string
  const check = async (body: Record<string, unknown>): Promise<{ status: number, body: any }> => await api('POST', `${STEP_UP}/verify-grant`, body)
  const otherAction = await check({ action_type: 'other_action', user_id: SEEDED.admin, grant })
  t.equal(otherAction.status, 400)
  t.same(otherAction.body, { error_code: 'invalid_request_fields', user_facing_error: 'Some fields are invalid', field_errors: { grant: 'grant_not_found' } })
  const ok = await check({ action_type: 'delete_project', user_id: SEEDED.admin, grant })
  t.equal(ok.status, 200)
  t.match((await check({ action_type: 'delete_project', user_id: SEEDED.admin, grant })).body, { field_errors: { grant: 'grant_not_found' } }, 'used up')
})

test('TOTP step-up errors branch on error_code: incorrect code, MFA not set up, unknown user, bad fields', async (t) => {
  const { api } = await harness(t)
  t.match(await api('POST', `${STEP_UP}/verify-totp`, totp({ code: '000000' })), { status: 400, body: { error_code: 'incorrect_mfa_code', user_facing_error: String } })
  t.match(await api('POST', `${STEP_UP}/verify-totp`, totp({ user_id: SEEDED.member })), { status: 400, body: { error_code: 'mfa_not_enabled' } })
  t.match(await api('POST', `${STEP_UP}/verify-totp`, totp({ user_id: SEEDED.owner })), { status: 400, body: { error_code: 'mfa_not_enabled' } }, 'the owner has SMS, not TOTP')
  t.match(await api('POST', `${STEP_UP}/verify-totp`, totp({ user_id: crypto.randomUUID() })), { status: 404, body: { error_code: 'user_not_found' } })
  t.match(await api('POST', `${STEP_UP}/verify-totp`, totp({ grant_type: 'FOREVER', valid_for_seconds: undefined })), {
    status: 400,
    body: { error_code: 'invalid_request_fields', field_errors: { grant_type: 'Must be one of ONE_TIME_USE, TIME_BASED', valid_for_seconds: 'This field is required' } }
  })
})

test('a TIME_BASED grant verifies until it expires', async (t) => {
  const clock = createManualClock()
  const { api } = await harness(t, { now: clock.now })
  const { body } = await api('POST', `${STEP_UP}/verify-totp`, totp({ grant_type: 'TIME_BASED', valid_for_seconds: 60 }))
  const check = { action_type: 'delete_project', user_id: SEEDED.admin, grant: body.step_up_grant }
  t.equal((await api('POST', `${STEP_UP}/verify-grant`, check)).status, 200)
  t.equal((await api('POST', `${STEP_UP}/verify-grant`, check)).status, 200, 'reusable')
  clock.advance(61_000)
  t.equal((await api('POST', `${STEP_UP}/verify-grant`, check)).status, 400, 'expired')
})

test('SMS step-up: send to a phone of the user, verify the challenge with the test code, get a grant', async (t) => {
  const { standIn, api } = await harness(t, { mfaCode: '424242' })
  const phoneId = (await api('GET', `/api/backend/v1/user/${SEEDED.owner}/mfa`)).body.mfa_setup.phone_numbers[0].mfa_phone_id as string
  const sent = await api('POST', `${STEP_UP}/phone/send`, { action_type: 'wire', user_id: SEEDED.owner, mfa_phone_id: phoneId, grant_type: 'ONE_TIME_USE', valid_for_seconds: 120 })
  t.equal(sent.status, 200)
  t.same(Object.keys(sent.body), ['challenge_id'])
  const verify = { user_id: SEEDED.owner, challenge_id: sent.body.challenge_id }
  t.match(await api('POST', `${STEP_UP}/phone/verify`, { ...verify, code: '123456' }), { status: 400, body: { error_code: 'incorrect_mfa_code' } }, 'mfaCode replaces the default')
  const verified = await api('POST', `${STEP_UP}/phone/verify`, { ...verify, code: standIn.mfaCode })
  t.equal(verified.status, 200)
  t.equal((await api('POST', `${STEP_UP}/verify-grant`, { action_type: 'wire', user_id: SEEDED.owner, grant: verified.body.step_up_grant })).status, 200)
  t.match(await api('POST', `${STEP_UP}/phone/verify`, { ...verify, code: standIn.mfaCode }), { status: 400, body: { field_errors: { challenge_id: 'challenge_not_found' } } }, 'a challenge is answered once')

  t.match(await api('POST', `${STEP_UP}/phone/send`, { action_type: 'wire', user_id: SEEDED.owner, mfa_phone_id: crypto.randomUUID(), grant_type: 'ONE_TIME_USE', valid_for_seconds: 120 }), { body: { error_code: 'invalid_request_fields', field_errors: { mfa_phone_id: 'phone_not_found' } } })
  t.match(await api('POST', `${STEP_UP}/phone/send`, { action_type: 'wire', user_id: SEEDED.member, mfa_phone_id: phoneId, grant_type: 'ONE_TIME_USE', valid_for_seconds: 120 }), { body: { error_code: 'mfa_not_enabled' } })
})

test('with step-up MFA switched off every call answers feature_gated', async (t) => {
  const { api } = await harness(t, { features: { stepUpMfa: false } })
  for (const path of ['verify-totp', 'verify-grant', 'phone/send', 'phone/verify']) {
    t.match(await api('POST', `${STEP_UP}/${path}`, {}), { status: 403, body: { error_code: 'feature_gated' } }, path)
  }
})
