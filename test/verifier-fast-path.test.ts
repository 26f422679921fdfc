// The verifier's shortcuts for speed keep its verdicts exact:
// - the header checks run once per distinct header text, and a header that
//   differs in any way is checked again in full;
// - duplicate members are found by comparing member counts of the text and of
//   the parsed value, which must agree with a direct name-by-name walk;
// - payload and signature are decoded into reused buffers with a strictness
//   check that must agree with decoding and re-encoding;
// - empty arrays and objects in claims become one shared frozen instance.
import { test } from 'tap'
import { createHmac, createPublicKey, sign } from 'node:crypto'
import fc from 'fast-check'
import { createTestKeyPair } from '../lib/testing/index.js'
import { decodeCanonical, decodeCanonicalInto, decodedLength } from '../lib/util/base64url.js'
import { hasDuplicateMembers } from '../lib/util/json-duplicates.js'
import { hasDuplicateKeys } from './helpers/json-duplicates-reference.js'
import { Rejection } from '../lib/token/rejection.js'
import { TokenVerifier } from '../lib/token/verifier.js'
import { User, userFromClaims } from '../lib/token/user.js'

const ISSUER = 'https://auth.example.com'
const NOW = 1_760_000_000
const keyPair = await createTestKeyPair()
const publicKey = createPublicKey(keyPair.publicKeyPem)

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url')
const PROPELAUTH_HEADER = '{"alg":"RS256","typ":"JWT"}'

