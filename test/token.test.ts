import { test } from 'tap'
import { constants, createHash, createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import fc from 'fast-check'
import Fastify from 'fastify'
import propelAuth from '../index.js'
import { createTestAuth, createTestKeyPair } from '../lib/testing/index.js'
import { TokenCache } from '../lib/token/token-cache.js'
import { Rejection } from '../lib/token/rejection.js'
import { MAX_TOKEN_LENGTH, TokenVerifier, type TokenVerifierOptions } from '../lib/token/verifier.js'
import { User } from '../lib/token/user.js'

const ISSUER = 'https://auth.example.com'
const NOW = 1_760_000_000 // seconds; every verifier below runs on this clock unless a test moves it

const keyPair = await createTestKeyPair()
const otherKeyPair = await createTestKeyPair()
const publicKey = createPublicKey(keyPair.publicKeyPem)

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

/** Signs any header and payload text as a compact JWS, so that tests can build tokens no library would. */
function signRaw (header: string | object, payload: string | object, options: { key?: KeyObject, how?: 'RS256' | 'PS256' | 'HS256-with-public-key' | 'ES256' } = {}): string {
  const headerText = typeof header === 'string' ? header : JSON.stringify(header)
  const payloadText = typeof payload === 'string' ? payload : JSON.stringify(payload)
  const input = `${b64(headerText)}.${b64(payloadText)}`
  let signature: Buffer
  switch (options.how ?? 'RS256') {
    case 'RS256':
      signature = sign('sha256', Buffer.from(input), options.key ?? keyPair.privateKey)
      break
    case 'PS256':
      signature = sign('sha256', Buffer.from(input), { key: options.key ?? keyPair.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
      break
    case 'HS256-with-public-key':
      // The classic confusion attack: the public key used as an HMAC secret.
      signature = createHmac('sha256', keyPair.publicKeyPem).update(input).digest()
      break
    case 'ES256':
      signature = sign('sha256', Buffer.from(input), { key: options.key as KeyObject, dsaEncoding: 'ieee-p1363' })
      break
  }
  return `${input}.${b64(signature)}`
}

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ user_id: 'u-1', email: 'ada@example.com', iss: ISSUER, iat: NOW, exp: NOW + 1800, ...extra })
const token = (extra: Record<string, unknown> = {}, header: object = { alg: 'RS256', typ: 'JWT' }): string => signRaw(header, claims(extra))

function verifier (options: Partial<TokenVerifierOptions> & { clock?: { now: number } } = {}): TokenVerifier {
  const clock = options.clock ?? { now: NOW * 1000 }
  return new TokenVerifier({
    getKey: () => publicKey,
    issuer: ISSUER,
    clockTolerance: 0,
    cacheMax: 0,
    now: () => clock.now,
    ...options
  })
}

/** 'ok' for a user, else the rejection reason. */
function outcome (result: User | Rejection): string {
  return result instanceof Rejection ? result.reason : 'ok'
}

test('Authorization header parsing follows PropelAuth (PropelAuth test cases 8, 9, 10)', async (t) => {
  const v = verifier()
  const jwt = token()
  const table: Array<[unknown, string, string]> = [
    [undefined, 'missing', 'no header'],
    ['', 'missing', 'empty header'],
    [`Bearer ${jwt}`, 'ok', 'Bearer <token>'],
    [`bearer ${jwt}`, 'ok', 'scheme is case-insensitive: bearer'],
    [`BEARER ${jwt}`, 'ok', 'scheme is case-insensitive: BEARER'],
    [`BeArEr ${jwt}`, 'ok', 'scheme is case-insensitive: BeArEr'],
    [jwt, 'missing', 'a bare token, no scheme: no bearer credentials presented'],
    [`Bearer  ${jwt}`, 'malformed-header', 'two spaces'],
    [`Bearer ${jwt} `, 'malformed-header', 'trailing space'],
    [`Bearer\t${jwt}`, 'malformed-header', 'tab separator'],
    [`Bearer ${jwt} ${jwt}`, 'malformed-header', 'two tokens'],
    ['Bearer', 'malformed-header', 'scheme alone'],
    ['Bearer ', 'malformed-header', 'scheme and a space'],
    [`Basic ${b64('user:password')}`, 'missing', 'another scheme: Basic'],
    [`token ${jwt}`, 'missing', 'another scheme: token (py/fastapi case 10)'],
    [['Bearer a', 'Bearer b'], 'malformed-header', 'not a string'],
    ['Bearer invalid', 'invalid', 'malformed token "invalid" (case 8)'],
    ['Bearer whatisthis', 'invalid', 'malformed token "whatisthis" (case 8)'],
    ['Bearer a.b.c', 'invalid', 'three segments of nothing']
  ]
  for (const [header, expected, name] of table) {
    t.equal(outcome(v.verifyAuthorizationHeader(header)), expected, name)
  }
})

test('RS256 only: other algorithms are refused before any key is used', async (t) => {
  let mismatches = 0
  const v = verifier({ onSignatureMismatch: () => { mismatches++ } })
  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const cases: Array<[string, string]> = [
    [token(), 'RS256 with the right key'],
    [signRaw({ alg: 'HS256' }, claims(), { how: 'HS256-with-public-key' }), 'HS256 keyed with the public key PEM'],
    [signRaw({ alg: 'PS256' }, claims(), { how: 'PS256' }), 'PS256 with the same RSA key'],
    [signRaw({ alg: 'RS256' }, claims(), { how: 'PS256' }), 'a PSS signature claiming RS256'],
    [signRaw({ alg: 'RS384' }, claims()), 'RS384 header'],
    [signRaw({ alg: 'ES256' }, claims(), { how: 'ES256', key: ecKey }), 'ES256'],
    [`${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims()))}.`, 'alg none, empty signature'],
    [`${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims()))}.${token().split('.')[2]}`, 'alg none with a real signature'],
    [signRaw({ alg: 'rs256' }, claims()), 'alg in lower case'],
    [signRaw({}, claims()), 'no alg']
  ]
  const [first, ...rest] = cases
  t.equal(outcome(v.verifyToken(first[0])), 'ok', first[1])
  for (const [jwt, name] of rest) {
    t.equal(outcome(v.verifyToken(jwt)), 'invalid', name)
  }
  t.equal(mismatches, 1, 'only the RS256-headed token with a PSS signature asked for a key refetch')
})

test('signature: another key, a changed payload or a changed signature is refused (PropelAuth test case 12)', async (t) => {
  let mismatches = 0
  const v = verifier({ onSignatureMismatch: () => { mismatches++ } })
  t.equal(outcome(v.verifyToken(signRaw({ alg: 'RS256' }, claims(), { key: otherKeyPair.privateKey }))), 'invalid', 'signed by another key')
  const [h, p, s] = token().split('.')
  const forged = b64(JSON.stringify(claims({ user_id: 'admin' })))
  t.equal(outcome(v.verifyToken(`${h}.${forged}.${s}`)), 'invalid', 'payload swapped under the signature')
  const flipped = s.slice(0, 100) + (s[100] === 'A' ? 'B' : 'A') + s.slice(101)
  t.equal(outcome(v.verifyToken(`${h}.${p}.${flipped}`)), 'invalid', 'one signature character changed')
  t.equal(mismatches, 3, 'each asks for a key refetch (rate-limited by the key store)')
})

test('structure: exactly three canonical base64url segments, JSON objects, no duplicate members', async (t) => {
  const v = verifier()
  const good = token()
  const [h, p, s] = good.split('.')
  const cases: Array<[string, string]> = [
    [`${h}.${p}`, 'two segments'],
    [`${good}.${s}`, 'four segments'],
    [`${h}.${p}.${s}.${s}.${s}`, 'five segments (JWE-shaped)'],
    [`${h}.${p}.`, 'empty signature'],
    [`.${p}.${s}`, 'empty header'],
    [`${h}=.${p}.${s}`, 'padded header'],
    [`${h}.${p}.${s}=`, 'padded signature'],
    [`${h}.${p.replace(/-/g, '+').replace(/_/g, '/')}x.${s}`, 'standard base64 alphabet'],
    [`${h} .${p}.${s}`, 'space inside'],
    [signRaw('["RS256"]', claims()), 'header is an array'],
    [signRaw('{"alg":"RS256"', claims()), 'header is not JSON'],
    [signRaw(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1'), claims()), 'header is not UTF-8'],
    [signRaw('{"alg":"RS256","alg":"RS256"}', claims()), 'duplicate header member'],
    [signRaw({ alg: 'RS256' }, '[1,2,3]'), 'payload is an array'],
    [signRaw({ alg: 'RS256' }, '42'), 'payload is a number'],
    [signRaw({ alg: 'RS256' }, 'not json'), 'payload is not JSON'],
    [signRaw({ alg: 'RS256' }, `{"user_id":"u-1","iss":"https://evil.example","exp":${NOW + 60},"iss":"${ISSUER}"}`), 'duplicate iss: refused, not the last one kept'],
    [signRaw({ alg: 'RS256' }, `{"user_id":"u-1","\\u0069ss":"https://evil.example","exp":${NOW + 60},"iss":"${ISSUER}"}`), 'duplicate iss spelled with an escape'],
    [signRaw({ alg: 'RS256', crit: ['exp'] }, claims()), 'crit header parameter'],
    [signRaw({ alg: 'RS256', b64: false }, claims()), 'b64 header parameter'],
    [signRaw({ alg: 'RS256', enc: 'A256GCM' }, claims()), 'JWE enc header parameter'],
    [signRaw({ alg: 'RS256', zip: 'DEF' }, claims()), 'JWE zip header parameter'],
    ['x'.repeat(MAX_TOKEN_LENGTH + 1), 'longer than MAX_TOKEN_LENGTH']
  ]
  for (const [jwt, name] of cases) {
    t.equal(outcome(v.verifyToken(jwt)), 'invalid', name)
  }
  t.equal(outcome(v.verifyToken(token({}, { alg: 'RS256', typ: 'at+jwt', kid: 'k1', jku: 'https://evil.example/jwks', x5u: 'https://evil.example/cert' }))), 'ok',
    'typ and kid are ignored, and jku/x5u never choose the key, as in PropelAuth')
})

test('claims are read as UTF-8: non-ASCII text comes through exactly, invalid UTF-8 is refused', async (t) => {
  const v = verifier()
  const signBytes = (payload: Buffer): string => {
    const input = `${b64(JSON.stringify({ alg: 'RS256' }))}.${payload.toString('base64url')}`
    return `${input}.${sign('sha256', Buffer.from(input), keyPair.privateKey).toString('base64url')}`
  }
  const user = v.verifyToken(signBytes(Buffer.from(JSON.stringify(claims({ first_name: 'Zoë', last_name: '李', username: 'ada 🚀' })))))
  if (user instanceof Rejection) throw new Error(`refused: ${user.reason}`)
  t.same([user.firstName, user.lastName, user.username], ['Zoë', '李', 'ada 🚀'])
  const text = JSON.stringify(claims({ first_name: 'Zo_' }))
  const at = text.indexOf('Zo_') + 2
  for (const [bytes, name] of [[[0xff], 'a byte that is never UTF-8'], [[0xc3], 'a truncated sequence'], [[0xc0, 0xaf], 'an overlong encoding'], [[0xed, 0xa0, 0x80], 'a surrogate']] as const) {
    const payload = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at + 1))])
    t.equal(outcome(v.verifyToken(signBytes(payload))), 'invalid', name)
  }
})

