// The JWT attack corpus of test/attacks.test.ts, shared with test/no-leaks.test.ts
// (which replays it while capturing every log line and error body). Built from
// RFC 8725 (JWT Best Current Practices) and the well-known attacks on JWT
// verifiers: every row is a request that must be refused with a given status and
// error code. Tokens are forged by hand here, with node:crypto and jose, so the
// corpus does not depend on the verifier it attacks.
import { constants, createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { CompactEncrypt, exportJWK } from 'jose'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../../index.js'
import { accessTokenClaims, DEFAULT_ROLE_HIERARCHY, type MintAccessTokenOptions, type RoleModel } from '../../lib/testing/mint.js'
import { createTestAuth, type TestAuth } from '../../lib/testing/test-auth.js'
import { sharedKeyPair } from './shared-key-pair.js'

export const ORG = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'
export const OTHER_ORG = '9a7b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d'

export const ROLES: RoleModel = {
  roleHierarchy: DEFAULT_ROLE_HIERARCHY,
  rolePermissions: { Owner: ['can_manage'], Admin: ['can_view_billing'], Member: ['can_read'] }
}

/**
 * The app under attack: one route per guard, so each row can aim at the check it
 * tries to get past. Handlers echo who got in, so a wrong 200 is visible.
 */
export async function buildTargetApp (auth: FastifyPropelAuthOptions, server: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(server)
  await app.register(propelAuth, auth)
  const who = async (request: { user: { userId: string } | null, org: { orgId: string } | null }): Promise<unknown> =>
    ({ user_id: request.user?.userId ?? null, org_id: request.org?.orgId ?? null })
  app.get('/user', { onRequest: app.auth.requireUser }, who)
  app.get('/optional', { onRequest: app.auth.optionalUser }, who)
  app.get('/org/:orgId/member', { onRequest: app.auth.requireOrgMember() }, who)
  app.get('/org/:orgId/admin', { onRequest: app.auth.requireOrgMemberWithMinimumRole('Admin') }, who)
  app.get('/org/:orgId/exact-admin', { onRequest: app.auth.requireOrgMemberWithExactRole('Admin') }, who)
  app.get('/org/:orgId/billing', { onRequest: app.auth.requireOrgMemberWithPermission('can_view_billing') }, who)
  app.get('/org/:orgId/manage', { onRequest: app.auth.requireOrgMemberWithAllPermissions(['can_view_billing', 'can_manage']) }, who)
  app.get('/by-header', {
    onRequest: app.auth.requireOrgMember({ orgId: (request) => request.headers['x-org-id'] as string | undefined })
  }, who)
  return app
}

// --- forging -----------------------------------------------------------------------

export function b64url (value: string | Buffer | object): string {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64url')
  if (Buffer.isBuffer(value)) return value.toString('base64url')
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}

type Signer = (signingInput: string) => Buffer

export const rs = (bits: 256 | 384 | 512, key: KeyObject): Signer => (input) => sign(`sha${bits}`, Buffer.from(input), key)
export const ps = (bits: 256 | 384 | 512, key: KeyObject): Signer => (input) =>
  sign(`sha${bits}`, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bits / 8 })
export const hs = (bits: 256 | 384 | 512, secret: string | Buffer): Signer => (input) => createHmac(`sha${bits}`, secret).update(input).digest()
export const es256 = (key: KeyObject): Signer => (input) => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
export const eddsa = (key: KeyObject): Signer => (input) => sign(null, Buffer.from(input), key)
export const noSignature: Signer = () => Buffer.alloc(0)

/** A compact JWS. Header and payload may be objects, or raw JSON text (for duplicate names, bad bytes…). */
export function jws (header: object | string | Buffer, payload: object | string | Buffer, signer: Signer): string {
  const input = `${b64url(header)}.${b64url(payload)}`
  return `${input}.${signer(input).toString('base64url')}`
}

/** Makes a base64url segment's last character non-canonical: the same bytes, other unused bits. */
export function nonCanonicalLastChar (segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  if (segment.length % 4 === 0) throw new Error('segment has no unused bits')
  const last = alphabet.indexOf(segment[segment.length - 1])
  return segment.slice(0, -1) + alphabet[last ^ 1]
}

function withUnusedBits (header: Record<string, unknown>): Record<string, unknown> {
  // Grow a harmless member until the encoded header has a partial last quantum.
  let pad = ''
  while (b64url({ ...header, pad }).length % 4 === 0) pad += 'x'
  return { ...header, pad }
}

// --- the corpus --------------------------------------------------------------------

