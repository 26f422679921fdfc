interface Waiter {
  start: () => void
  timer: NodeJS.Timeout
}

interface ConcurrencyLimitOptions {
  /** Tasks running at once. */
  concurrency: number
  /** Tasks waiting for a free slot; one more is refused at once. */
  maxQueued: number
  /** Longest a task waits for a free slot before it is refused. */
  maxWaitMs: number
  /** The error a refused task rejects with. */
  busy: () => Error
}

/**
 * Runs at most `concurrency` tasks at once, first come first served; at most
 * `maxQueued` more wait, none longer than `maxWaitMs`. Whatever cannot run or
 * wait is refused at once, so nothing waits without bound and the work behind
 * it (calls to PropelAuth) stays bounded whatever arrives. Written here rather
 * than taken from p-limit or p-queue: neither bounds its queue or refuses a
 * waiting task after a deadline.
 */
export class ConcurrencyLimit {
  readonly #options: ConcurrencyLimitOptions
  #active = 0
  // A Set keeps insertion order (first in, first out) and deletes a timed-out waiter in O(1).
  readonly #queue = new Set<Waiter>()

  constructor (options: ConcurrencyLimitOptions) {
    this.#options = options
  }

  async run<T> (task: () => Promise<T>): Promise<T> {
    if (this.#active < this.#options.concurrency) return await this.#start(task)
    if (this.#queue.size >= this.#options.maxQueued) throw this.#options.busy()
    return await new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer)
          this.#start(task).then(resolve, reject)
        },
        timer: setTimeout(() => {
          this.#queue.delete(waiter)
          reject(this.#options.busy())
        }, this.#options.maxWaitMs).unref()
      }
      this.#queue.add(waiter)
    })
  }

  async #start<T> (task: () => Promise<T>): Promise<T> {
    this.#active++
    try {
      return await task()
    } finally {
      this.#active--
      const next = this.#queue.values().next()
      if (next.done !== true) {
        this.#queue.delete(next.value)
        next.value.start()
      }
    }
  }
}
