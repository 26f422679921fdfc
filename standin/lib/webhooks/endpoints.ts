import type { PropelAuthWebhookEventType } from 'fastify-propelauth/webhooks'
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './events.js'
import { webhookSecretProblem, webhookSigningKey } from './secrets.js'

/** A webhook endpoint of the project, as PropelAuth's dashboard sets one up (through Svix). */
export interface StandInWebhookEndpoint {
  /** Where the events are posted: an absolute http or https URL. */
  url: string
  /** The endpoint's signing secret, `whsec_` and base64 (`createWebhookSecret()` makes one). Never logged or shown. */
  secret: string
  /** Send only these event types to this endpoint, as Svix's event filter does. Default: every type. */
  eventTypes?: PropelAuthWebhookEventType[]
}

/** An endpoint as deliveries use it: the key decoded, the filter a set. Its key is kept out of sight. */
export interface WebhookTarget {
  readonly url: string
  readonly key: Buffer
  /** undefined: every event type. */
  readonly eventTypes: ReadonlySet<PropelAuthWebhookEventType> | undefined
}

/** Names a field of the `index`-th endpoint in messages: `stand-in option webhooks[0].url`, or a command-line flag. */
export type EndpointFieldName = (index: number, field?: keyof StandInWebhookEndpoint) => string

const FIELDS: ReadonlyArray<keyof StandInWebhookEndpoint> = ['url', 'secret', 'eventTypes']
const EXAMPLE = "[{ url: 'http://localhost:3000/webhooks', secret: createWebhookSecret() }]"

export const optionFieldName: EndpointFieldName = (index, field) => `stand-in option webhooks[${index}]${field === undefined ? '' : `.${field}`}`

function checkUrl (url: unknown, where: string): string {
  let parsed: URL | undefined
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined
  } catch {}
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`${where} must be an absolute http or https URL such as 'http://localhost:3000/webhooks', not ${JSON.stringify(url) ?? String(url)}`)
  }
  return parsed.href
}

function checkEventTypes (types: unknown, where: string): ReadonlySet<PropelAuthWebhookEventType> | undefined {
  if (types === undefined) return undefined
  if (!Array.isArray(types) || types.length === 0) {
    throw new TypeError(`${where} must be a non-empty list of event types such as ['user.created'] (leave it out to send every type)`)
  }
  for (const [index, type] of types.entries()) {
    if (!isWebhookEventType(type)) {
      throw new TypeError(`${where}[${index}] is not an event type PropelAuth sends: ${JSON.stringify(type) ?? String(type)}; the types are ${WEBHOOK_EVENT_TYPES.join(', ')}`)
    }
  }
  return new Set(types as PropelAuthWebhookEventType[])
}

/** Checks one endpoint; throws a message naming the field and the fix (never quoting the secret). */
export function checkWebhookEndpoint (endpoint: unknown, index: number, nameOf: EndpointFieldName = optionFieldName): WebhookTarget {
  if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) {
    throw new TypeError(`${nameOf(index)} must be an object { url, secret, eventTypes? }, e.g. ${EXAMPLE}`)
  }
  const unknown = Object.keys(endpoint).filter((field) => !(FIELDS as readonly string[]).includes(field))
  if (unknown.length > 0) throw new TypeError(`${nameOf(index)} has an unknown field ${unknown.join(', ')}; its fields are ${FIELDS.join(', ')}`)
  const { url, secret, eventTypes } = endpoint as Record<string, unknown>
  const checkedUrl = checkUrl(url, nameOf(index, 'url'))
  const problem = webhookSecretProblem(secret)
  if (problem !== undefined) throw new TypeError(`${nameOf(index, 'secret')} ${problem} (createWebhookSecret() makes one)`)
  return { url: checkedUrl, key: webhookSigningKey(secret as string), eventTypes: checkEventTypes(eventTypes, nameOf(index, 'eventTypes')) }
}

/** Checks the `webhooks` option: a list of endpoints, each checked by `checkWebhookEndpoint`. */
export function checkWebhookEndpoints (endpoints: unknown, nameOf: EndpointFieldName = optionFieldName): WebhookTarget[] {
  if (endpoints === undefined) return []
  if (!Array.isArray(endpoints)) throw new TypeError(`stand-in option webhooks must be a list of endpoints, e.g. ${EXAMPLE}`)
  return endpoints.map((endpoint, index) => checkWebhookEndpoint(endpoint, index, nameOf))
}
