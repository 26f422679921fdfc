// The part of autocannon's API the benchmark uses; autocannon ships no types.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface RequestData {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }

  export interface RequestOptions extends RequestData {
    /** Called before each request; returns the request to send. */
    setupRequest?: (request: RequestData) => RequestData
  }

  export interface Options {
    url: string
    connections?: number
    duration?: number
    headers?: Record<string, string>
    requests?: RequestOptions[]
    /** Requests per second over all connections; as fast as possible when absent. */
    overallRate?: number
  }

  export interface Histogram {
    average: number
    total: number
    p50: number
    p99: number
  }

  export interface Result {
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    requests: Histogram
    latency: Histogram
  }

  export interface Instance extends EventEmitter {
    /** `responseTime` in milliseconds, with sub-millisecond precision. */
    on: ((event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void) => this) &
      ((event: string, listener: (...args: unknown[]) => void) => this)
  }

  function autocannon (options: Options, callback: (error: Error | null, result: Result) => void): Instance

  export default autocannon
}
