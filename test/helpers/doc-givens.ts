// What a fragment in the docs may assume, by name: `<!-- check: fragment(app, request) -->`
// declares these before the fragment and type-checks the two together. Each is
// a declaration only (types imported with `import()`), so a fragment's own
// imports never clash with it. Add a name here when a page needs a new one.

export const DOC_GIVENS: Readonly<Record<string, string>> = {
  /** An app with the plugin registered (importing the plugin types `app.auth`). */
  app: "declare const app: import('fastify').FastifyInstance",
  /** The plugin, as `import propelAuth from 'fastify-propelauth'` gives it. */
  propelAuth: "declare const propelAuth: typeof import('fastify-propelauth').default",
  /** A route handler. */
  handler: "declare const handler: import('fastify').RouteHandlerMethod",
  /** The request of a route or hook. */
  request: "declare const request: import('fastify').FastifyRequest",
  /** The reply of a route or hook. */
  reply: "declare const reply: import('fastify').FastifyReply",
  /** What `createTestAuth()` resolves to. */
  testAuth: "declare const testAuth: import('fastify-propelauth/testing').TestAuth",
  /** What `startStandIn()` resolves to. */
  standIn: "declare const standIn: import('fastify-propelauth-standin').StandIn",
  /** A user id. */
  userId: 'declare const userId: string',
  /** An org id. */
  orgId: 'declare const orgId: string'
}
