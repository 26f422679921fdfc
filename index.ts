import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import './types/augment.js'
import { createApiClient } from './lib/api/client.js'
import { Transport } from './lib/api/transport.js'
import type { PropelAuthDecorator } from './lib/decorator.js'
import { DecoratorConflictError } from './lib/errors.js'
import { createGuards } from './lib/guards.js'
import { fetchVerifierKeyPem, importVerifierKey, KeyStore } from './lib/metadata.js'
import { resolveOptions, type FastifyPropelAuthOptions, type ResolvedOptions } from './lib/options.js'
import { TokenVerifier } from './lib/token.js'

function assertDecoratorsFree (fastify: FastifyInstance, options: ResolvedOptions): void {
  if (fastify.hasDecorator(options.decorator)) {
    const hint = options.decorator === 'auth' ? ' (@fastify/auth also uses `auth`)' : ''
    throw new DecoratorConflictError(`the instance decorator \`${options.decorator}\` is already taken${hint}; pick another name with the \`decorator\` option, e.g. decorator: 'propelAuth'`)
  }
  for (const name of ['user', 'org']) {
    if (fastify.hasRequestDecorator(name)) {
      throw new DecoratorConflictError(`the request decorator \`${name}\` is already taken (by @fastify/jwt or @fastify/passport?); fastify-propelauth sets request.user and request.org`)
    }
  }
}

const fastifyPropelAuth: FastifyPluginAsync<FastifyPropelAuthOptions> = async function fastifyPropelAuth (fastify, rawOptions) {
  const options = resolveOptions(rawOptions)
  assertDecoratorsFree(fastify, options)

  const transport = new Transport({
    apiBaseUrl: options.apiBaseUrl,
    apiKey: options.apiKey,
    authHostname: options.authHostname,
    timeout: options.timeout,
    retries: options.retries
  })
  // Fail at boot, not per request: without a key no request could be answered.
  const pem = options.verifierKeyPem ?? await fetchVerifierKeyPem(transport, options.authHostname)
  const source = options.verifierKeyPem === undefined ? options.apiBaseUrl : 'option `tokenVerificationMetadata.verifierKey`'
  const key = importVerifierKey(pem, source)

  const verifier = new TokenVerifier({
    getKey: () => keyStore.key,
    issuer: options.issuer,
    clockTolerance: options.clockTolerance,
    cacheMax: options.cacheMax,
    onSignatureMismatch: () => keyStore.requestRefresh()
  })
  const keyStore = new KeyStore(pem, key, {
    // A static key is never refetched; a fetched one may rotate.
    transport: options.verifierKeyPem === undefined ? transport : undefined,
    authHostname: options.authHostname,
    refreshCooldown: options.keyRefreshCooldown,
    log: fastify.log,
    // Verdicts made under the old key must not outlive it.
    onKeyChange: () => verifier.clearCache()
  })
  fastify.addHook('onClose', async () => {
    transport.close()
    await keyStore.close()
  })

  const decorator: PropelAuthDecorator = {
    ...createGuards(verifier),
    ...createApiClient(transport)
  }
  fastify.decorate(options.decorator, decorator)
  fastify.decorateRequest('user', null)
  fastify.decorateRequest('org', null)
}

const plugin = fp(fastifyPropelAuth, { fastify: '5.x', name: 'fastify-propelauth' })

export default plugin
export { plugin as fastifyPropelAuth }

export type { FastifyPropelAuthOptions, OpenApiOptions, TokenVerificationMetadata } from './lib/options.js'
export type { PropelAuthDecorator } from './lib/decorator.js'
export type { PropelAuthGuards, PropelAuthHook, RequiredOrgOptions, RequiredOrgInfo, UserAndOrgMemberInfo } from './lib/guards.js'
export { User, OrgMemberInfo, type LoginMethod, type OrgRoleStructure } from './lib/user.js'
export type { AccessTokenClaims, OrgMemberInfoClaims, LoginMethodClaims, LoginMethodKind } from './lib/claims.js'
export * as errors from './lib/errors.js'
