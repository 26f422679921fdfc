import type { FastifyRequest } from 'fastify'
import { isPlainObject } from '../util/is-plain-object.js'
import { describeValue, invalidOption, rejectUnknownKeys, wholeNumberInRange } from '../options/option-checks.js'
import { createMemoryDeliveryStore, type WebhookDeliveryStore } from './delivery-store.js'
import { isKnownEventType, type PropelAuthWebhookEvents, type PropelAuthWebhookEventType } from './events.js'

/** An event of a type this package does not know, or of a known type with no handler of its own. */
export interface OtherWebhookEvent {
  event_type: string
  [field: string]: unknown
}

/** What a handler is told besides the event. */
export interface WebhookDelivery {
  /** The delivery's `svix-id`: the same on every redelivery of the event. */
  id: string
  request: FastifyRequest
}

export type WebhookHandler<Event> = (event: Event, delivery: WebhookDelivery) => unknown

export type WebhookHandlers = {
  [Type in PropelAuthWebhookEventType]?: WebhookHandler<PropelAuthWebhookEvents[Type]>
}

export interface PropelAuthWebhooksOptions {
  /** The endpoint's signing secret (`whsec_…`, from PropelAuth's dashboard), or several while one is rotated. */
  secret: string | readonly string[]
  /** The receiver's path, under the prefix the plugin is registered with. Default `/webhooks/propelauth`. */
  path?: string | undefined
  /** A handler per event type, each given the event typed by its `event_type`. */
  on?: WebhookHandlers | undefined
  /** Every other event: a type this package does not know, or a known type with no handler in `on`. */
  onOtherEvent?: WebhookHandler<OtherWebhookEvent> | undefined
  /** The largest body accepted, in bytes. Default 256 KiB; PropelAuth's events are well under 4 KiB. */
  bodyLimit?: number | undefined
  /** Where handled delivery ids are remembered. Default: in this process, the 10,000 most recent, for 3 days. */
  deliveries?: WebhookDeliveryStore | undefined
  /**
   * `true`: a user signed out, disabled, locked or deleted at PropelAuth has
   * the access tokens issued before the event refused by fastify-propelauth's
   * guards (`app.auth.revokeUserTokens`), until they expire. Or the object
   * that has `revokeUserTokens`, when the plugin's decorator is renamed.
   */
  revokeTokens?: boolean | RevocationTarget | undefined
}

/** What `revokeTokens` calls: `app.auth` of fastify-propelauth, or anything with the same method. */
export interface RevocationTarget {
  revokeUserTokens: (userId: string, issuedBefore?: Date) => void
}

export interface WebhookSettings {
  secrets: readonly string[]
  path: string
  on: WebhookHandlers
  onOtherEvent: WebhookHandler<OtherWebhookEvent> | undefined
  bodyLimit: number
  deliveries: WebhookDeliveryStore
  /** true: `app.auth`, found at registration. */
  revokeTokens: RevocationTarget | true | undefined
}

const OWNER = 'fastify-propelauth/webhooks'
const KNOWN_OPTIONS = ['secret', 'path', 'on', 'onOtherEvent', 'bodyLimit', 'deliveries', 'revokeTokens']
/** What Fastify's `register` hands every plugin along with its own options. */
const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers']
export const DEFAULT_WEBHOOK_PATH = '/webhooks/propelauth'
export const DEFAULT_WEBHOOK_BODY_LIMIT = 256 * 1024

/** A secret as PropelAuth's dashboard shows it: `whsec_` and base64. */
function checkSecret (value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/.test(value)) {
    const shown = typeof value === 'string' ? (value === '' ? 'an empty string' : 'a string that is not one') : describeValue(value)
    invalidOption(`option \`${name}\` must be the endpoint's signing secret from PropelAuth's dashboard (Integrations → Webhooks), "whsec_" followed by base64 (got ${shown})`)
  }
  return value
}

function checkSecrets (value: unknown): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) invalidOption('option `secret` is an empty list: give the endpoint\'s signing secret, or the old and the new one while rotating')
    return value.map((secret, index) => checkSecret(secret, `secret[${index}]`))
  }
  if (value === undefined) invalidOption('option `secret` is required: the endpoint\'s signing secret from PropelAuth\'s dashboard (Integrations → Webhooks), "whsec_…"')
  return [checkSecret(value, 'secret')]
}

function checkHandlers (value: unknown): WebhookHandlers {
  if (value === undefined) return {}
  if (!isPlainObject(value)) invalidOption(`option \`on\` must be an object of handlers by event type, e.g. { 'user.created': async (event) => … } (got ${describeValue(value)})`)
  for (const [type, handler] of Object.entries(value)) {
    if (!isKnownEventType(type)) invalidOption(`option \`on\` has a handler for "${type}", which is not a PropelAuth event type this package knows: check the spelling, or handle it in \`onOtherEvent\``)
    if (typeof handler !== 'function') invalidOption(`option \`on['${type}']\` must be a function (got ${describeValue(handler)})`)
  }
  return value as WebhookHandlers
}

function checkStore (value: unknown): WebhookDeliveryStore {
  if (value === undefined) return createMemoryDeliveryStore()
  const store = value as Partial<WebhookDeliveryStore> | null
  if (typeof store?.has !== 'function' || typeof store.add !== 'function') {
    invalidOption(`option \`deliveries\` must have the methods has(id) and add(id), each of which may return a promise (got ${describeValue(value)})`)
  }
  return store as WebhookDeliveryStore
}

function checkRevokeTokens (value: unknown): RevocationTarget | true | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return true
  if (typeof (value as Partial<RevocationTarget> | null)?.revokeUserTokens !== 'function') {
    invalidOption(`option \`revokeTokens\` must be true (fastify-propelauth's \`app.auth\`), or the object with its revokeUserTokens method when its decorator is renamed (got ${describeValue(value)})`)
  }
  return value as RevocationTarget
}

export function resolveWebhookOptions (options: unknown): WebhookSettings {
  if (!isPlainObject(options)) invalidOption(`${OWNER} takes an options object with at least \`secret\` (got ${describeValue(options)})`)
  rejectUnknownKeys(options, [...KNOWN_OPTIONS, ...REGISTER_OPTIONS], '', OWNER)
  const path = options.path ?? DEFAULT_WEBHOOK_PATH
  if (typeof path !== 'string' || !path.startsWith('/')) invalidOption(`option \`path\` must be a path that starts with "/" (got ${describeValue(path)})`)
  const onOtherEvent = options.onOtherEvent
  if (onOtherEvent !== undefined && typeof onOtherEvent !== 'function') invalidOption(`option \`onOtherEvent\` must be a function (got ${describeValue(onOtherEvent)})`)
  return {
    secrets: checkSecrets(options.secret),
    path,
    on: checkHandlers(options.on),
    onOtherEvent: onOtherEvent as WebhookHandler<OtherWebhookEvent> | undefined,
    bodyLimit: wholeNumberInRange('bodyLimit', options.bodyLimit, DEFAULT_WEBHOOK_BODY_LIMIT, 'bytes', 1024, 16 * 1024 * 1024),
    deliveries: checkStore(options.deliveries),
    revokeTokens: checkRevokeTokens(options.revokeTokens)
  }
}
