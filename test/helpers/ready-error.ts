import Fastify from 'fastify'
import propelAuth, { type FastifyPropelAuthOptions } from '../../index.js'

/** Registers the plugin with raw (possibly ill-typed) options and returns what `ready()` rejects with. */
export async function readyError (options: unknown): Promise<Error & { code?: string, statusCode?: number }> {
  const app = Fastify()
  app.register(propelAuth, options as FastifyPropelAuthOptions)
  try {
    await app.ready()
  } catch (error) {
    return error as Error & { code?: string }
  } finally {
    await app.close().catch(() => {})
  }
  throw new Error('ready() resolved, but the options were expected to be refused')
}
