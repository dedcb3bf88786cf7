// `npm start`: the desktop app where Electron is installed. Everything is built first so a fresh checkout
// starts with `npm install && npm start`.
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

const electron = electronBinary()
if (!electron) {
  console.error(
    'vigia: Electron is not installed on this machine (its binary could not be downloaded), so the desktop app cannot open; use the command line instead: `npx vigia --help`.',
  )
  process.exit(1)
}

const run = (command, args, env = process.env) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])
const binding = buildElectronBinding(root, electron.version)
run(electron.path, ['.'], { ...process.env, VIGIA_SQLITE_BINDING: binding })
