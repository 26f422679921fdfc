import type { PropelAuthRouteConfig } from '../lib/route-policy/guards-of-route.js'

// Route options read by the plugin: `config: { propelAuth: { public: true } }`
// opts a route out of deny by default. Fastify's own interface for route
// config, merged; no other plugin declares this key.
declare module 'fastify' {
  interface FastifyContextConfig {
    propelAuth?: PropelAuthRouteConfig
  }
}

export {}
