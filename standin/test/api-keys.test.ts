import { test } from 'tap'
import { createManualClock } from '../index.js'
import { harness, SEEDED } from './helpers/harness.js'

const KEYS = '/api/backend/v1/end_user_api_keys'

test('create a key: {api_key_id (32 hex), api_key_token}; fetch it as ApiKeyFull; 400 for unknown owners', async (t) => {
  const { api } = await harness(t)
  const created = await api('POST', KEYS, { org_id: SEEDED.acme, user_id: SEEDED.admin, display_name: 'CI', metadata: { env: 'ci' } })
  t.equal(created.status, 200)
  t.same(Object.keys(created.body).sort(), ['api_key_id', 'api_key_token'])
  t.match(created.body.api_key_id, /^[0-9a-f]{32}$/)
  const fetched = await api('GET', `${KEYS}/${created.body.api_key_id as string}`)
  t.same(fetched.body, { api_key_id: created.body.api_key_id, created_at: fetched.body.created_at, metadata: { env: 'ci' }, user_id: SEEDED.admin, org_id: SEEDED.acme, display_name: 'CI' })
  t.equal((await api('GET', `${KEYS}/${'0'.repeat(32)}`)).status, 404)

  t.same((await api('POST', KEYS, { org_id: crypto.randomUUID() })).body, { org_id: ['Org not found'] })
  t.same((await api('POST', KEYS, { user_id: crypto.randomUUID() })).body, { user_id: ['User not found'] })
  t.same((await api('POST', KEYS, { org_id: SEEDED.acme, user_id: SEEDED.outsider })).body, { user_id: ['User is not a member of this org'] })
  t.same((await api('POST', KEYS, { user_id: SEEDED.member, expires_at_seconds: 1 })).body, { expires_at_seconds: ['Must be in the future'] })
})

test('validate: who the key belongs to now (user, org, user_in_org), and the usage count of the day', async (t) => {
  const clock = createManualClock(Date.UTC(2031, 5, 1, 9))
  const { api } = await harness(t, { now: clock.now })
  const { body: key } = await api('POST', KEYS, { org_id: SEEDED.acme, user_id: SEEDED.admin, metadata: { scope: 'read' } })
  const validation = await api('POST', `${KEYS}/validate`, { api_key_token: key.api_key_token })
  t.equal(validation.status, 200)
  t.match(validation.body, {
    metadata: { scope: 'read' },
    user: { user_id: SEEDED.admin, email: 'admin@acme.test' },
    org: { org_id: SEEDED.acme, org_name: 'Acme Inc', is_saml_configured: false, metadata: {}, can_setup_saml: false },
    user_in_org: { org_id: SEEDED.acme, user_role: 'Admin', inherited_user_roles_plus_current_role: ['Admin', 'Member'] }
  })
  const personal = await api('POST', KEYS, { user_id: SEEDED.member })
  const personalValidation = await api('POST', `${KEYS}/validate`, { api_key_token: personal.body.api_key_token })
  t.notOk('org' in personalValidation.body)
  t.equal(personalValidation.body.user.user_id, SEEDED.member)

  await api('POST', `${KEYS}/validate`, { api_key_token: key.api_key_token })
  t.same((await api('GET', `${KEYS}/usage?date=2031-06-01&api_key_id=${key.api_key_id as string}`)).body, { count: 2 })
  t.same((await api('GET', `${KEYS}/usage?date=2031-06-01&org_id=${SEEDED.acme}`)).body, { count: 2 })
  t.same((await api('GET', `${KEYS}/usage?date=2031-06-01`)).body, { count: 3 })
  t.same((await api('GET', `${KEYS}/usage?date=2031-06-02`)).body, { count: 0 })
  t.same((await api('GET', `${KEYS}/usage`)).body, { date: ['This field is required'] })
  t.same((await api('GET', `${KEYS}/usage?date=June`)).body, { date: ['Expected a date as YYYY-MM-DD'] })
})

test('validate: 400 {api_key_token: [...]} for unknown, archived and expired keys', async (t) => {
  const clock = createManualClock()
  const { api } = await harness(t, { now: clock.now })
  const unknown = await api('POST', `${KEYS}/validate`, { api_key_token: 'nope' })
  t.equal(unknown.status, 400)
  t.same(unknown.body, { api_key_token: ['Invalid API key'] })
  const expiring = await api('POST', KEYS, { user_id: SEEDED.member, expires_at_seconds: Math.floor(clock.now() / 1000) + 60 })
  t.equal((await api('POST', `${KEYS}/validate`, { api_key_token: expiring.body.api_key_token })).status, 200)
  clock.advance(61_000)
  t.equal((await api('POST', `${KEYS}/validate`, { api_key_token: expiring.body.api_key_token })).status, 400, 'expired')
  t.equal((await api('POST', `${KEYS}/validate`, { api_key_token: SEEDED.acmeApiKeyToken })).status, 200, 'the seeded key works')
  t.equal((await api('DELETE', `${KEYS}/${SEEDED.acmeApiKeyId}`)).status, 200)
  t.equal((await api('POST', `${KEYS}/validate`, { api_key_token: SEEDED.acmeApiKeyToken })).status, 400, 'archived')
})