test('issuer must equal the configured issuer exactly (PropelAuth test case 11)', async (t) => {
  const v = verifier()
  t.equal(outcome(v.verifyToken(token())), 'ok')
  const cases: Array<[unknown, string]> = [
    [`${ISSUER}/`, 'trailing slash'],
    ['http://auth.example.com', 'http instead of https'],
    ['https://AUTH.example.com', 'different case'],
    ['https://auth.example.com:443', 'explicit default port'],
    ['https://wrong.propelauth.com', 'another project'],
    ['bad', 'not a URL'],
    [[ISSUER], 'an array holding the issuer'],
    [undefined, 'missing iss']
  ]
  for (const [iss, name] of cases) {
    t.equal(outcome(v.verifyToken(signRaw({ alg: 'RS256' }, JSON.stringify({ ...claims(), iss })))), 'invalid', name)
  }
  const slashIssuer = verifier({ issuer: `${ISSUER}/` })
  t.equal(outcome(slashIssuer.verifyToken(token({ iss: `${ISSUER}/` }))), 'ok', 'a configured issuer with a slash needs the slash')
  t.equal(outcome(slashIssuer.verifyToken(token())), 'invalid')
})

test('exp is required and expired at exp == now; nbf honoured; iat must be a number (PropelAuth test case 7)', async (t) => {
  const v = verifier()
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ exp: undefined }, 'invalid', 'no exp: refused (PropelAuth always issues it)'],
    [{ exp: String(NOW + 60) }, 'invalid', 'exp as a string'],
    [{ exp: null }, 'invalid', 'exp null'],
    [{ exp: NOW + 1 }, 'ok', 'exp one second ahead'],
    [{ exp: NOW + 0.5 }, 'ok', 'exp half a second ahead (fractional NumericDate)'],
    [{ exp: NOW }, 'expired', 'exp == now is expired, as jose decides'],
    [{ exp: NOW - 1 }, 'expired', 'exp one second ago'],
    [{ iat: NOW - 3600, exp: NOW - 300 }, 'expired', 'expired five minutes ago (py case)'],
    [{ nbf: NOW + 1 }, 'invalid', 'nbf in the future'],
    [{ nbf: NOW }, 'ok', 'nbf == now'],
    [{ nbf: 'soon' }, 'invalid', 'nbf as a string'],
    [{ iat: 'now' }, 'invalid', 'iat as a string'],
    [{ iat: NOW + 3600 }, 'ok', 'iat in the future is not compared with now, as in the Node library'],
    [{ iat: undefined }, 'ok', 'no iat (the Node library tests mint none)'],
    [{ aud: 'someone-else' }, 'ok', 'aud is not verified, as in PropelAuth']
  ]
  for (const [extra, expected, name] of cases) {
    t.equal(outcome(v.verifyToken(signRaw({ alg: 'RS256' }, JSON.stringify(claims(extra))))), expected, name)
  }
  const clock = { now: (NOW + 59) * 1000 + 999 }
  const late = verifier({ clock })
  t.equal(outcome(late.verifyToken(token({ exp: NOW + 60 }))), 'ok', 'valid up to the last millisecond before exp')
  clock.now += 1
  t.equal(outcome(late.verifyToken(token({ exp: NOW + 60 }))), 'expired', 'expired from exp on')
  t.equal(outcome(late.verifyToken(token({ exp: NOW + 60, iss: 'bad' }))), 'invalid', 'an expired token of another issuer is invalid, not expired')
})

