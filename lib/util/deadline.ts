/**
 * A signal that aborts after `ms` with a `TimeoutError`, or as soon as `parent`
 * aborts, with its reason; `clear()` stops both once the work is done.
 *
 * Written out rather than `AbortSignal.any([parent, AbortSignal.timeout(ms)])`:
 * Node holds a timeout signal weakly, so once only the combined signal refers
 * to it, a garbage collection can drop it before it fires, and the request it
 * was to bound waits for as long as the other side keeps the socket open. Here
 * the timer holds the controller until it fires or is cleared.
 */
export function deadline (parent: AbortSignal, ms: number): { signal: AbortSignal, clear: () => void } {
  const controller = new AbortController()
  const timer = setTimeout(() => { controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')) }, ms)
  const follow = (): void => { controller.abort(parent.reason) }
  if (parent.aborted) follow()
  else parent.addEventListener('abort', follow, { once: true })
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer)
      parent.removeEventListener('abort', follow)
    }
  }
}
