import { test } from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import Fastify from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../index.js'
import { Transport } from '../lib/api/transport.js'
import { DEFAULT_CACHE_MAX, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from '../lib/options/plugin-options.js'
import { resolveOptions } from '../lib/options/resolve-options.js'
import { createTestAuth, createTestKeyPair } from '../lib/testing/index.js'
import { metadata, startFakeBackend } from './helpers/fake-backend.js'
import { readyError } from './helpers/ready-error.js'
import { sharedKeyPair } from './helpers/shared-key-pair.js'

// A recognisable key: no error message may ever contain it.
const API_KEY = 'pa_test_5f1d0c9e7b3a4e2d9c8b7a6f5e4d3c2b'

const { publicKeyPem } = await createTestKeyPair()
const pkcs1Pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const shortRsaPem = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()

// Valid options the bad ones are built from. `apiBaseUrl` points at a closed port,
// so a bad option that were wrongly accepted would fail on the network, not pass.
const base = { authUrl: 'https://auth.example.com', apiKey: API_KEY, apiBaseUrl: 'http://127.0.0.1:9', retries: 0 }
const withKey = { authUrl: 'https://auth.example.com', tokenVerificationMetadata: { verifierKey: publicKeyPem } }

const badOptions: Array<{ name: string, options: Record<string, unknown>, says: RegExp }> = [
  { name: 'authUrl missing', options: { apiKey: API_KEY }, says: /`authUrl` is required/ },
  { name: 'authUrl not a URL (PropelAuth test case 1)', options: { ...base, authUrl: 'not.a.url' }, says: /`authUrl` must be an absolute URL.*"not\.a\.url"/ },
  { name: 'authUrl without scheme', options: { ...base, authUrl: 'auth.example.com' }, says: /`authUrl` must be an absolute URL/ },
  { name: 'authUrl not http(s)', options: { ...base, authUrl: 'ftp://auth.example.com' }, says: /`authUrl` must be an http or https URL/ },
  { name: 'authUrl a number', options: { ...base, authUrl: 42 }, says: /`authUrl` is required.*got 42/ },
  { name: 'authUrl with credentials', options: { ...base, authUrl: `ftp://user:${API_KEY}@auth.example.com` }, says: /`authUrl` must not contain credentials/ },
  { name: 'authUrl is the API key (swapped arguments)', options: { ...base, authUrl: API_KEY }, says: /`authUrl` must be an absolute URL.*contains the `apiKey`/ },
  { name: 'apiKey empty', options: { ...base, apiKey: '' }, says: /`apiKey` must be a non-empty string/ },
  { name: 'apiKey blank', options: { ...base, apiKey: '   ' }, says: /`apiKey` must be a non-empty string/ },
  { name: 'apiKey a number', options: { ...base, apiKey: 12345 }, says: /`apiKey` must be a non-empty string/ },
  { name: 'apiKey with an inner space', options: { ...base, apiKey: `${API_KEY} ${API_KEY}` }, says: /`apiKey` must be printable ASCII/ },
  { name: 'apiKey with a control character', options: { ...base, apiKey: `${API_KEY}\u0000` }, says: /`apiKey` must be printable ASCII/ },
  { name: 'neither apiKey nor tokenVerificationMetadata', options: { authUrl: 'https://auth.example.com' }, says: /`apiKey` \(or the environment variable PROPELAUTH_API_KEY\) is required to fetch the token verification key.*`tokenVerificationMetadata`/ },
  { name: 'tokenVerificationMetadata a string', options: { ...withKey, tokenVerificationMetadata: publicKeyPem }, says: /`tokenVerificationMetadata` must be \{ verifierKey, issuer \}/ },
  { name: 'verifierKey missing', options: { ...withKey, tokenVerificationMetadata: { issuer: 'https://auth.example.com' } }, says: /`tokenVerificationMetadata\.verifierKey` must be the PEM public key/ },
  { name: 'verifierKey not PEM', options: { ...withKey, tokenVerificationMetadata: { verifierKey: 'MIIBIjANBgkq' } }, says: /`tokenVerificationMetadata\.verifierKey` must be the PEM public key/ },
  { name: 'verifierKey PKCS#1', options: { ...withKey, tokenVerificationMetadata: { verifierKey: pkcs1Pem } }, says: /`tokenVerificationMetadata\.verifierKey` is not an SPKI PEM public key.*PKCS#1.*openssl rsa -RSAPublicKey_in -pubout/ },
  { name: 'verifierKey garbled', options: { ...withKey, tokenVerificationMetadata: { verifierKey: '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----' } }, says: /`tokenVerificationMetadata\.verifierKey` is not a readable PEM public key/ },
  { name: 'verifierKey an EC key', options: { ...withKey, tokenVerificationMetadata: { verifierKey: ecPem } }, says: /`tokenVerificationMetadata\.verifierKey` is a ec key; PropelAuth signs with RSA/ },
  { name: 'verifierKey a 1024-bit RSA key', options: { ...withKey, tokenVerificationMetadata: { verifierKey: shortRsaPem } }, says: /`tokenVerificationMetadata\.verifierKey` is a 1024-bit RSA key; RS256 needs at least 2048 bits/ },
  { name: 'issuer empty', options: { ...withKey, tokenVerificationMetadata: { verifierKey: publicKeyPem, issuer: '' } }, says: /`tokenVerificationMetadata\.issuer` must be a non-empty string/ },
  { name: 'issuer a number', options: { ...withKey, tokenVerificationMetadata: { verifierKey: publicKeyPem, issuer: 7 } }, says: /`tokenVerificationMetadata\.issuer` must be a non-empty string.*got 7/ },
  { name: 'tokenVerificationMetadata with a misspelt member', options: { ...withKey, tokenVerificationMetadata: { verifierKey: publicKeyPem, isuer: 'https://auth.example.com' } }, says: /unknown option `tokenVerificationMetadata\.isuer`/ },
  { name: 'apiBaseUrl not a URL', options: { ...base, apiBaseUrl: 'propelauth-api.com' }, says: /`apiBaseUrl` must be an absolute URL/ },
  { name: 'apiBaseUrl not http(s)', options: { ...base, apiBaseUrl: 'file:///etc/passwd' }, says: /`apiBaseUrl` must be an http or https URL/ },
  { name: 'authUrl plain http off loopback', options: { ...base, authUrl: 'http://auth.example.com' }, says: /`authUrl` must use https \(got "http:\/\/auth\.example\.com"\); plain http is accepted only on loopback \(localhost, 127\.0\.0\.0\/8, \[::1\]\), or elsewhere with `allowInsecureHttp: true`/ },
  { name: 'apiBaseUrl plain http off loopback', options: { ...base, apiBaseUrl: 'http://propelauth-api.com' }, says: /`apiBaseUrl` must use https \(got "http:\/\/propelauth-api\.com"\)/ },
  { name: 'apiBaseUrl plain http on a private address', options: { ...base, apiBaseUrl: 'http://10.0.0.7:8080' }, says: /`apiBaseUrl` must use https \(got "http:\/\/10\.0\.0\.7:8080"\)/ },
  { name: 'apiBaseUrl plain http whose name starts like loopback', options: { ...base, apiBaseUrl: 'http://localhost.attacker.example' }, says: /`apiBaseUrl` must use https/ },
  { name: 'apiBaseUrl plain http whose host is the API key', options: { ...base, apiBaseUrl: `http://${API_KEY.replaceAll('_', '-')}.example`, apiKey: API_KEY.replaceAll('_', '-') }, says: /`apiBaseUrl` must use https \(got a string that contains the `apiKey`\)/ },
  { name: 'allowInsecureHttp a string', options: { ...base, allowInsecureHttp: 'yes' }, says: /`allowInsecureHttp` must be a boolean \(got "yes"\)/ },
  { name: 'apiBaseUrl with credentials', options: { ...base, apiBaseUrl: `https://${API_KEY}@propelauth-api.com` }, says: /`apiBaseUrl` must not contain credentials/ },
  { name: 'decorator not an identifier', options: { ...withKey, decorator: 'propel-auth' }, says: /`decorator` must be a JavaScript identifier.*"propel-auth"/ },
  { name: 'decorator empty', options: { ...withKey, decorator: '' }, says: /`decorator` must be a JavaScript identifier/ },
  { name: 'decorator a number', options: { ...withKey, decorator: 1 }, says: /`decorator` must be a JavaScript identifier/ },
  { name: 'requestDecorators a string', options: { ...withKey, requestDecorators: 'propelAuthUser' }, says: /`requestDecorators` must be \{ user, org \}.*e\.g\. \{ user: 'propelAuthUser', org: 'propelAuthOrg' \}.*got "propelAuthUser"/ },
  { name: 'requestDecorators.user not an identifier', options: { ...withKey, requestDecorators: { user: 'propel-auth-user' } }, says: /`requestDecorators\.user` must be a JavaScript identifier such as "propelAuthUser".*"propel-auth-user"/ },
  { name: 'requestDecorators.org empty', options: { ...withKey, requestDecorators: { org: '' } }, says: /`requestDecorators\.org` must be a JavaScript identifier such as "propelAuthOrg"/ },
  { name: 'requestDecorators.user a number', options: { ...withKey, requestDecorators: { user: 1 } }, says: /`requestDecorators\.user` must be a JavaScript identifier/ },
  { name: 'requestDecorators with one name for both', options: { ...withKey, requestDecorators: { user: 'member', org: 'member' } }, says: /`requestDecorators\.user` and `requestDecorators\.org` must be two different names \(both are "member"\)/ },
  { name: 'requestDecorators org defaulting onto user', options: { ...withKey, requestDecorators: { user: 'org' } }, says: /must be two different names \(both are "org"\)/ },
  { name: 'requestDecorators with a misspelt member', options: { ...withKey, requestDecorators: { users: 'propelAuthUser' } }, says: /unknown option `requestDecorators\.users`; requestDecorators takes user, org/ },
  { name: 'clockTolerance negative', options: { ...withKey, clockTolerance: -1 }, says: /`clockTolerance` must be a finite number of seconds, from 0 to 300 \(got -1\)/ },
  { name: 'clockTolerance beyond a few minutes', options: { ...withKey, clockTolerance: 301 }, says: /`clockTolerance` must be a finite number of seconds, from 0 to 300 \(got 301\); more leeway than a few minutes keeps expired tokens working/ },
  { name: 'clockTolerance absurd', options: { ...withKey, clockTolerance: 1e12 }, says: /`clockTolerance` must be a finite number of seconds, from 0 to 300 \(got 1000000000000\)/ },
  { name: 'clockTolerance a string', options: { ...withKey, clockTolerance: '30s' }, says: /`clockTolerance` must be a finite number of seconds/ },
  { name: 'clockTolerance NaN', options: { ...withKey, clockTolerance: Number.NaN }, says: /`clockTolerance` must be a finite number/ },
  { name: 'cache a string', options: { ...withKey, cache: 'lru' }, says: /`cache` must be false or \{ max: <entries> \}/ },
  { name: 'cache null', options: { ...withKey, cache: null }, says: /`cache` must be false or \{ max: <entries> \}/ },
  { name: 'cache.max 0', options: { ...withKey, cache: { max: 0 } }, says: /`cache\.max` must be a whole number of entries, 1 or more; use cache: false/ },
  { name: 'cache.max fractional', options: { ...withKey, cache: { max: 1.5 } }, says: /`cache\.max` must be a whole number/ },
  { name: 'cache with a misspelt member', options: { ...withKey, cache: { maxSize: 10 } }, says: /unknown option `cache\.maxSize`; cache takes max/ },
  { name: 'timeout 0', options: { ...base, timeout: 0 }, says: /`timeout` must be a whole number of milliseconds from 1 to 2147483647.*got 0/ },
  { name: 'timeout negative', options: { ...base, timeout: -5 }, says: /`timeout` must be a whole number of milliseconds from 1/ },
  { name: 'timeout fractional', options: { ...base, timeout: 1.5 }, says: /`timeout` must be a whole number/ },
  { name: 'timeout beyond what timers allow', options: { ...base, timeout: 2 ** 31 }, says: /`timeout` must be a whole number of milliseconds from 1 to 2147483647/ },
  { name: 'retries negative', options: { ...base, retries: -1 }, says: /`retries` must be a whole number of attempts from 0 to 10/ },
  { name: 'retries unbounded', options: { ...base, retries: 1000 }, says: /`retries` must be a whole number of attempts from 0 to 10.*got 1000/ },
  { name: 'retries fractional', options: { ...base, retries: 0.5 }, says: /`retries` must be a whole number/ },
  { name: 'keyRefreshCooldown negative', options: { ...base, keyRefreshCooldown: -60 }, says: /`keyRefreshCooldown` must be a finite number of seconds, 1 or more \(got -60\)/ },
  { name: 'keyRefreshCooldown 0', options: { ...base, keyRefreshCooldown: 0 }, says: /`keyRefreshCooldown` must be a finite number of seconds, 1 or more \(got 0\); a shorter cooldown lets forged tokens make PropelAuth fetch the key over and over/ },
  { name: 'keyRefreshCooldown below a second', options: { ...base, keyRefreshCooldown: 0.5 }, says: /`keyRefreshCooldown` must be a finite number of seconds, 1 or more \(got 0\.5\)/ },
  { name: 'keyRefreshCooldown infinite', options: { ...base, keyRefreshCooldown: Number.POSITIVE_INFINITY }, says: /`keyRefreshCooldown` must be a finite number/ },
  { name: 'apiKeyCache.invalidTtl beyond a minute', options: { ...withKey, apiKeyCache: { invalidTtl: 61 } }, says: /`apiKeyCache\.invalidTtl` must be a whole number of seconds from 0 to 60 \(got 61\)/ },
  { name: 'apiKeyValidation not an object', options: { ...withKey, apiKeyValidation: 10 }, says: /`apiKeyValidation` must be \{ concurrency: <calls>, maxQueued: <requests> \} \(got 10\)/ },
  { name: 'apiKeyValidation.concurrency 0', options: { ...withKey, apiKeyValidation: { concurrency: 0 } }, says: /`apiKeyValidation\.concurrency` must be a whole number of calls from 1 to 1000 \(got 0\)/ },
  { name: 'apiKeyValidation.concurrency fractional', options: { ...withKey, apiKeyValidation: { concurrency: 2.5 } }, says: /`apiKeyValidation\.concurrency` must be a whole number/ },
  { name: 'apiKeyValidation.maxQueued negative', options: { ...withKey, apiKeyValidation: { maxQueued: -1 } }, says: /`apiKeyValidation\.maxQueued` must be a whole number of requests from 0 to 100000 \(got -1\)/ },
  { name: 'apiKeyValidation.maxQueued unbounded', options: { ...withKey, apiKeyValidation: { maxQueued: Number.POSITIVE_INFINITY } }, says: /`apiKeyValidation\.maxQueued` must be a whole number of requests from 0 to 100000/ },
  { name: 'apiKeyValidation with a misspelt member', options: { ...withKey, apiKeyValidation: { concurency: 4 } }, says: /unknown option `apiKeyValidation\.concurency`; apiKeyValidation takes concurrency, maxQueued/ },
  { name: 'openapi a string', options: { ...withKey, openapi: 'on' }, says: /`openapi` must be a boolean or \{ securitySchemeName, annotateRoutes \}/ },
  { name: 'openapi.securitySchemeName with a space', options: { ...withKey, openapi: { securitySchemeName: 'bearer auth' } }, says: /`openapi\.securitySchemeName` must match/ },
  { name: 'openapi.annotateRoutes not a boolean', options: { ...withKey, openapi: { annotateRoutes: 'yes' } }, says: /`openapi\.annotateRoutes` must be a boolean/ },
  { name: 'unknown option (a typo)', options: { ...withKey, clocktolerance: 30 }, says: /unknown option `clocktolerance`; fastify-propelauth takes authUrl, apiKey/ }
]

test('each bad option fails ready() with FST_PROPELAUTH_INVALID_OPTION naming the option, never echoing the API key', async (t) => {
  for (const { name, options, says } of badOptions) {
    const error = await readyError(options)
    t.equal(error.code, 'FST_PROPELAUTH_INVALID_OPTION', `${name}: code`)
    t.match(error.message, /^fastify-propelauth: /, `${name}: says which plugin`)
    t.match(error.message, says, `${name}: names the option and what it expects`)
    t.notOk(error.message.includes(API_KEY), `${name}: the API key is not in the message`)
    t.notOk(String(error.stack).includes(API_KEY), `${name}: the API key is not in the stack`)
  }
})

test('options: defaults and normalisation', async (t) => {
  const resolved = resolveOptions({ authUrl: 'https://auth.example.com', apiKey: API_KEY })
  t.equal(resolved.issuer, 'https://auth.example.com', 'issuer: the auth URL origin')
  t.equal(resolved.authHostname, 'auth.example.com', 'X-Propelauth-url: the hostname')
  t.equal(resolved.apiBaseUrl, 'https://propelauth-api.com')
  t.equal(resolved.decorator, 'auth')
  t.same(resolved.requestDecorators, { user: 'user', org: 'org' })
  t.same(resolveOptions({ authUrl: 'https://a.example', apiKey: API_KEY, requestDecorators: { user: 'propelAuthUser' } }).requestDecorators, { user: 'propelAuthUser', org: 'org' }, 'one renamed, the other kept')
  t.equal(resolved.clockTolerance, 0)
  t.equal(resolved.cacheMax, DEFAULT_CACHE_MAX)
  t.equal(resolved.timeout, DEFAULT_TIMEOUT_MS)
  t.equal(resolved.retries, DEFAULT_RETRIES)
  t.equal(resolved.keyRefreshCooldown, 60)
  t.same(resolved.openapi, { enabled: true, securitySchemeName: 'propelauth' })

  // PropelAuth test case 2 (docs/propelauth-compatibility.md): a trailing slash (or any path) in the auth URL is ignored.
  const slash = resolveOptions({ authUrl: 'http://localhost:3000/some/path/?q=1', apiKey: API_KEY })
  t.equal(slash.issuer, 'http://localhost:3000', 'issuer is URL.origin: scheme kept, path dropped, port kept')
  t.equal(slash.authHostname, 'localhost', 'header host has no port, as the Node library sends it')

  t.equal(resolveOptions({ authUrl: 'https://auth.example.com:443/', apiKey: API_KEY }).issuer, 'https://auth.example.com', 'default port dropped')
  t.equal(resolveOptions({ authUrl: 'https://a.example', apiKey: API_KEY, apiBaseUrl: 'http://127.0.0.1:4000/base//' }).apiBaseUrl, 'http://127.0.0.1:4000/base', 'trailing slashes of apiBaseUrl dropped')
  t.equal(resolveOptions({ authUrl: 'https://a.example', apiKey: `  ${API_KEY}\n` }).apiKey, API_KEY, 'a key read from a file loses its newline, as fetch would drop it')
  t.equal(resolveOptions({ ...withKey, cache: false }).cacheMax, 0, 'cache: false turns the cache off')
  t.equal(resolveOptions({ ...withKey, cache: { max: 5 } }).cacheMax, 5)
  t.equal(resolveOptions({ ...withKey, cache: {} }).cacheMax, DEFAULT_CACHE_MAX)
  t.equal(resolveOptions({ ...base, timeout: 1 }).timeout, 1, 'timeout: 1 ms is the least')
  t.equal(resolveOptions({ ...base, retries: 0 }).retries, 0, 'retries: 0 means one attempt')
  t.equal(resolveOptions({ ...base, keyRefreshCooldown: 1 }).keyRefreshCooldown, 1, 'keyRefreshCooldown: 1 s is the least')
  t.equal(resolveOptions({ ...withKey, clockTolerance: 2.5 }).clockTolerance, 2.5)
  t.equal(resolveOptions({ ...withKey, clockTolerance: 300 }).clockTolerance, 300, 'clockTolerance: 300 s is the most')
  t.same(resolved.apiKeyCache, { max: 1000, ttl: 30, invalidTtl: 5 })
  t.same(resolved.apiKeyValidation, { concurrency: 10, maxQueued: 1000 })
  t.same(resolveOptions({ ...withKey, apiKeyCache: false }).apiKeyCache, { max: 0, ttl: 0, invalidTtl: 0 }, 'apiKeyCache: false remembers neither answer')
  t.same(resolveOptions({ ...withKey, apiKeyCache: { invalidTtl: 0 } }).apiKeyCache, { max: 1000, ttl: 30, invalidTtl: 0 }, 'invalidTtl: 0 asks again about every refused key')
  t.same(resolveOptions({ ...withKey, apiKeyValidation: { concurrency: 1, maxQueued: 0 } }).apiKeyValidation, { concurrency: 1, maxQueued: 0 })
  t.same(resolved.warnings, [], 'https needs no warning')
  t.equal(resolveOptions({ ...withKey, openapi: false }).openapi.enabled, false)

  const metadataIssuer = resolveOptions({ ...withKey, tokenVerificationMetadata: { verifierKey: publicKeyPem, issuer: 'https://issuer.example.com/' } })
  t.equal(metadataIssuer.issuer, 'https://issuer.example.com/', 'a configured issuer is kept exactly: iss is compared as a plain string')
  t.equal(metadataIssuer.apiKey, undefined)
  t.equal(metadataIssuer.verifierKeyPem, publicKeyPem)
})

test('without apiKey, tokenVerificationMetadata is enough: no fetch, tokens verified', async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const app = Fastify()
  await app.register(propelAuth, testAuth.pluginOptions)
  app.get('/me', { onRequest: app.auth.requireUser }, async (request) => ({ userId: request.user!.userId }))
  t.teardown(() => app.close())

  const response = await app.inject({ url: '/me', headers: { authorization: await testAuth.authorizationHeader({ userId: 'u-1' }) } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { userId: 'u-1' })

  // A token signed by another key would ask for a key refetch; with a static key there is none to make.
  const stranger = await createTestAuth({ authUrl: testAuth.authUrl })
  const refused = await app.inject({ url: '/me', headers: { authorization: await stranger.authorizationHeader() } })
  t.equal(refused.statusCode, 401)
})

test('with tokenVerificationMetadata and an apiKey, the key is still not fetched', async (t) => {
  const testAuth = await createTestAuth({ keyPair: await sharedKeyPair() })
  const backend = await startFakeBackend(t, [metadata(publicKeyPem)])
  const app = Fastify()
  await app.register(propelAuth, { ...testAuth.pluginOptions, apiKey: API_KEY, apiBaseUrl: backend.url })
  t.teardown(() => app.close())
  await app.ready()
  t.equal(backend.requests.length, 0, 'no request reached the backend')
})

test('without apiKey, a backend call fails with FST_PROPELAUTH_MISSING_API_KEY, and only then', async (t) => {
  const backend = await startFakeBackend(t, [metadata(publicKeyPem)])
  const transport = new Transport({ apiBaseUrl: backend.url, apiKey: undefined, authHostname: 'auth.example.com', timeout: 1000, retries: 0 })
  const error = await transport.request({ method: 'GET', path: '/api/backend/v1/user/123' }).then(() => undefined, (e: Error & { code?: string }) => e)
  t.equal(error?.code, 'FST_PROPELAUTH_MISSING_API_KEY')
  t.match(error?.message, /the `apiKey` option is required to call the PropelAuth backend API \(GET \/api\/backend\/v1\/user\/123\)/)
  t.equal(backend.requests.length, 0, 'nothing was sent without a key')
})

test('options typed as FastifyPropelAuthOptions are accepted as written in the README', async (t) => {
  const { tokenVerificationMetadata } = await createTestAuth({ keyPair: await sharedKeyPair(), authUrl: 'https://auth.example.com' })
  const options: FastifyPropelAuthOptions = {
    authUrl: 'https://auth.example.com',
    tokenVerificationMetadata,
    decorator: 'propelAuth',
    requestDecorators: { user: 'propelAuthUser', org: 'propelAuthOrg' },
    clockTolerance: 5,
    cache: { max: 10 },
    timeout: 2000,
    retries: 1,
    keyRefreshCooldown: 30,
    openapi: { securitySchemeName: 'bearerAuth', annotateRoutes: false }
  }
  const app = Fastify()
  await app.register(propelAuth, options)
  t.teardown(() => app.close())
  await app.ready()
  t.ok(app.hasDecorator('propelAuth'))
  t.notOk(app.hasDecorator('auth'))
  t.ok(app.hasRequestDecorator('propelAuthUser') && app.hasRequestDecorator('propelAuthOrg'))
  t.notOk(app.hasRequestDecorator('user') || app.hasRequestDecorator('org'))
})

test('options that are not an object are refused with what to pass', async (t) => {
  for (const options of [null, 'https://auth.example.com', ['https://auth.example.com']]) {
    t.throws(() => resolveOptions(options), { code: 'FST_PROPELAUTH_INVALID_OPTION', message: /options must be an object such as \{ authUrl, apiKey \}/ }, JSON.stringify(options))
  }
})
