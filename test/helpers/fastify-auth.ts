// @fastify/auth, loaded without its type declarations: they declare
// `FastifyInstance.auth` as a function, which clashes (TS2300) with this
// plugin's `app.auth` augmentation in the one TypeScript program that type-checks
// the plugin and its tests. At run time the two coexist once ours is registered
// under another name (`decorator: 'propelAuth'`).
import { createRequire } from 'node:module'
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'

/** A strategy as @fastify/auth calls it. */
export type Strategy = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

/** `app.auth(strategies, options)` of @fastify/auth. */
export type FastifyAuth = (strategies: Array<Strategy | Strategy[]>, options?: { relation?: 'or' | 'and', run?: 'all' }) => preHandlerHookHandler

export const fastifyAuth = createRequire(import.meta.url)('@fastify/auth') as FastifyPluginCallback<{ defaultRelation?: 'or' | 'and' }>

/** The `auth` decorator @fastify/auth put on `app`. */
export function authOf (app: FastifyInstance): FastifyAuth {
  return app.getDecorator<FastifyAuth>('auth')
}
