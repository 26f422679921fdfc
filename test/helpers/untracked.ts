// Under tap, every process a test starts gets tap's process tracking added to
// its NODE_OPTIONS, whatever environment the test gives it: on Node.js 20, a
// module loader on a thread of its own, which cost a child about 0.2 s of CPU.
// A child that records no coverage (the built packages, a program under tsx,
// the docs' programs) is started as from a shell instead, with `env -u` taking
// the loader out again wherever there is an `env`.

/** The command and arguments that start `command args` without tap's loader. */
export function untracked (command: string, args: readonly string[]): [string, string[]] {
  return process.platform === 'win32' ? [command, [...args]] : ['env', ['-u', 'NODE_OPTIONS', command, ...args]]
}
