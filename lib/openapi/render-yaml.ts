import { createRequire } from 'node:module'

let stringifyYaml: ((value: unknown) => string) | undefined
/** Swagger caches its document, and ours is annotated in place: one rendering a document. */
const yamlOf = new WeakMap<object, string>()

/** `doc` as YAML, rendered the first time it is asked for. */
export function toYaml (doc: object): string {
  stringifyYaml ??= loadStringify()
  let text = yamlOf.get(doc)
  if (text === undefined) {
    text = stringifyYaml(doc)
    yamlOf.set(doc, text)
  }
  return text
}

function loadStringify (): (value: unknown) => string {
  try {
    // The same `yaml` package swagger itself renders with.
    const require = createRequire(import.meta.url)
    const yaml = createRequire(require.resolve('@fastify/swagger'))('yaml') as { stringify: (value: unknown, options: object) => string }
    return (value) => yaml.stringify(value, { strict: false })
  } catch {
    // JSON is YAML too.
    return (value) => JSON.stringify(value, null, 2)
  }
}
