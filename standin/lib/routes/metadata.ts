import type { FastifyInstance } from 'fastify'
import type { StandInContext } from '../context.js'

/** `GET /api/v1/token_verification_metadata` and the Rust crate's `/api/backend/v1/…` variant. */
export function metadataRoutes (app: FastifyInstance, context: StandInContext): void {
  app.get('/api/v1/token_verification_metadata', async () => ({ verifier_key_pem: context.publicKeyPem }))
  app.get('/api/backend/v1/token_verification_metadata', async () => ({ public_key_pem: context.publicKeyPem }))
}
