// TypeScript merges the two plugins' declarations of Fastify's interfaces in the
// order it reads them: this program reads fastify-propelauth first.
import 'fastify-propelauth'
import '@fastify/auth'
