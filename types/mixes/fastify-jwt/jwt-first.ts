// TypeScript merges the two plugins' declarations of Fastify's interfaces in the
// order it reads them: this program reads @fastify/jwt first.
import '@fastify/jwt'
import 'fastify-propelauth'
