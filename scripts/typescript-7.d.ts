/** The command that runs TypeScript 7's `tsc`, before its own arguments, and its environment. */
export function typeScript7 (): Promise<{ command: string, args: string[], env: NodeJS.ProcessEnv }>
