// TypeScript merges the two plugins' declarations of Fastify's interfaces in the
// order it reads them: this program reads @fastify/auth first.
import '@fastify/auth'
import 'fastify-propelauth'