test('clockTolerance widens exp and nbf by that many seconds, no more', async (t) => {
  const v = verifier({ clockTolerance: 10 })
  t.equal(outcome(v.verifyToken(token({ exp: NOW - 9 }))), 'ok', 'expired 9 s ago, tolerance 10')
  t.equal(outcome(v.verifyToken(token({ exp: NOW - 10 }))), 'expired', 'expired 10 s ago, tolerance 10')
  t.equal(outcome(v.verifyToken(token({ nbf: NOW + 10 }))), 'ok', 'valid in 10 s, tolerance 10')
  t.equal(outcome(v.verifyToken(token({ nbf: NOW + 11 }))), 'invalid', 'valid in 11 s, tolerance 10')
})

test('claims PropelAuth would not sign are a 401, never a crash', async (t) => {
  const v = verifier()
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ user_id: undefined }, 'no user_id'],
    [{ user_id: '' }, 'empty user_id'],
    [{ user_id: 7 }, 'numeric user_id'],
    [{ email: 7 }, 'numeric email'],
    [{ email: undefined }, 'no email'],
    [{ properties: 'x' }, 'properties a string'],
    [{ org_id_to_org_member_info: [] }, 'orgs an array'],
    [{ org_id_to_org_member_info: { o1: { org_id: 'o1' } } }, 'an org without its required fields'],
    [{ login_method: 'password' }, 'login_method a string']
  ]
  for (const [extra, name] of bad) {
    t.equal(outcome(v.verifyToken(token(extra))), 'invalid', name)
  }
})