function signRaw (headerText: string, payloadText: string, how: 'RS256' | 'HS256-with-public-key' = 'RS256'): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`
  const signature = how === 'RS256'
    ? sign('sha256', Buffer.from(input), keyPair.privateKey)
    : createHmac('sha256', keyPair.publicKeyPem).update(input).digest()
  return `${input}.${b64(signature)}`
}

const claimsText = (userId = 'u-1'): string => JSON.stringify({ user_id: userId, email: `${userId}@example.com`, iss: ISSUER, iat: NOW, exp: NOW + 600 })

function verifier (cacheMax = 0): TokenVerifier {
  return new TokenVerifier({ getKey: () => publicKey, issuer: ISSUER, clockTolerance: 0, cacheMax, now: () => NOW * 1000 })
}

function outcome (result: User | Rejection): string {
  return result instanceof Rejection ? result.reason : `user ${result.userId}`
}

test('a header accepted once does not let a different header through', async (t) => {
  const v = verifier()
  t.equal(outcome(v.verifyToken(signRaw(PROPELAUTH_HEADER, claimsText()))), 'user u-1', 'PropelAuth\'s header is accepted')

  // Each of these is signed with the right key (or, for HS256, with the public key as
  // the HMAC secret), so only the header checks can refuse them.
  const refused: Array<[string, string]> = [
    ['{"alg":"HS256","typ":"JWT"}', 'HS256'],
    ['{"alg":"none","typ":"JWT"}', 'alg none'],
    ['{"alg":"RS256","typ":"JWT","crit":["exp"]}', 'crit'],
    ['{"alg":"RS256","typ":"JWT","b64":false}', 'b64'],
    ['{"alg":"RS256","typ":"JWT","enc":"A256GCM"}', 'enc'],
    ['{"alg":"RS256","typ":"JWT","zip":"DEF"}', 'zip'],
    ['{"alg":"RS256","alg":"RS256","typ":"JWT"}', 'duplicate alg'],
    ['{"alg":"RS256","typ":"JWT","\\u0061lg":"RS256"}', 'duplicate alg spelled with an escape'],
    ['["RS256"]', 'an array'],
    ['{"alg":"RS256","typ":"JWT"', 'not JSON']
  ]
  for (const [header, name] of refused) {
    t.equal(outcome(v.verifyToken(signRaw(header, claimsText()))), 'invalid', name)
  }
  t.equal(outcome(v.verifyToken(signRaw('{"alg":"HS256"}', claimsText(), 'HS256-with-public-key'))), 'invalid', 'HS256 keyed with the public key PEM')

  // The same accepted header with one more character in its segment: padding or an extra letter.
  const [h, p] = signRaw(PROPELAUTH_HEADER, claimsText()).split('.')
  for (const variant of [`${h}=`, `${h}A`, ` ${h}`, h.slice(0, -1)]) {
    const input = `${variant}.${p}`
    const jwt = `${input}.${b64(sign('sha256', Buffer.from(input), keyPair.privateKey))}`
    t.equal(outcome(v.verifyToken(jwt)), 'invalid', `header segment ${JSON.stringify(variant.slice(-4))}`)
  }

  t.equal(outcome(v.verifyToken(signRaw(PROPELAUTH_HEADER, claimsText('u-2')))), 'user u-2', 'the refusals did not disturb the accepted header')
})

test('a refused header is refused every time, and a new acceptable header is checked before it is accepted', async (t) => {
  const v = verifier()
  const hs256 = signRaw('{"alg":"HS256"}', claimsText(), 'HS256-with-public-key')
  t.equal(outcome(v.verifyToken(hs256)), 'invalid')
  t.equal(outcome(v.verifyToken(hs256)), 'invalid', 'still refused the second time')
  t.equal(outcome(v.verifyToken(signRaw('{"alg":"RS256","kid":"k1"}', claimsText()))), 'user u-1', 'another header PropelAuth could send')
  t.equal(outcome(v.verifyToken(signRaw('{"alg":"RS256","kid":"k1","crit":["kid"]}', claimsText()))), 'invalid', 'that header plus crit')
  t.equal(outcome(v.verifyToken(signRaw(PROPELAUTH_HEADER, claimsText()))), 'user u-1')
  t.equal(outcome(v.verifyToken(signRaw('{"alg":"RS256","kid":"k1"}', claimsText()))), 'user u-1', 'going back to the first accepted header works')
})

test('payload duplicates are refused at every depth, however they are written', async (t) => {
  const v = verifier()
  const base = `"user_id":"u-1","email":"u-1@example.com","iss":"${ISSUER}","iat":${NOW},"exp":${NOW + 600}`
  const org = (extra: string): string => `{"org_id":"o1","org_name":"Acme","url_safe_org_name":"acme","org_metadata":{${extra}},"user_role":"Admin","inherited_user_roles_plus_current_role":["Admin"],"user_permissions":[]}`
  const cases: Array<[string, string]> = [
    [`{${base},"iss" : "https://evil.example"}`, 'duplicate iss with spaces around the colon'],
    [`{${base},"\\u0069ss":"${ISSUER}"}`, 'duplicate iss spelled with an escape'],
    [`{${base},"user_id":"admin"}`, 'duplicate user_id'],
    [`{${base},"org_id_to_org_member_info":{"o1":${org('"tier":1,"tier":2')}}}`, 'duplicate inside org_metadata'],
    [`{${base},"org_id_to_org_member_info":{"o1":${org('')},"o1":${org('')}}}`, 'the same org twice'],
    [`{${base},"metadata":{"list":[{"a":1,"a":2}]}}`, 'duplicate inside an object in an array'],
    [`{${base},"metadata":{"__proto__":1,"__proto__":2}}`, 'duplicate __proto__'],
    [`{${base},"metadata":{"a\\"b":1,"a\\"b":2}}`, 'duplicate name containing an escaped quote'],
    // Colons inside strings must not make up for a duplicate's missing member.
    [`{${base},"note":"a:b","note":"c"}`, 'duplicate whose dropped value held a colon'],
    [`{${base},"m":{"a":"x","a":"y\\u003a"}}`, 'duplicate beside a colon written as an escape'],
    [`{"user_id":"u-1","email":"u-1@example.com","iss":"${ISSUER.replace(':', '\\u003a')}","iat":${NOW},"exp":${NOW + 600},"a":1,"a":2}`, 'duplicate beside an issuer whose colon is escaped'],
    [`{${base},"url":"https://a.example:8443/x","url":"b"}`, 'duplicate of a top-level URL']
  ]
  for (const [payload, name] of cases) {
    JSON.parse(payload) // each case is valid JSON: only the duplicate is wrong
    t.equal(outcome(v.verifyToken(signRaw(PROPELAUTH_HEADER, payload))), 'invalid', name)
  }
  const tricky = `{${base},"metadata":{"note":"a \\":\\" b","q":"\\\\","k":{"x":[1,{"y":"\\"z\\":"}]}}}`
  t.equal(outcome(v.verifyToken(signRaw(PROPELAUTH_HEADER, tricky))), 'user u-1', 'quotes and colons inside strings are not taken for members')
  t.equal(outcome(v.verifyToken(signRaw(PROPELAUTH_HEADER, `{${base},"metadata":{"site":"https://a.example:8443","at":"12:30"}}`))), 'user u-1', 'colons in nested strings are not taken for members')
  t.equal(outcome(v.verifyToken(signRaw(PROPELAUTH_HEADER, `{ ${base.replaceAll('":', '" :\n\t').replaceAll(',', ' ,\r\n')} }`))), 'user u-1', 'whitespace anywhere is fine')
})

// JSON text with repeated names, escaped spellings, whitespace and tricky strings,
// for comparing the count-based check with the name-by-name walk.
const names = fc.constantFrom('a', 'b', 'iss', '__proto__', 'constructor', 'a"b', 'x\\', ':', '"', '')
const stringValue = fc.constantFrom('', 'plain', 'a":"b', '\\', '"', '{', '}', '[', ',', ':')
const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n')

function quote (text: string, escapeAll: boolean): string {
  if (!escapeAll) return JSON.stringify(text)
  return `"${[...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
}

