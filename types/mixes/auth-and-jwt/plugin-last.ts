// TypeScript merges the plugins' declarations of Fastify's interfaces in the
// order it reads them: this program reads fastify-propelauth last.
import '@fastify/jwt'
import '@fastify/auth'
import 'fastify-propelauth'