test('cache: a hit returns the same frozen user without verifying again', async (t) => {
  let keyReads = 0
  const v = verifier({ cacheMax: 10, getKey: () => { keyReads++; return publicKey } })
  const jwt = token()
  const first = v.verifyToken(jwt)
  const second = v.verifyToken(jwt)
  t.type(first, User)
  t.equal(second, first, 'the same object')
  t.ok(Object.isFrozen(first))
  t.equal(keyReads, 1, 'verified once')
  t.equal(v.cacheSize, 1)
  t.equal(outcome(v.verifyToken('Bearer nonsense')), 'invalid')
  t.equal(v.cacheSize, 1, 'rejections are not cached')
})

test('cache: off with cacheMax 0, every request verifies', async (t) => {
  let keyReads = 0
  const v = verifier({ cacheMax: 0, getKey: () => { keyReads++; return publicKey } })
  const jwt = token()
  const first = v.verifyToken(jwt)
  const second = v.verifyToken(jwt)
  t.not(second, first)
  t.same(second, first)
  t.equal(keyReads, 2)
  t.equal(v.cacheSize, 0)
})

test('cache: bounded, least recently used entry goes first', async (t) => {
  const v = verifier({ cacheMax: 2 })
  const [a, b, c] = ['a', 'b', 'c'].map((id) => token({ user_id: id }))
  const userA = v.verifyToken(a)
  v.verifyToken(b)
  t.equal(v.verifyToken(a), userA, 'a is used again, so b is now the least recent')
  v.verifyToken(c)
  t.equal(v.cacheSize, 2, 'never more than max')
  t.equal(v.verifyToken(a), userA, 'a survived')
  const userB = v.verifyToken(b)
  t.equal(outcome(userB), 'ok')
  t.equal(v.cacheSize, 2)
})

