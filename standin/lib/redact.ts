import type { FastifyServerOptions } from 'fastify'
import { redactQueryParameters } from 'fastify-propelauth'

// A magic link signs its user in, for as long as it lives (24 hours by
// default), to whoever holds its URL, so its secret must not reach a log: not
// the command's call log, nor `standIn.calls` and `onCall`, nor the stand-in's
// Fastify request log. Each shows the link with the secret's value replaced by
// `[REDACTED]`, as the plugin's `redactQueryParameters` does for tokens.

/** The query parameter of a magic link (`/magic_link?t=…`) that holds its secret. */
export const MAGIC_LINK_SECRET = 't'

/**
 * Secrets of server-side sign-in, should a client put them in a query string:
 * the stand-in takes them in JSON bodies, which no log shows, but a code or a
 * refresh token in a URL would otherwise be logged whole.
 */
const SIGN_IN_SECRETS = ['code', 'refresh_token']

const serializeRequest = redactQueryParameters([MAGIC_LINK_SECRET, ...SIGN_IN_SECRETS])

/** A path and query string with the magic link's secret redacted. */
export function redactSecrets (url: string): string {
  return serializeRequest({ url }).url ?? url
}

type LoggerOption = FastifyServerOptions['logger']

/**
 * The stand-in's `logger` option, with a `req` serializer that redacts the
 * secret; a serializer of the caller's own is kept, and its `url` redacted.
 */
export function redactingLogger (logger: LoggerOption): LoggerOption {
  if (logger === undefined || logger === false) return false
  const options = logger === true ? {} : logger
  const own = options.serializers?.req
  const req: typeof own = own === undefined
    ? serializeRequest
    : (request) => {
        const serialized = own(request)
        return typeof serialized.url === 'string' ? { ...serialized, url: redactSecrets(serialized.url) } : serialized
      }
  return { ...options, serializers: { ...options.serializers, req } }
}
