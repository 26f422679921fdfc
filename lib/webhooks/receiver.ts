import type { FastifyPluginAsync, FastifySchema } from 'fastify'
import { createDeliveryVerifier } from './verify-delivery.js'
import { invalidOption } from '../options/option-checks.js'
import { resolveWebhookOptions, type OtherWebhookEvent, type PropelAuthWebhooksOptions, type RevocationTarget, type WebhookHandler } from './webhook-options.js'
import { WebhookHandlerError } from './webhook-errors.js'

/**
 * PropelAuth's webhooks, received: one POST route that checks each delivery's
 * signature on the exact bytes received, answers a redelivery of a handled
 * event 200 without handling it again, and hands the event to its handler.
 *
 * Registered without fastify-plugin on purpose: the plugin's scope is its own,
 * so the parser that keeps the body as bytes serves this route only, and the
 * app's JSON parser everywhere else is untouched. Register it with a `prefix`
 * to move the route.
 *
 * A handler that throws gets the delivery a 500, which Svix retries on its
 * schedule; the log line is Fastify's for a 5xx, with the handler's error as
 * the cause and the event's type and delivery id, never the event's fields.
 */
const propelAuthWebhooks: FastifyPluginAsync<PropelAuthWebhooksOptions> = async (app, options) => {
  const settings = resolveWebhookOptions(options)
  const verify = createDeliveryVerifier(settings.secrets)
  const revocation = settings.revokeTokens === true ? appAuth(app) : settings.revokeTokens

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: settings.bodyLimit }, (_request, body, done) => { done(null, body) })

  app.post(settings.path, {
    bodyLimit: settings.bodyLimit,
    // Not part of the app's API: PropelAuth (through Svix) is its only caller.
    // `hide` is @fastify/swagger's, read only when the app registers it.
    schema: { hide: true } as FastifySchema,
    // Signed, not token-guarded: deny by default leaves it to the signature.
    config: { propelAuth: { public: true } }
  }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const { id, event } = verify(body, request.headers)
    if (await settings.deliveries.has(id)) return await reply.code(200).send({ received: true, duplicate: true })

    // The user's earlier tokens stop working before anything else can fail.
    if (revocation !== undefined && ENDS_SESSIONS.has(event.event_type) && typeof event.user_id === 'string') revocation.revokeUserTokens(event.user_id)
    const handler = (settings.on[event.event_type as keyof typeof settings.on] ?? settings.onOtherEvent) as WebhookHandler<OtherWebhookEvent> | undefined
    if (handler !== undefined) {
      try {
        await handler(event, { id, request })
      } catch (error) {
        throw new WebhookHandlerError(event.event_type, id, { cause: error })
      }
    }
    await settings.deliveries.add(id)
    return await reply.code(200).send({ received: true })
  })
}

/** The events after which a user's access tokens must stop working. */
const ENDS_SESSIONS = new Set(['user.logged_out', 'user.disabled', 'user.locked', 'user.deleted'])

/** fastify-propelauth's `app.auth`, which `revokeTokens: true` feeds. */
function appAuth (app: object): RevocationTarget {
  const auth = (app as { auth?: Partial<RevocationTarget> }).auth
  if (typeof auth?.revokeUserTokens !== 'function') {
    invalidOption('option `revokeTokens: true` needs fastify-propelauth registered before the receiver (it feeds `app.auth.revokeUserTokens`); if its decorator is renamed, pass that object: `revokeTokens: app.<decorator>`')
  }
  return auth as RevocationTarget
}

export default propelAuthWebhooks
