// Fastify's own logger (pino) writing into an array: tests read what an app logs.
import { Writable } from 'node:stream'

export interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

/** pino's numeric levels. */
export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const

export interface LogCapture {
  /** Every line written so far, parsed. */
  lines: LogLine[]
  /** Every line written so far, as written: what a log file would hold. */
  raw: string[]
  /** Fastify's `logger` option; spread it with `serializers` of your own. */
  logger: { level: string, stream: Writable }
  /** The lines of the plugin's refusal log. */
  refusals: () => LogLine[]
}

export function captureLogs (level = 'trace'): LogCapture {
  const lines: LogLine[] = []
  const raw: string[] = []
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      for (const text of chunk.toString().split('\n')) {
        if (text === '') continue
        raw.push(text)
        lines.push(JSON.parse(text) as LogLine)
      }
      callback()
    }
  })
  return {
    lines,
    raw,
    logger: { level, stream },
    refusals: () => lines.filter((line) => typeof line.refusal === 'object' && line.refusal !== null)
  }
}