const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string, object: string, array: string }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, withCrossShrink: true },
    stringValue.map((s) => JSON.stringify(s)),
    fc.integer().map(String),
    fc.constantFrom('true', 'false', 'null'),
    tie('object'),
    tie('array')
  ),
  object: fc.array(fc.tuple(names, fc.boolean(), space, space, tie('value')), { maxLength: 5 })
    .map((members) => `{${members.map(([name, escaped, before, after, value]) => `${before}${quote(name, escaped)}${after}:${after}${value}${before}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`)
})).object

test('hasDuplicateMembers agrees with hasDuplicateKeys on any JSON text', async (t) => {
  let withDuplicates = 0
  fc.assert(fc.property(jsonText, (text) => {
    const expected = hasDuplicateKeys(text)
    if (expected) withDuplicates++
    return hasDuplicateMembers(text, JSON.parse(text)) === expected
  }), { numRuns: 2000 })
  t.ok(withDuplicates > 100, `the generator produced texts with duplicates (${withDuplicates}) as well as without`)
  for (const text of ['[{"a":"x:y","a":1}]', '[{"a":":"}]', '"a:b"', '1', 'null', '{"u":"https://a.example","v":{"w":"x:y"}}']) {
    t.equal(hasDuplicateMembers(text, JSON.parse(text)), hasDuplicateKeys(text), `any JSON value at the root: ${text}`)
  }
})

test('another spelling of a valid token is refused: each leniency of Node\'s base64 decoder', async (t) => {
  const v = verifier()
  const jwt = signRaw(PROPELAUTH_HEADER, claimsText())
  t.equal(outcome(v.verifyToken(jwt)), 'user u-1')
  const [h, p, s] = jwt.split('.')
  // 256 signature bytes are 342 characters: the last one carries 4 unused bits.
  const last = s.charCodeAt(s.length - 1)
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const sameBytes = ALPHABET[ALPHABET.indexOf(s[s.length - 1]) ^ 1]
  const spellings: Array<[string, string]> = [
    [`${h}.${p}.${s.slice(0, -1)}${sameBytes}`, 'signature with a non-zero unused bit'],
    [`${h}.${p}.${s.replaceAll('-', '+').replaceAll('_', '/')}`, 'signature in the standard alphabet'],
    [`${h}.${p}.${s.slice(0, 100)}${String.fromCharCode(0x100 + s.charCodeAt(100))}${s.slice(101)}`, 'a signature character above U+00FF with the same low byte'],
    [`${h}.${p}.${s.slice(0, -1)}${String.fromCharCode(0x100 + last)}`, 'the last signature character above U+00FF'],
    [`${h}.${p.slice(0, 50)}${String.fromCharCode(0x100 + p.charCodeAt(50))}${p.slice(51)}.${s}`, 'a payload character above U+00FF with the same low byte'],
    [`${h}.${p}.${s.slice(0, 100)}\n${s.slice(100)}`, 'a line break in the signature'],
    [`${h}.${p}.${s.slice(0, 100)}=${s.slice(100)}`, 'padding inside the signature'],
    [`${h}.${p}.${s}==`, 'padded signature'],
    [`${h}.${p.slice(0, 10)}+${p.slice(11)}.${s}`, 'a + in the payload']
  ]
  for (const [spelling, name] of spellings) {
    t.equal(outcome(v.verifyToken(spelling)), 'invalid', name)
  }
  t.equal(outcome(v.verifyToken(jwt)), 'user u-1', 'the real spelling still verifies')
})

test('decodeCanonicalInto agrees with decoding and re-encoding, on any string', async (t) => {
  const scratch = Buffer.alloc(decodedLength(400))
  const characters = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''))
  const odd = fc.constantFrom('+', '/', '=', ' ', '.', '*', '\n', '\u0000', '\u007f', 'é', '\u0141', '\u012b', '\uff21', '😀')
  const segment = fc.array(fc.oneof({ weight: 30, arbitrary: characters }, { weight: 1, arbitrary: odd }), { maxLength: 300 }).map((chars) => chars.join(''))
  let canonical = 0
  fc.assert(fc.property(segment, (text) => {
    const expected = decodeCanonical(text)
    const written = decodeCanonicalInto(scratch, text)
    if (expected === undefined) return written === -1
    canonical++
    return written === expected.length && scratch.subarray(0, written).equals(expected)
  }), { numRuns: 5000 })
  t.ok(canonical > 500, `canonical strings were generated too (${canonical})`)
  // Every value of the last character, for each length class.
  for (const prefix of ['', 'QU', 'QUJ', 'QUJD']) {
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/') {
      const text = prefix + c
      const expected = decodeCanonical(text)
      t.equal(decodeCanonicalInto(scratch, text), expected === undefined ? -1 : expected.length, JSON.stringify(text))
    }
  }
})

test('empty and missing arrays and objects in claims are frozen too, and shared without leaking between users', async (t) => {
  const org = (id: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    org_id: id, org_name: id, url_safe_org_name: id, org_metadata: {}, user_role: 'Member', inherited_user_roles_plus_current_role: ['Member'], user_permissions: [], ...extra
  })
  const user = userFromClaims({
    user_id: 'u-1',
    email: 'u-1@example.com',
    properties: {},
    metadata: {},
    org_id_to_org_member_info: { o1: org('o1', {}), o2: org('o2', { additional_roles: [], org_metadata: { tier: 1 } }) }
  })
  const o1 = user.getOrg('o1') as NonNullable<ReturnType<User['getOrg']>>
  const o2 = user.getOrg('o2') as NonNullable<ReturnType<User['getOrg']>>
  for (const [value, name] of [
    [o1.userAssignedAdditionalRoles, 'additional roles when the claim is missing'],
    [o2.userAssignedAdditionalRoles, 'additional roles given as []'],
    [o1.userPermissions, 'permissions given as []'],
    [o1.orgMetadata, 'org metadata given as {}'],
    [o2.orgMetadata, 'org metadata with a member'],
    [user.properties, 'properties given as {}'],
    [user.metadata, 'metadata given as {}']
  ] as Array<[object, string]>) {
    t.ok(Object.isFrozen(value), `${name} is frozen`)
  }
  t.throws(() => { (o1.userAssignedAdditionalRoles as string[]).push('Owner') }, TypeError, 'no role can be added to the shared empty list')
  t.throws(() => { (o1.orgMetadata as Record<string, unknown>).tier = 1 }, TypeError, 'nothing can be added to the shared empty object')
  t.notOk(o1.isRole('Owner'))
  t.same(o2.orgMetadata, { tier: 1 })
  t.same(o1.orgMetadata, {}, 'the other org\'s metadata did not leak into the shared empty object')
})
