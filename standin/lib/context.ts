import type { MintAccessTokenOptions } from 'fastify-propelauth/testing'
import type { StandInState } from './state.js'
import type { OriginPolicy } from './auth-url/origins.js'
import type { RedirectUriPolicy } from './auth-url/ssr-redirect-uris.js'

/** Parts of PropelAuth that a project can have switched off; each can be changed while the stand-in runs. */
export interface StandInFeatures {
  /** Organizations (B2B). Off: org endpoints answer 426 and tokens carry no orgs. Default on. */
  orgs: boolean
  /** `createAccessToken`. Off: 404 "Access token creation is not enabled". Default on. */
  accessTokenCreation: boolean
  /** Step-up MFA. Off: `feature_gated`. Default on. */
  stepUpMfa: boolean
}

/** What every route module of the stand-in shares. */
export interface StandInContext {
  state: StandInState
  publicKeyPem: string
  /** Signs a token with the stand-in's key and issuer, on its clock. */
  mint: (options: MintAccessTokenOptions) => Promise<string>
  features: StandInFeatures
  /** The code step-up MFA challenges (TOTP and SMS) accept. */
  mfaCode: string
  /** The project's auth URL (the token issuer); known once the stand-in listens. */
  readonly authUrl: string
  /** The web origins allowed to use the auth URL from a browser (CORS) and to be returned to (`rt`). */
  origins: OriginPolicy
  /** Lifetime of the access tokens the auth URL's refresh endpoint gives browsers. */
  frontendTokenSeconds: number
  /** Lifetime of the access tokens of server-side sign-ins (`/propelauth/ssr/token`, `/api/backend/v1/refresh_token`); changeable while running. */
  ssrAccessTokenSeconds: number
  /** The redirect URIs server-side sign-ins may go back to. */
  redirectUris: RedirectUriPolicy
  /** Where the hosted sign-out sends the browser, if configured. */
  logoutRedirectUrl: string | undefined
}
