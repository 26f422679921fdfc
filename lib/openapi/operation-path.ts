import { isPlainObject } from '../util/is-plain-object.js'
import type { Json } from './document-writer.js'

// Where @fastify/swagger 9 files a route in its document: the route's URL with
// its parameters in braces (`/org/:orgId` is `/org/{orgId}`), less the base
// path of a server (OpenAPI 3) or the `basePath` (Swagger 2) it starts with,
// as swagger's `formatParamUrl` and `normalizeUrl` render it. This finds the
// operation of a guarded route whose note a transform of the app's dropped.

const PARAM_NAME = /^[A-Za-z0-9_]$/

/** `url` with its parameters as swagger writes them: `:id` and `:id(regex)` as `{id}`, an unnamed regex as `{regexpN}`, `*` as `{*}`, `::` as `:`. */
export function swaggerPathOf (url: string): string {
  let path = ''
  let param = ''
  let state: 'text' | 'name' | 'regex' = 'text'
  let depth = 0
  let unnamed = 0
  for (let i = 0; i < url.length; i++) {
    const char = url[i]
    if (state === 'name') {
      if (PARAM_NAME.test(char)) {
        param += char
      } else if (char === '(') {
        state = 'regex'
        depth++
      } else {
        path += `{${param}}${char}`
        param = ''
        state = 'text'
      }
    } else if (state === 'regex') {
      if (char === '(') depth++
      else if (char === ')') depth--
      if (depth === 0) {
        path += `{${param === '' ? `regexp${++unnamed}` : param}}`
        param = ''
        state = 'text'
      }
    } else if (char === ':' && url[i + 1] === ':') {
      path += ':'
      i++
    } else if (char === ':') {
      state = 'name'
    } else if (char === '(') {
      state = 'regex'
      depth++
    } else {
      path += char === '*' ? '{*}' : char
    }
  }
  return state === 'name' && param !== '' ? `${path}{${param}}` : path
}

/**
 * The paths of `doc` under which swagger may have filed a route of `url`: as it
 * is, then less the base path it starts with (swagger strips it unless told
 * `stripBasePath: false`, an option the document does not record).
 */
export function documentPathsOf (url: string, doc: Json): string[] {
  const stripped = typeof doc.openapi === 'string' ? withoutServerPaths(url, doc.servers) : withoutBasePath(url, doc.basePath)
  return [...new Set([swaggerPathOf(url), swaggerPathOf(stripped)])]
}

/** OpenAPI 3: each server's path taken off the front of `url` in turn, its variables at their defaults, as swagger does. */
function withoutServerPaths (url: string, servers: unknown): string {
  for (const server of Array.isArray(servers) ? servers : []) {
    const base = isPlainObject(server) && typeof server.url === 'string' ? pathOfServer(server.url, server.variables) : undefined
    if (base !== undefined && base !== '/' && url.startsWith(base)) url = url.replace(base, '')
  }
  return url
}

function pathOfServer (serverUrl: string, variables: unknown): string | undefined {
  const resolved = serverUrl.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    const variable = isPlainObject(variables) ? variables[name] : undefined
    return isPlainObject(variable) && typeof variable.default === 'string' ? variable.default : whole
  })
  if (resolved.startsWith('/')) return resolved
  return URL.canParse(resolved) ? new URL(resolved).pathname : undefined
}

/** Swagger 2: `basePath` taken off the front of `url`, which keeps its leading slash. */
function withoutBasePath (url: string, basePath: unknown): string {
  if (typeof basePath !== 'string' || basePath === '' || !url.startsWith(basePath)) return url
  const rest = url.replace(basePath, '')
  return rest.startsWith('/') ? rest : `/${rest}`
}
