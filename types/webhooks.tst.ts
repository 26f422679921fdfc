import { expect, test } from 'tstyche'
import Fastify from 'fastify'
import propelAuthWebhooks, { type OtherWebhookEvent, type PropelAuthWebhookEvents, type PropelAuthWebhooksOptions } from '../lib/webhooks/index.js'

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

test('each handler gets its event typed by event_type; the catch-all gets an unknown event', () => {
  const app = Fastify()
  app.register(propelAuthWebhooks, {
    secret,
    on: {
      'user.created': (event, delivery) => {
        expect(event.event_type).type.toBe<'user.created'>()
        expect(event.email).type.toBe<string>()
        expect(event.first_name).type.toBe<string | undefined>()
        expect(delivery.id).type.toBe<string>()
      },
      'user.removed_from_org': (event) => {
        expect(event.removed_user_id).type.toBe<string>()
        expect(event).type.not.toHaveProperty('user_id')
      },
      'org.scim_group_updated': (event) => { expect(event.display_name).type.toBe<string>() }
    },
    onOtherEvent: (event) => {
      expect(event).type.toBe<OtherWebhookEvent>()
      expect(event.event_type).type.toBe<string>()
      expect(event.anything).type.toBe<unknown>()
    }
  })
})

test('a handler for an event type that does not exist, or with the wrong event, does not compile', () => {
  expect({ secret, on: { 'user.create': () => {} } }).type.not.toBeAssignableTo<PropelAuthWebhooksOptions>()
  expect({ secret, on: { 'org.created': (event: PropelAuthWebhookEvents['user.created']) => event.email } }).type.not.toBeAssignableTo<PropelAuthWebhooksOptions>()
  expect({ secret: [secret, secret], revokeTokens: true }).type.toBeAssignableTo<PropelAuthWebhooksOptions>()
})
