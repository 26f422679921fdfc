// Which test files share a Node.js process in `npm test` (see run-suite.ts for
// why). Each suite is a file of this folder of the same name, and tap's
// `include` in package.json lists the suites and the files that run alone;
// test/suites/completeness.test.ts fails if a test file is in neither, or in two.
//
// Alone: test/docs.test.ts (a minute of programs run against the stand-in,
// with a timeout of its own) and test/fuzz.test.ts (property runs that are
// CPU-bound: on its own it keeps a core busy beside the docs).
export const SUITES = {
  /** The plugin's stages, from the options to the guards and the OpenAPI document. */
  plugin: [
    'test/accessors.test.ts',
    'test/attacks.test.ts',
    'test/bearer-header.test.ts',
    'test/composition.test.ts',
    'test/decorator.test.ts',
    'test/deny-by-default-order.test.ts',
    'test/deny-by-default.test.ts',
    'test/expiring-lru.test.ts',
    'test/faults.test.ts',
    'test/guards.test.ts',
    'test/metadata.test.ts',
    'test/no-leaks.test.ts',
    'test/openapi-transforms.test.ts',
    'test/openapi.test.ts',
    'test/openapi-token-sources.test.ts',
    'test/options-environment.test.ts',
    'test/options.test.ts',
    'test/redact-secrets.test.ts',
    'test/refusal-logs.test.ts',
    'test/runtime-edges.test.ts',
    'test/schemas.test.ts',
    'test/sessions.test.ts',
    'test/shutdown.test.ts',
    'test/testing-kit.test.ts',
    'test/token-source-hardening.test.ts',
    'test/token-sources.test.ts',
    'test/token.test.ts',
    'test/url-policy.test.ts',
    'test/user.test.ts',
    'test/verifier-fast-path.test.ts',
    'test/webhooks.test.ts',
    'test/websocket.test.ts',
    'test/zod.test.ts',
    'test/suites/completeness.test.ts'
  ],
  /** The backend API client and the end-user API-key guards. */
  api: [
    'test/api-client.test.ts',
    'test/api-key-answers.test.ts',
    'test/api-key-guards.test.ts',
    'test/api-key-load.test.ts',
    'test/api-key-revocation.test.ts',
    'test/api-keys-rate-limit.test.ts',
    'test/api-node-parity.test.ts',
    'test/backend-data-intact.test.ts',
    'test/echoed-keys.test.ts'
  ],
  /** The packed package, the example app and the pages driven in Chromium. */
  apps: [
    'test/package.test.ts',
    'test/example.test.ts',
    'test/example-api-routes.test.ts',
    'test/example-frontend-browser.test.ts',
    'test/example-dev-login-browser.test.ts',
    'test/sessions-browser.test.ts',
    'test/docs-browser.test.ts',
    'test/scalar.test.ts',
    'test/scalar-browser.test.ts',
    'test/webhooks-standin.test.ts',
    'types/mixes/auth-and-jwt/app.test.ts',
    'types/mixes/fastify-auth/app.test.ts',
    'types/mixes/fastify-jwt/app.test.ts'
  ],
  /** The stand-in package. */
  standin: [
    'standin/test/api-keys.test.ts',
    'standin/test/browser-client.test.ts',
    'standin/test/cli.test.ts',
    'standin/test/client.test.ts',
    'standin/test/core.test.ts',
    'standin/test/docs-login.test.ts',
    'standin/test/faults.test.ts',
    'standin/test/hosted-pages.test.ts',
    'standin/test/insights.test.ts',
    'standin/test/login-browser.test.ts',
    'standin/test/login.test.ts',
    'standin/test/magic-links.test.ts',
    'standin/test/mfa.test.ts',
    'standin/test/official-client.test.ts',
    'standin/test/orgs.test.ts',
    'standin/test/session-api.test.ts',
    'standin/test/sso-scim.test.ts',
    'standin/test/ssr-nextjs.test.ts',
    'standin/test/ssr-refusals.test.ts',
    'standin/test/ssr-sign-in.test.ts',
    'standin/test/users.test.ts',
    'standin/test/webhook-retries.test.ts',
    'standin/test/webhooks.test.ts'
  ]
} as const satisfies Record<string, readonly string[]>

export type SuiteName = keyof typeof SUITES