test('cache: never serves a token past its exp', async (t) => {
  const clock = { now: NOW * 1000 }
  const v = verifier({ cacheMax: 10, clock })
  const jwt = token({ exp: NOW + 60 })
  t.equal(outcome(v.verifyToken(jwt)), 'ok')
  clock.now = (NOW + 60) * 1000 - 1
  t.equal(outcome(v.verifyToken(jwt)), 'ok', 'still valid a millisecond before exp')
  clock.now = (NOW + 60) * 1000
  t.equal(outcome(v.verifyToken(jwt)), 'expired', 'expired at exp even though it was cached')

  const tolerant = verifier({ cacheMax: 10, clock: { now: NOW * 1000 }, clockTolerance: 5 })
  t.equal(outcome(tolerant.verifyToken(jwt)), 'ok')
})

test('cache: keyed by a hash of the whole token, so a token differing in one byte misses', async (t) => {
  let mismatches = 0
  const v = verifier({ cacheMax: 10, onSignatureMismatch: () => { mismatches++ } })
  const jwt = token()
  t.equal(outcome(v.verifyToken(jwt)), 'ok')
  const [h, p, s] = jwt.split('.')
  const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11)
  t.equal(outcome(v.verifyToken(`${h}.${p}.${flipped}`)), 'invalid', 'a changed signature is not served from the entry of the real token')
  t.equal(mismatches, 1, 'it was verified, and failed')
  t.ok(Buffer.from(TokenCache.keyOf(jwt), 'latin1').equals(createHash('sha256').update(jwt).digest()), 'keys are the SHA-256 digest of the token')
  t.notOk(jwt.includes(TokenCache.keyOf(jwt)))
  t.not(TokenCache.keyOf(jwt), TokenCache.keyOf(`${h}.${p}.${flipped}`))
})

test('cache: clearCache drops every verdict (used when the key rotates)', async (t) => {
  const v = verifier({ cacheMax: 10 })
  const jwt = token()
  const first = v.verifyToken(jwt)
  v.clearCache()
  t.equal(v.cacheSize, 0)
  t.not(v.verifyToken(jwt), first, 'verified again')
})

test('through the plugin: any header at all is a 401 or a 200, never a 500', async (t) => {
  const testAuth = await createTestAuth({ keyPair })
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, cache: false })
  app.get('/me', { onRequest: app.auth.requireUser }, async () => 'ok')
  t.teardown(() => app.close())
  const valid = await testAuth.mintAccessToken()

  await fc.assert(fc.asyncProperty(
    fc.oneof(
      fc.string(),
      fc.string().map((s) => `Bearer ${s}`),
      // Mutations of a valid token: one character replaced, or a slice.
      fc.tuple(fc.nat({ max: valid.length - 1 }), fc.constantFrom('A', '.', '-', '_', '=', ' ', 'é')).map(([i, c]) => `Bearer ${valid.slice(0, i)}${c}${valid.slice(i + 1)}`),
      fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: valid.length })).map(([i, j]) => `Bearer ${valid.slice(Math.min(i, j), Math.max(i, j))}`)
    ),
    async (header) => {
      const response = await app.inject({ url: '/me', headers: { authorization: header } })
      return header === `Bearer ${valid}` ? response.statusCode === 200 : response.statusCode === 401
    }
  ), { numRuns: 300 })
})
