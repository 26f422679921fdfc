/**
 * Secrets shorter than this are not looked for. PropelAuth's keys are far
 * longer; a short value (`test`, `e`: what a developer types against a local
 * stand-in) would be found inside ordinary words, and cutting it out would
 * garble the text it is found in.
 */
export const MIN_REDACTED_SECRET_LENGTH = 16

const REDACTED = '[redacted]'

/**
 * `text` with every secret of at least MIN_REDACTED_SECRET_LENGTH characters
 * replaced by `[redacted]`, as written raw or inside a JSON string. For text
 * this plugin writes itself (error messages, log lines) that quotes something a
 * server answered, which may have echoed the request. Data handed back to the
 * caller is never passed through here.
 */
export function redactSecrets (text: string, secrets: ReadonlyArray<string | undefined>): string {
  let result = text
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_REDACTED_SECRET_LENGTH) continue
    result = result.replaceAll(secret, REDACTED)
    const escaped = JSON.stringify(secret).slice(1, -1)
    if (escaped !== secret) result = result.replaceAll(escaped, REDACTED)
  }
  return result
}
