// TypeScript merges the plugins' declarations of Fastify's interfaces in the
// order it reads them: this program reads fastify-propelauth first.
import 'fastify-propelauth'
import '@fastify/auth'
import '@fastify/jwt'
