// The document a docs page shows, with the stand-in's password login offered
// wherever the plugin's bearer scheme is. It builds a new document and never
// changes the one it is given: that one may be @fastify/swagger's own, served
// unchanged everywhere else (`app.swagger()`, a production build).

type Json = Record<string, unknown>

export interface PasswordSchemeSettings {
  schemeName: string
  bearerScheme: string
  tokenUrl: string
  description: string
}

const HTTP_METHODS: ReadonlySet<string> = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Requirements that name the bearer scheme get the password scheme as one
 * more alternative: a token from either is sent as `Authorization: Bearer`,
 * so the docs page may use whichever the reader signed in with.
 */
function withAlternative (security: unknown, settings: PasswordSchemeSettings): unknown {
  if (!Array.isArray(security)) return security
  const bearer = security.some((requirement) => isObject(requirement) && settings.bearerScheme in requirement)
  const already = security.some((requirement) => isObject(requirement) && settings.schemeName in requirement)
  return bearer && !already ? [...security, { [settings.schemeName]: [] }] : security
}

function withOperations (pathItem: unknown, settings: PasswordSchemeSettings): unknown {
  if (!isObject(pathItem)) return pathItem
  const item: Json = { ...pathItem }
  for (const [method, operation] of Object.entries(pathItem)) {
    if (!HTTP_METHODS.has(method) || !isObject(operation) || !('security' in operation)) continue
    item[method] = { ...operation, security: withAlternative(operation.security, settings) }
  }
  return item
}

function withPaths (paths: unknown, settings: PasswordSchemeSettings): unknown {
  if (!isObject(paths)) return paths
  return Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, withOperations(item, settings)]))
}

function withInfo (info: unknown, settings: PasswordSchemeSettings): Json {
  const base = isObject(info) ? info : {}
  const before = typeof base.description === 'string' && base.description !== '' ? `${base.description}\n\n` : ''
  return { ...base, description: `${before}**Development:** click **Authorize** and sign in under **${settings.schemeName}** as a user of the PropelAuth stand-in.` }
}

/**
 * A copy of `document` (OpenAPI 3, or Swagger 2.0 as @fastify/swagger writes
 * it) with an OAuth2 password-flow scheme whose token URL is the stand-in's
 * login, offered beside the bearer scheme on every route that has it.
 */
export function withPasswordScheme (document: Json, settings: PasswordSchemeSettings): Json {
  const copy: Json = { ...document, info: withInfo(document.info, settings), paths: withPaths(document.paths, settings) }
  if ('security' in document) copy.security = withAlternative(document.security, settings)
  if (document.swagger === '2.0') {
    const definitions = isObject(document.securityDefinitions) ? document.securityDefinitions : {}
    copy.securityDefinitions = {
      ...definitions,
      [settings.schemeName]: { type: 'oauth2', flow: 'password', tokenUrl: settings.tokenUrl, scopes: {}, description: settings.description }
    }
    return copy
  }
  const components = isObject(document.components) ? document.components : {}
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {}
  copy.components = {
    ...components,
    securitySchemes: {
      ...schemes,
      [settings.schemeName]: { type: 'oauth2', description: settings.description, flows: { password: { tokenUrl: settings.tokenUrl, scopes: {} } } }
    }
  }
  return copy
}