test('list current and archived keys with filters and paging; delete archives; 404 on a second delete', async (t) => {
  const { api } = await harness(t)
  const mine = await api('POST', KEYS, { user_id: SEEDED.member, display_name: 'mine' })
  await api('POST', KEYS, { user_id: SEEDED.owner, display_name: 'owners' })
  const current = await api('GET', `${KEYS}?page_size=2&page_number=0`)
  t.match(current.body, { total_api_keys: 3, current_page: 0, page_size: 2, has_more_results: true })
  t.same((await api('GET', `${KEYS}?user_email=member%40acme.test`)).body.api_keys.map((key: any) => key.display_name), ['mine'])
  t.same((await api('GET', `${KEYS}?org_id=${SEEDED.acme}`)).body.api_keys.map((key: any) => key.api_key_id), [SEEDED.acmeApiKeyId])

  t.equal((await api('DELETE', `${KEYS}/${mine.body.api_key_id as string}`)).status, 200)
  t.equal((await api('DELETE', `${KEYS}/${mine.body.api_key_id as string}`)).status, 404)
  t.same((await api('GET', `${KEYS}/archived`)).body.api_keys.map((key: any) => key.display_name), ['mine'])
  t.equal((await api('GET', KEYS)).body.total_api_keys, 2)
})

test('update: expiry, never-expire and metadata (object or JSON text); 400 for a past expiry; 404 unknown', async (t) => {
  const { api } = await harness(t)
  const { body: key } = await api('POST', KEYS, { user_id: SEEDED.member })
  const path = `${KEYS}/${key.api_key_id as string}`
  const future = Math.floor(Date.now() / 1000) + 3600
  t.same((await api('PATCH', path, { expires_at_seconds: future, metadata: { a: 1 } })).body, {})
  t.match((await api('GET', path)).body, { expires_at_seconds: future, metadata: { a: 1 } })
  t.equal((await api('PATCH', path, { set_to_never_expire: true, metadata: '{"b":2}' })).status, 200)
  const after = (await api('GET', path)).body
  t.notOk('expires_at_seconds' in after)
  t.same(after.metadata, { b: 2 })
  t.same((await api('PATCH', path, { expires_at_seconds: 5 })).body, { expires_at_seconds: ['Must be in the future'] })
  t.equal((await api('PATCH', `${KEYS}/${'f'.repeat(32)}`, {})).status, 404)
})

test('imported keys: import answers {api_key_id}; only validate_imported accepts them; a token imports once', async (t) => {
  const { api } = await harness(t)
  const imported = await api('POST', `${KEYS}/import`, { imported_api_key: 'legacy-secret-123', org_id: SEEDED.acme, display_name: 'old system' })
  t.equal(imported.status, 200)
  t.same(Object.keys(imported.body), ['api_key_id'])
  const validated = await api('POST', `${KEYS}/validate_imported`, { api_key_token: 'legacy-secret-123' })
  t.equal(validated.status, 200)
  t.equal(validated.body.org.org_id, SEEDED.acme)
  t.equal((await api('POST', `${KEYS}/validate`, { api_key_token: 'legacy-secret-123' })).status, 400)
  t.equal((await api('POST', `${KEYS}/validate_imported`, { api_key_token: SEEDED.acmeApiKeyToken })).status, 400)
  t.same((await api('POST', `${KEYS}/import`, { imported_api_key: 'legacy-secret-123' })).body, { imported_api_key: ['This API key was already imported'] })
  t.same((await api('POST', `${KEYS}/import`, {})).body, { imported_api_key: ['This field is required'] })
})

test('a configured rate limit on validation answers 429 with wait_seconds, user_facing_error and error_code', async (t) => {
  const clock = createManualClock()
  const { standIn, api } = await harness(t, { now: clock.now, rateLimits: [{ path: `${KEYS}/validate`, max: 2, windowSeconds: 10 }] })
  for (let i = 0; i < 2; i++) t.equal((await api('POST', `${KEYS}/validate`, { api_key_token: SEEDED.acmeApiKeyToken })).status, 200)
  const limited = await api('POST', `${KEYS}/validate`, { api_key_token: SEEDED.acmeApiKeyToken })
  t.equal(limited.status, 429)
  t.match(limited.body, { wait_seconds: 10, user_facing_error: String, error_code: 'rate_limited' })
  t.equal(limited.headers.get('retry-after'), '10')
  t.equal((await api('GET', `${KEYS}/${SEEDED.acmeApiKeyId}`)).status, 200, 'other paths are not limited')
  clock.advance(10_001)
  t.equal((await api('POST', `${KEYS}/validate`, { api_key_token: SEEDED.acmeApiKeyToken })).status, 200, 'the window slid')
  standIn.rateLimits.set([{ max: 0 }])
  t.equal((await api('GET', `${KEYS}/${SEEDED.acmeApiKeyId}`)).status, 429, 'limits change at run time')
})
