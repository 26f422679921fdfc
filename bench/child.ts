// Child processes of the benchmark: each server, the micro-benchmark and the
// memory run get a process of their own, so that none shares a heap, a JIT
// profile or an event loop with the load generator or with another candidate.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface Child {
  process: ChildProcess
  /** Sends a message and resolves with the child's next reply. */
  ask: <T>(message: unknown) => Promise<T>
  close: () => Promise<void>
}

/** Forks `bench/<file>` under tsx, with IPC. `nodeFlags` such as `--expose-gc` go to node. */
export async function startChild (file: string, nodeFlags: string[] = []): Promise<Child> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...nodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ask = async <T>(message: unknown): Promise<T> => await new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`bench child ${file} exited with code ${code} before replying`))
    child.once('exit', onExit)
    child.once('message', (reply) => {
      child.off('exit', onExit)
      if (isFailure(reply)) reject(new Error(`bench child ${file}: ${reply.error}`))
      else resolve(reply as T)
    })
    child.send(message as object)
  })
  await ask({ type: 'ping' })
  return {
    process: child,
    ask,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill()
      await exited
    }
  }
}

function isFailure (reply: unknown): reply is { error: string } {
  return typeof reply === 'object' && reply !== null && typeof (reply as { error?: unknown }).error === 'string'
}

/**
 * The child's side: answers `ping`, hands every other message to `handle`
 * and sends back its result, or `{ error }` when it throws.
 */
export function serveParent (handle: (message: { type: string } & Record<string, unknown>) => Promise<unknown>): void {
  const send = (reply: unknown): void => { process.send?.(reply as object) }
  process.on('message', (message: { type: string } & Record<string, unknown>) => {
    if (message.type === 'ping') {
      send({ type: 'pong' })
      return
    }
    handle(message).then(send, (error: unknown) => send({ error: error instanceof Error ? error.stack ?? error.message : String(error) }))
  })
  // The parent going away (Ctrl-C, a crash) must not leave a server running.
  process.on('disconnect', () => process.exit(0))
}
