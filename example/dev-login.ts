// Development only: lets Swagger UI sign in as a seeded user of the PropelAuth
// stand-in, with the stand-in's OAuth2 password login (POST /login), so a
// newcomer can try every protected route from /docs with no token to paste.

/** Name of the password-flow scheme shown in Swagger UI's Authorize dialog. */
export const DEV_LOGIN_SCHEME = 'standInLogin'

type Json = Record<string, any>

/**
 * A `transformSpecification` for @fastify/swagger-ui: adds an OAuth2
 * password-flow scheme whose token URL is the stand-in's `/login`, and offers it
 * wherever the bearer scheme is offered. It changes only the document Swagger UI
 * shows (`/docs/json`): `app.swagger()` stays as in production.
 */
export function withDevLogin (tokenUrl: string, bearerScheme = 'propelauth'): (spec: Readonly<Json>) => Json {
  return (spec) => {
    // @fastify/swagger-ui hands over a copy (transformSpecificationClone defaults to true).
    const doc = spec as Json
    doc.components ??= {}
    doc.components.securitySchemes ??= {}
    doc.components.securitySchemes[DEV_LOGIN_SCHEME] = {
      type: 'oauth2',
      description: 'Development only: sign in as a user of the PropelAuth stand-in without MFA, e.g. `admin@acme.test` with the password `password` (leave client_id and client_secret empty).',
      flows: { password: { tokenUrl, scopes: {} } }
    }
    for (const item of Object.values(doc.paths ?? {}) as Json[]) {
      for (const operation of Object.values(item) as Json[]) {
        const security = operation?.security
        if (!Array.isArray(security) || !security.some((requirement: Json) => bearerScheme in requirement)) continue
        // Either scheme will do: Swagger UI sends the token of whichever one is authorized.
        operation.security = [...security, { [DEV_LOGIN_SCHEME]: [] }]
      }
    }
    doc.info = {
      ...doc.info,
      description: `${String(doc.info?.description ?? '')}\n\n**Development:** click **Authorize** and sign in under **${DEV_LOGIN_SCHEME}** as a seeded user without MFA (\`admin@acme.test\`, \`member@acme.test\` or \`outsider@example.test\`, password \`password\`; this form cannot send the Owner's MFA code).`.trim()
    }
    return doc
  }
}
