import { isPlainObject } from '../util/is-plain-object.js'
import { withSchemes, type DocumentWriter, type Json } from './document-writer.js'
import { errorBodySchema } from './guard-responses.js'
import { carrierSecurityScheme, propelAuthSecurityScheme } from './security-scheme.js'

/**
 * Writes into OpenAPI 3 documents (3.0 and 3.1): a header has a `schema`, a
 * body is under `content` by media type, and the schemes are in
 * `components.securitySchemes`.
 */
export const openApi3Writer: DocumentWriter = {
  header: (header) => ({ description: header.description, schema: { type: header.type } }),
  errorBody: (example) => ({ content: { 'application/json': { schema: errorBodySchema(), example: { ...example } } } }),
  addSecuritySchemes (doc, names) {
    const components: Json = isPlainObject(doc.components) ? doc.components : {}
    components.securitySchemes = withSchemes(components.securitySchemes, names, propelAuthSecurityScheme, carrierSecurityScheme)
    doc.components = components
  }
}
