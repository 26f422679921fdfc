// `fastify-propelauth/webhooks`: PropelAuth's webhooks received, verified and
// typed. An entry of its own, so that the plugin's main entry loads none of it.
import '../../types/route-config.js'
import propelAuthWebhooks from './receiver.js'

export default propelAuthWebhooks
export { propelAuthWebhooks }
export { createMemoryDeliveryStore, type WebhookDeliveryStore } from './delivery-store.js'
export { PROPELAUTH_WEBHOOK_EVENT_TYPES, type PropelAuthWebhookEvent, type PropelAuthWebhookEvents, type PropelAuthWebhookEventType } from './events.js'
export type { OtherWebhookEvent, PropelAuthWebhooksOptions, RevocationTarget, WebhookDelivery, WebhookHandler } from './webhook-options.js'
export { WebhookHandlerError, WebhookMalformedError, WebhookSignatureError, WebhookStaleError, WebhookUnsignedError } from './webhook-errors.js'
