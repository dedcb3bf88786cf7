// A `vigia` command started as a child process by a benchmark, its output kept to wait on and to report.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { ROOT_DIR } from './config'

export const VIGIA_BIN = join(ROOT_DIR, 'bin', 'vigia.js')

/** Starts `vigia ...args` (with Node's `nodeOptions`, such as --cpu-prof); stdout and stderr are kept together. */
export function startVigia(
  args: string[],
  nodeOptions: string[] = [],
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...nodeOptions, VIGIA_BIN, ...args], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  return { child, output: () => out }
}