export interface AttackRow {
  /** What the row tries. */
  name: string
  url: string
  /** The `Authorization` header; absent when undefined. */
  authorization?: string
  headers?: Record<string, string>
  status: 401 | 403
  code: string
  /**
   * The same request minus the attack, where one exists: it must be accepted, which
   * shows that the row is refused for the reason it names and not by accident.
   */
  control?: string
}

export interface AttackKit {
  testAuth: TestAuth
  /** The genuine signing key (PropelAuth's private key). */
  privateKey: KeyObject
  attackerKey: KeyObject
  issuer: string
  /** Genuine claims for a Member of ORG; pass overrides. */
  claims: (options?: MintAccessTokenOptions) => Record<string, unknown>
  /** RS256 with the genuine key: what PropelAuth would sign. */
  genuine: (claims: object | string | Buffer, header?: object | string) => string
  /** A valid token of an Admin of ORG: accepted everywhere in the app. */
  adminToken: string
  memberToken: string
  /** Every token the corpus contains, for leak checks. */
  tokens: string[]
}

export const MEMBER: MintAccessTokenOptions = { userId: 'u-member', email: 'member@acme.test', orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Member' }] }
export const ADMIN: MintAccessTokenOptions = { userId: 'u-admin', email: 'admin@acme.test', orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Admin' }] }

/** A key of the attacker's own, not the app's: one per process, as generating one takes about 0.2 s of CPU. */
let attackerKeyOfProcess: KeyObject | undefined

export async function createAttackKit (testAuth?: TestAuth): Promise<AttackKit> {
  testAuth ??= await createTestAuth({ keyPair: await sharedKeyPair(), rolePermissions: ROLES.rolePermissions as Record<string, string[]> })
  const { privateKey, issuer } = testAuth
  attackerKeyOfProcess ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const attackerKey = attackerKeyOfProcess
  const claims = (options: MintAccessTokenOptions = MEMBER): Record<string, unknown> => accessTokenClaims(options, issuer, ROLES)
  const genuine = (payload: object | string | Buffer, header: object | string = { alg: 'RS256', typ: 'JWT' }): string =>
    jws(header, payload, rs(256, privateKey))
  return {
    testAuth,
    privateKey,
    attackerKey,
    issuer,
    claims,
    genuine,
    adminToken: genuine(claims(ADMIN)),
    memberToken: genuine(claims(MEMBER)),
    tokens: []
  }
}

const INVALID = 'FST_PROPELAUTH_INVALID_TOKEN'
const MISSING = 'FST_PROPELAUTH_MISSING_TOKEN'
const MALFORMED = 'FST_PROPELAUTH_INVALID_AUTHORIZATION_HEADER'
const EXPIRED = 'FST_PROPELAUTH_TOKEN_EXPIRED'

/** Every attack, as requests that must be refused. */
export async function buildAttackCorpus (kit: AttackKit): Promise<AttackRow[]> {
  const { privateKey, attackerKey, issuer, claims, genuine, testAuth } = kit
  const rows: AttackRow[] = []
  const admin = claims(ADMIN)
  const adminToken = kit.adminToken
  const [adminHeader, adminPayload, adminSignature] = adminToken.split('.')
  const RS = { alg: 'RS256', typ: 'JWT' }
  const invalid = (name: string, token: string, control?: string, url = `/org/${ORG}/admin`): void => {
    rows.push({ name, url, authorization: `Bearer ${token}`, status: 401, code: INVALID, control: control === undefined ? undefined : `Bearer ${control}` })
  }

  // 1. alg "none" in every spelling (RFC 8725 §2.1, §3.1), with no signature and with a real one.
  for (const alg of ['none', 'None', 'NONE', 'nOnE', 'none ', ' none', 'none\u0000']) {
    invalid(`alg ${JSON.stringify(alg)}, empty signature`, `${b64url({ alg, typ: 'JWT' })}.${adminPayload}.`)
    invalid(`alg ${JSON.stringify(alg)}, no third segment`, `${b64url({ alg, typ: 'JWT' })}.${adminPayload}`)
    invalid(`alg ${JSON.stringify(alg)}, signature of a genuine token`, `${b64url({ alg, typ: 'JWT' })}.${adminPayload}.${adminSignature}`)
  }
  for (const [label, header] of [
    ['alg missing', { typ: 'JWT' }], ['alg null', { alg: null }], ['alg empty', { alg: '' }],
    ['alg as an array', { alg: ['RS256'] }], ['alg lower case rs256', { alg: 'rs256' }],
    ['alg "RS256 " with a space', { alg: 'RS256 ' }], ['alg as an object', { alg: { name: 'RS256' } }]
  ] as const) {
    invalid(`${label}, genuine signature`, genuine(admin, header as object), genuine(admin))
  }

  // 2. Key confusion (RFC 8725 §2.1): HMAC keyed with the public key, in every form a verifier might hold it.
  const pem = testAuth.tokenVerificationMetadata.verifierKey
  const publicKey = createPublicKey(pem)
  const secrets: Array<[string, string | Buffer]> = [
    ['the PEM text', pem],
    ['the PEM without its final newline', pem.trimEnd()],
    ['the SPKI DER bytes', publicKey.export({ type: 'spki', format: 'der' })],
    ['the PKCS#1 DER bytes', publicKey.export({ type: 'pkcs1', format: 'der' })],
    ['the JWK modulus', Buffer.from((await exportJWK(publicKey)).n as string, 'base64url')]
  ]
  for (const [label, secret] of secrets) {
    for (const bits of [256, 384, 512] as const) {
      invalid(`HS${bits} keyed with ${label}`, jws({ alg: `HS${bits}`, typ: 'JWT' }, admin, hs(bits, secret)))
    }
    invalid(`alg RS256 but an HMAC signature keyed with ${label}`, jws(RS, admin, hs(256, secret)))
  }

  // 3. Other algorithms, with the genuine RSA key where the algorithm allows it.
  invalid('RS384 with the genuine key', jws({ alg: 'RS384' }, admin, rs(384, privateKey)))
  invalid('RS512 with the genuine key', jws({ alg: 'RS512' }, admin, rs(512, privateKey)))
  invalid('PS256 with the genuine key', jws({ alg: 'PS256' }, admin, ps(256, privateKey)))
  invalid('PS384 with the genuine key', jws({ alg: 'PS384' }, admin, ps(384, privateKey)))
  invalid('PS512 with the genuine key', jws({ alg: 'PS512' }, admin, ps(512, privateKey)))
  invalid('RS256 header, PS256 signature with the genuine key', jws(RS, admin, ps(256, privateKey)))
  invalid('RS256 header, RS512 signature with the genuine key', jws(RS, admin, rs(512, privateKey)))
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ed = generateKeyPairSync('ed25519')
  invalid('ES256 with an attacker EC key', jws({ alg: 'ES256' }, admin, es256(ec.privateKey)))
  invalid('EdDSA with an attacker Ed25519 key', jws({ alg: 'EdDSA' }, admin, eddsa(ed.privateKey)))
  invalid('RS256 header, ES256 signature', jws(RS, admin, es256(ec.privateKey)))

  // 4. Another RSA key, alone or named by header parameters that must never select a key (RFC 8725 §3.10).
  const attackerJwk = await exportJWK(attackerKey)
  const attackerPublicJwk = { kty: attackerJwk.kty, n: attackerJwk.n, e: attackerJwk.e }
  const attackerSpki = createPublicKey(attackerKey).export({ type: 'spki', format: 'der' }).toString('base64')
  const forged = (header: object): string => jws({ alg: 'RS256', typ: 'JWT', ...header }, admin, rs(256, attackerKey))
  invalid('RS256 signed by another RSA key', forged({}))
  invalid('embedded jwk with the attacker key', forged({ jwk: attackerPublicJwk }))
  invalid('embedded jwk with the attacker key and kid', forged({ jwk: { ...attackerPublicJwk, kid: 'k1' }, kid: 'k1' }))
  invalid('jku pointing at an attacker JWK set', forged({ jku: 'https://attacker.example/.well-known/jwks.json' }))
  invalid('jku on the issuer host', forged({ jku: `${issuer}/.well-known/jwks.json` }))
  invalid('x5u pointing at an attacker certificate', forged({ x5u: 'https://attacker.example/cert.pem' }))
  invalid('x5c carrying the attacker key', forged({ x5c: [attackerSpki] }))
  invalid('kid naming an attacker key', forged({ kid: 'attacker-key' }))
  invalid('kid with path traversal', forged({ kid: '../../../../../../dev/null' }))
  invalid('kid with SQL injection', forged({ kid: "x' UNION SELECT 'attacker-key' --" }))
  invalid('HS256 with kid /dev/null and an empty secret', jws({ alg: 'HS256', kid: '/dev/null' }, admin, hs(256, '')))
  invalid('HS256 with kid and a secret of zeros', jws({ alg: 'HS256', kid: '0' }, admin, hs(256, Buffer.alloc(32))))

  // 5. Processing rules we do not implement: refused, never half understood.
  const crit = genuine(admin, { alg: 'RS256', crit: ['exp'] })
  invalid('crit naming a registered claim', crit, genuine(admin))
  invalid('crit naming an unknown extension', genuine(admin, { alg: 'RS256', crit: ['x-ext'], 'x-ext': true }), genuine(admin))
  invalid('crit as an empty list', genuine(admin, { alg: 'RS256', crit: [] }), genuine(admin))
  invalid('b64:false with crit', genuine(admin, { alg: 'RS256', b64: false, crit: ['b64'] }), genuine(admin))
  invalid('b64:false without crit', genuine(admin, { alg: 'RS256', b64: false }), genuine(admin))
  invalid('unencoded payload (RFC 7797) signed by the genuine key', (() => {
    const header = b64url({ alg: 'RS256', b64: false, crit: ['b64'] })
    const payload = JSON.stringify(admin).replaceAll(' ', '\\u0020')
    return `${header}.${payload}.${rs(256, privateKey)(`${header}.${payload}`).toString('base64url')}`
  })())
  invalid('zip:DEF in a JWS header', genuine(admin, { alg: 'RS256', zip: 'DEF' }), genuine(admin))
  invalid('enc in a JWS header', genuine(admin, { alg: 'RS256', enc: 'A256GCM' }), genuine(admin))

  // 6. Signatures: stripped, emptied, swapped, cut, grown, flipped, borrowed.
  const otherValid = genuine(claims({ ...ADMIN, userId: 'u-other' }))
  invalid('signature stripped (empty third segment)', `${adminHeader}.${adminPayload}.`, adminToken)
  invalid('signature and its dot stripped', `${adminHeader}.${adminPayload}`, adminToken)
  invalid('signature of another valid token', `${adminHeader}.${adminPayload}.${otherValid.split('.')[2]}`, adminToken)
  invalid('signature truncated by 3 bytes', `${adminHeader}.${adminPayload}.${adminSignature.slice(0, -4)}`, adminToken)
  invalid('signature truncated to 1 byte', `${adminHeader}.${adminPayload}.${adminSignature.slice(0, 2)}`, adminToken)
  invalid('signature extended by 3 zero bytes', `${adminHeader}.${adminPayload}.${adminSignature}AAAA`, adminToken)
  invalid('signature with a leading zero byte', `${adminHeader}.${adminPayload}.${Buffer.concat([Buffer.alloc(1), Buffer.from(adminSignature, 'base64url')]).toString('base64url')}`, adminToken)
  invalid('signature doubled', `${adminHeader}.${adminPayload}.${Buffer.concat([Buffer.from(adminSignature, 'base64url'), Buffer.from(adminSignature, 'base64url')]).toString('base64url')}`, adminToken)
  invalid('signature with one bit flipped', (() => {
    const bytes = Buffer.from(adminSignature, 'base64url')
    bytes[100] ^= 1
    return `${adminHeader}.${adminPayload}.${bytes.toString('base64url')}`
  })(), adminToken)
  invalid('signature of zeros', `${adminHeader}.${adminPayload}.${Buffer.alloc(256).toString('base64url')}`, adminToken)
  invalid('signature of 0xff bytes', `${adminHeader}.${adminPayload}.${Buffer.alloc(256, 0xff).toString('base64url')}`, adminToken)
  invalid('signature in the header position (segments swapped)', `${adminSignature}.${adminPayload}.${adminHeader}`, adminToken)
  invalid('header and payload swapped', `${adminPayload}.${adminHeader}.${adminSignature}`, adminToken)
  invalid('Member token with its payload raised to Owner, signature kept', (() => {
    const [h, , s] = kit.memberToken.split('.')
    return `${h}.${b64url(claims({ ...MEMBER, orgs: [{ orgId: ORG, orgName: 'Acme Inc', role: 'Owner' }] }))}.${s}`
  })(), adminToken)
  invalid('genuine token with a kid added to its header, signature kept', `${b64url({ ...RS, kid: 'k1' })}.${adminPayload}.${adminSignature}`, adminToken)
  invalid('genuine token with its header re-encoded (key order changed), signature kept', `${b64url({ typ: 'JWT', alg: 'RS256' })}.${adminPayload}.${adminSignature}`, adminToken)

  // 7. JWE (5 segments) and nested tokens (cty: JWT).
  const jwe = await new CompactEncrypt(Buffer.from(JSON.stringify(admin)))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
    .encrypt(publicKey)
  invalid('JWE of valid claims encrypted to the public key', jwe)
  const nestedJwe = await new CompactEncrypt(Buffer.from(adminToken)).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' }).encrypt(publicKey)
  invalid('JWE wrapping a genuine token (cty JWT)', nestedJwe)
  invalid('JWE shape with alg dir', `${b64url({ alg: 'dir', enc: 'A128GCM' })}..${b64url('iv')}.${adminPayload}.${b64url('tag')}`)
  invalid('nested: alg none wrapping a genuine token', jws({ alg: 'none', cty: 'JWT' }, adminToken, noSignature))
  invalid('nested: attacker RS256 wrapping a genuine token', jws({ alg: 'RS256', cty: 'JWT' }, adminToken, rs(256, attackerKey)))
  invalid('nested: genuine RS256 whose payload is a token, not claims', genuine(adminToken, { alg: 'RS256', cty: 'JWT' }))

  // 8. Segment counts.
  invalid('one segment', adminHeader)
  invalid('one segment of valid claims', adminPayload)
  invalid('two segments', `${adminHeader}.${adminPayload}`)
  invalid('four segments (a genuine token plus one)', `${adminToken}.${adminSignature}`, adminToken)
  invalid('four segments (a trailing dot)', `${adminToken}.`, adminToken)
  invalid('empty header segment', `.${adminPayload}.${adminSignature}`)
  invalid('empty payload segment', `${adminHeader}..${adminSignature}`)
  invalid('only dots', '..')
  invalid('six segments', `${adminToken}.${adminToken.split('.').slice(0, 2).join('.')}`)

  // 9. Base64url that is not canonical.
  const padded = (segment: string): string => segment + '='.repeat((4 - segment.length % 4) % 4)
  invalid('signature with = padding', `${adminHeader}.${adminPayload}.${padded(adminSignature)}`, adminToken)
  const unusedBitsHeader = b64url(withUnusedBits(RS))
  const canonical = `${unusedBitsHeader}.${adminPayload}`
  const canonicalToken = `${canonical}.${rs(256, privateKey)(canonical).toString('base64url')}`
  invalid('header with = padding', `${padded(unusedBitsHeader)}.${adminPayload}.${rs(256, privateKey)(`${padded(unusedBitsHeader)}.${adminPayload}`).toString('base64url')}`, canonicalToken)
  const standard = adminToken.replaceAll('-', '+').replaceAll('_', '/')
  if (standard === adminToken) throw new Error('corpus: the admin token has no - or _ to turn into + or /')
  invalid('standard base64 alphabet (+ and /)', standard, adminToken)
  invalid('non-canonical last character of the signature', `${adminHeader}.${adminPayload}.${nonCanonicalLastChar(adminSignature)}`, adminToken)
  invalid('non-canonical last character of the header, genuinely signed', (() => {
    const header = nonCanonicalLastChar(unusedBitsHeader)
    return `${header}.${adminPayload}.${rs(256, privateKey)(`${header}.${adminPayload}`).toString('base64url')}`
  })(), canonicalToken)
  invalid('a % in a segment', `${adminHeader}.${adminPayload}%3D.${adminSignature}`, adminToken)
  invalid('a * in a segment', `${adminHeader}*.${adminPayload}.${adminSignature}`, adminToken)
  rows.push({ name: 'a space inside the token', url: `/org/${ORG}/admin`, authorization: `Bearer ${adminHeader}.${adminPayload} .${adminSignature}`, status: 401, code: MALFORMED, control: `Bearer ${adminToken}` })

  const org = (overrides: Record<string, unknown>): Record<string, unknown> =>
    ({ ...(claims(MEMBER).org_id_to_org_member_info as Record<string, Record<string, unknown>>)[ORG], ...overrides })

  // 10. Duplicated names (RFC 8725 §3.1 / RFC 7515 §4): JSON.parse would keep the last.
  const adminJson = JSON.stringify(admin).slice(1)
  const dup = (name: string, raw: string): void => invalid(name, genuine(raw), genuine(admin))
  dup('iss twice, wrong one first', `{"iss":"https://attacker.example",${adminJson}`)
  dup('iss twice, right one first', `{${JSON.stringify(admin).slice(1, -1)},"iss":"https://attacker.example"}`)
  dup('iss twice, second spelled "\\u0069ss"', `{"\\u0069ss":"https://attacker.example",${adminJson}`)
  dup('user_id twice, second spelled "user\\u005fid"', `{${JSON.stringify(admin).slice(1, -1)},"user\\u005fid":"u-victim"}`)
  dup('exp twice', `{"exp":1,${adminJson}`)
  dup('user_role twice in an org', JSON.stringify(claims(MEMBER)).replace('"user_role":"Member"', '"user_role":"Member","user_role":"Owner"'))
  const memberClaimsNoOrgs = JSON.stringify({ ...claims(MEMBER), org_id_to_org_member_info: undefined }).slice(1, -1)
  const adminOrg = JSON.stringify(org({ user_role: 'Admin', inherited_user_roles_plus_current_role: ['Admin', 'Member'], user_permissions: ['can_view_billing'] }))
  dup('an org id twice in org_id_to_org_member_info', `{${memberClaimsNoOrgs},"org_id_to_org_member_info":{${JSON.stringify(ORG)}:${JSON.stringify(org({}))},${JSON.stringify(ORG)}:${adminOrg}}}`)
  invalid('alg twice in the header, none first', genuine(admin, '{"alg":"none","alg":"RS256"}'), genuine(admin))
  invalid('alg twice in the header, escaped', genuine(admin, '{"alg":"RS256","\\u0061lg":"RS256"}'), genuine(admin))
  invalid('alg only inside a "__proto__" header member', genuine(admin, '{"__proto__":{"alg":"RS256"},"typ":"JWT"}'), genuine(admin))
  invalid('iss and exp only inside a "__proto__" claim', genuine(`{"__proto__":{"iss":${JSON.stringify(issuer)},"exp":${admin.exp as number}},${JSON.stringify({ ...admin, iss: undefined, exp: undefined }).slice(1)}`), genuine(admin))
  dup('"__proto__" twice in the claims', `{"__proto__":{},"__proto__":{"x":1},${adminJson}`)

  // 11. Oversized tokens and headers (the HTTP limit itself is tested over a socket).
  invalid('a 70 KiB token', genuine({ ...admin, filler: 'x'.repeat(70 * 1024) }))
  invalid('a header nested 15000 arrays deep', `${b64url('['.repeat(15000) + ']'.repeat(15000))}.${adminPayload}.${adminSignature}`)
  invalid('a header with 3000 members', `${b64url(Object.fromEntries([['alg', 'RS256'], ...Array.from({ length: 3000 }, (_, i) => [`m${i}`, i])]))}.${adminPayload}.${adminSignature}`)

  // 12. Control characters and bytes that are not UTF-8.
  for (const [label, char] of [['NUL', '\u0000'], ['DEL', '\u007f'], ['a newline', '\n'], ['a tab', '\t'], ['é', 'é'], ['a zero-width space', '\u200b'], ['a BOM', '\ufeff']]) {
    invalid(`${label} inside the token`, `${adminHeader}.${adminPayload}${char}.${adminSignature}`, adminToken)
  }
  invalid('NUL at the end of the token', `${adminToken}\u0000`, adminToken)
  invalid('header bytes that are not UTF-8', `${b64url(Buffer.from([0x7b, 0x22, 0x61, 0x6c, 0x67, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))}.${adminPayload}.${adminSignature}`)
  const withEmail = (email: Buffer): Buffer => Buffer.concat([Buffer.from(JSON.stringify({ ...admin, email: 'PLACEHOLDER' }).split('PLACEHOLDER')[0]), email, Buffer.from(JSON.stringify({ ...admin, email: 'PLACEHOLDER' }).split('PLACEHOLDER')[1])])
  invalid('claims with an invalid UTF-8 byte, genuinely signed', genuine(withEmail(Buffer.from([0x61, 0xff, 0x62]))), genuine(withEmail(Buffer.from('ab'))))
  invalid('claims with an overlong UTF-8 quote, genuinely signed', genuine(withEmail(Buffer.from([0x61, 0xc0, 0xa2, 0x62]))), genuine(withEmail(Buffer.from('ab'))))
  invalid('claims with a UTF-8 BOM, genuinely signed', genuine(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(admin))])), genuine(admin))

  // 13. Issuer and time claims, genuinely signed.
  const host = new URL(issuer).host
  for (const [label, iss] of [
    ['iss with a trailing slash', `${issuer}/`], ['iss over http', issuer.replace('https:', 'http:')],
    ['iss in upper case', issuer.toUpperCase()], ['iss with the host in upper case', issuer.replace(host, host.toUpperCase())],
    ['iss with :443', `${issuer}:443`], ['iss with a path', `${issuer}/api`], ['iss with a space', ` ${issuer}`],
    ['iss of another project', 'https://auth.attacker.example'], ['iss as an array', [issuer]], ['iss null', null],
    ['iss missing', undefined], ['iss as a number', 1]
  ] as Array<[string, unknown]>) {
    invalid(label, genuine(claims({ ...ADMIN, claims: { iss } })), adminToken)
  }
  const now = Math.floor(Date.now() / 1000)
  for (const [label, exp] of [
    ['exp missing', undefined], ['exp as a numeric string', String(now + 3600)], ['exp null', null], ['exp as an array', [now + 3600]],
    ['exp as true', true], ['exp as an object', { value: now + 3600 }]
  ] as Array<[string, unknown]>) {
    invalid(label, genuine({ ...admin, exp }), adminToken)
  }
  invalid('exp of 1e400 (Infinity)', genuine(JSON.stringify(admin).replace(/"exp":\d+/, '"exp":1e400')), adminToken)
  invalid('nbf an hour ahead', genuine({ ...admin, nbf: now + 3600 }), adminToken)
  invalid('nbf as a string', genuine({ ...admin, nbf: String(now - 10) }), adminToken)
  invalid('iat as a string', genuine({ ...admin, iat: String(now) }), adminToken)
  for (const [label, exp] of [['exp a minute ago', now - 60], ['exp now', now], ['exp at 0', 0], ['exp negative', -1]] as const) {
    rows.push({ name: label, url: `/org/${ORG}/admin`, authorization: `Bearer ${genuine({ ...admin, exp })}`, status: 401, code: EXPIRED, control: `Bearer ${adminToken}` })
  }

  // 14. Claims of the wrong shape, genuinely signed: refused, not half mapped.
  const memberWith = (overrides: Record<string, unknown>): string =>
    genuine({ ...claims(MEMBER), org_id_to_org_member_info: { [ORG]: org(overrides) } })
  for (const [label, overrides, url] of [
    ['user_permissions as a string containing the permission', { user_permissions: 'can_view_billing' }, `/org/${ORG}/billing`],
    ['user_permissions as an array-like object', { user_permissions: { 0: 'can_view_billing', length: 1 } }, `/org/${ORG}/billing`],
    ['user_permissions with a number', { user_permissions: ['can_read', 1] }, `/org/${ORG}/billing`],
    ['user_permissions with a nested array', { user_permissions: [['can_view_billing']] }, `/org/${ORG}/billing`],
    ['inherited roles as a string containing Admin', { inherited_user_roles_plus_current_role: 'Member,Admin' }, `/org/${ORG}/admin`],
    ['inherited roles null', { inherited_user_roles_plus_current_role: null }, `/org/${ORG}/admin`],
    ['user_role as an array', { user_role: ['Admin'] }, `/org/${ORG}/exact-admin`],
    ['user_role as an object', { user_role: { toString: 'Admin' } }, `/org/${ORG}/exact-admin`],
    ['additional_roles as a string', { org_role_structure: 'multi_role', additional_roles: 'Admin' }, `/org/${ORG}/exact-admin`],
    ['org_role_structure as a number', { org_role_structure: 1 }, `/org/${ORG}/admin`],
    ['org_metadata as a string', { org_metadata: 'x' }, `/org/${ORG}/member`],
    ['org_id as a number', { org_id: 1 }, `/org/${ORG}/member`],
    ['org_id differing from its key', { org_id: OTHER_ORG }, `/org/${ORG}/member`]
  ] as Array<[string, Record<string, unknown>, string]>) {
    invalid(label, memberWith(overrides), undefined, url)
  }
  for (const [label, overrides] of [
    ['user_id missing', { user_id: undefined }], ['user_id empty', { user_id: '' }], ['user_id as a number', { user_id: 7 }],
    ['user_id as an object', { user_id: { id: 'u-admin' } }], ['org_id_to_org_member_info as an array', { org_id_to_org_member_info: [org({})] }],
    ['an org entry as a string', { org_id_to_org_member_info: { [ORG]: 'Admin' } }], ['org_member_info as a string', { org_member_info: ORG }],
    ['email missing', { email: undefined }], ['email as a number', { email: 1 }], ['properties as an array', { properties: [] }], ['login_method as a string', { login_method: 'password' }]
  ] as Array<[string, Record<string, unknown>]>) {
    invalid(label, genuine({ ...admin, ...overrides }), adminToken, `/org/${ORG}/member`)
  }

  // 15. Org and role escalation with valid tokens: 403, never 200.
  const member = kit.memberToken
  const forbidden = (name: string, url: string, token: string, code: string, headers?: Record<string, string>): void => {
    rows.push({ name, url, authorization: `Bearer ${token}`, headers, status: 403, code })
  }
  forbidden('Member on a minimum-Admin route', `/org/${ORG}/admin`, member, 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
  forbidden('Member on an exact-Admin route', `/org/${ORG}/exact-admin`, member, 'FST_PROPELAUTH_WRONG_ROLE')
  forbidden('Member on a permission route', `/org/${ORG}/billing`, member, 'FST_PROPELAUTH_MISSING_PERMISSION')
  forbidden('Admin on an all-permissions route needing Owner\'s', `/org/${ORG}/manage`, adminToken, 'FST_PROPELAUTH_MISSING_PERMISSION')
  forbidden('Admin of another org', `/org/${ORG}/member`, genuine(claims({ ...ADMIN, orgs: [{ orgId: OTHER_ORG, orgName: 'Other', role: 'Owner' }] })), 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  forbidden('user in no org', `/org/${ORG}/member`, genuine(claims({ userId: 'u-none' })), 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  forbidden('single-role Member holding Admin as an additional role', `/org/${ORG}/admin`,
    memberWith({ additional_roles: ['Admin', 'Owner'] }), 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
  forbidden('single-role Member holding Admin as an additional role, exact route', `/org/${ORG}/exact-admin`,
    memberWith({ additional_roles: ['Admin'] }), 'FST_PROPELAUTH_WRONG_ROLE')
  forbidden('multi-role Member listing Admin only among inherited roles', `/org/${ORG}/admin`,
    memberWith({ org_role_structure: 'multi_role', inherited_user_roles_plus_current_role: ['Owner', 'Admin', 'Member'] }), 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
  forbidden('unknown role structure with Admin as an additional role', `/org/${ORG}/exact-admin`,
    memberWith({ org_role_structure: 'MULTI_ROLE', additional_roles: ['Admin'] }), 'FST_PROPELAUTH_WRONG_ROLE')
  forbidden('active-org token for another org, Admin of the org in its ignored map', `/org/${ORG}/member`, genuine({
    ...admin,
    org_member_info: { ...org({}), org_id: OTHER_ORG, org_name: 'Other', url_safe_org_name: 'other' }
  }), 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  forbidden('org named "__proto__" in the claims, Admin there', `/org/${ORG}/admin`, genuine({
    ...claims(MEMBER),
    org_id_to_org_member_info: JSON.parse(`{"__proto__":${JSON.stringify(org({ org_id: '__proto__', user_role: 'Owner', inherited_user_roles_plus_current_role: ['Owner', 'Admin', 'Member'] }))},${JSON.stringify(ORG)}:${JSON.stringify(org({}))}}`)
  }), 'FST_PROPELAUTH_INSUFFICIENT_ROLE')
  forbidden('a top-level "__proto__" claim carrying an Admin org map', `/org/${ORG}/admin`, genuine(
    `{"__proto__":{"org_id_to_org_member_info":${JSON.stringify({ [ORG]: org({ user_role: 'Admin', inherited_user_roles_plus_current_role: ['Admin', 'Member'] }) })}},${JSON.stringify(claims({ userId: 'u-none' })).slice(1)}`
  ), 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  for (const orgId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'prototype',
    '%5F%5Fproto%5F%5F', '__proto__%2Fx', 'constructor%00', ORG.toUpperCase(), ` ${ORG}`.replace(' ', '%20')]) {
    forbidden(`orgId ${JSON.stringify(orgId)} in the route`, `/org/${orgId}/admin`, adminToken, 'FST_PROPELAUTH_NOT_ORG_MEMBER')
  }
  for (const orgId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    forbidden(`orgId ${JSON.stringify(orgId)} from a header extractor`, '/by-header', adminToken, 'FST_PROPELAUTH_NOT_ORG_MEMBER', { 'x-org-id': orgId })
  }
  forbidden('no org id at all from the extractor', '/by-header', adminToken, 'FST_PROPELAUTH_NOT_ORG_MEMBER')

  // 16. The Authorization header itself.
  const header = (name: string, authorization: string | undefined, code: string, url = '/user'): void => {
    rows.push({ name, url, authorization, status: 401, code })
  }
  header('no Authorization header', undefined, MISSING)
  header('empty Authorization header', '', MISSING)
  header('Basic credentials', 'Basic dXNlcjpwYXNz', MISSING)
  header('a bare genuine token, no scheme', adminToken, MISSING)
  header('Token scheme with a genuine token', `Token ${adminToken}`, MISSING)
  header('Bearer spelled with a Cyrillic e', `B\u0435arer ${adminToken}`, MISSING)
  header('Bearer alone', 'Bearer', MALFORMED)
  header('Bearer and a space', 'Bearer ', MALFORMED)
  header('Bearer glued to the token', `Bearer${adminToken}`, MALFORMED)
  header('two spaces after Bearer', `Bearer  ${adminToken}`, MALFORMED)
  header('a tab after Bearer', `Bearer\t${adminToken}`, MALFORMED)
  header('two tokens', `Bearer ${adminToken} ${adminToken}`, MALFORMED)
  header('Bearer twice', `Bearer Bearer ${adminToken}`, MALFORMED)
  header('a trailing space', `Bearer ${adminToken} `, MALFORMED)
  header('Bearer null', 'Bearer null', INVALID)
  header('Bearer undefined', 'Bearer undefined', INVALID)

  kit.tokens.push(adminToken, kit.memberToken, otherValid, jwe, nestedJwe, canonicalToken)
  for (const row of rows) {
    for (const value of [row.authorization, row.control]) {
      if (value !== undefined && value.length > 20) kit.tokens.push(value.replace(/^\S+ /, ''))
    }
  }
  return rows
}
