// `npm start`: the desktop app where Electron is installed; elsewhere the same Vigia headless, with the
// address to open in a browser. Everything is built first so a fresh checkout starts with
// `npm install && npm start`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildElectronBinding } from './electron-native.js'

const require = createRequire(import.meta.url)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'))
    if (!existsSync(join(dir, 'path.txt'))) return undefined
    return { path: require('electron'), version: require('electron/package.json').version }
  } catch {
    return undefined
  }
}

// glibc gives each thread that allocates its own malloc arena (up to eight per core) and keeps their freed
// memory: with the engine, reader and checkpointer threads, two arenas take the process's peak RSS about
// 100 MB lower at the same speed (docs/benchmarks.md, peak memory). The variable is read when the process
// starts, so the launcher sets it; one already set is left alone.
const appEnv = (env = process.env) => ({ MALLOC_ARENA_MAX: '2', ...env })
// V8's memory reducer collected again and again in an idle app whose page asks every second, freeing next
// to nothing: off for every thread, the main one included (src/main/v8-flags.ts says more; the same flags).
const V8_FLAGS = '--no-memory-reducer'

const run = (command, args, env = process.env) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])

const electron = electronBinary()
if (electron && process.env.VIGIA_HEADLESS !== '1') {
  const binding = buildElectronBinding(root, electron.version)
  run(
    electron.path,
    [`--js-flags=${V8_FLAGS}`, '.'],
    appEnv({ ...process.env, VIGIA_SQLITE_BINDING: binding }),
  )
} else {
  console.log(
    electron
      ? 'vigia: VIGIA_HEADLESS=1: starting headless.'
      : 'vigia: Electron is not installed here (its binary could not be downloaded): starting Vigia headless; open the address below in a browser.',
  )
  // The worker threads from the build just made (src/main/worker-client.ts, VIGIA_BUILT_WORKERS): from
  // sources each would carry a module loader thread of its own, about 100 MB for the five.
  run(
    process.execPath,
    [V8_FLAGS, join(root, 'bin', 'vigia.js'), 'serve', ...process.argv.slice(2)],
    appEnv({ VIGIA_BUILT_WORKERS: join(root, 'out', 'main'), ...process.env }),
  )
}
