// Electron's own install script downloads its binary from outside the npm registry. npm is told not to
// run it (package.json allowScripts: electron false) so that `npm install` never fails where that download
// cannot work; we run it here instead and say in one line what happened. See docs/development.md.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

if (process.env.VIGIA_SKIP_ELECTRON === '1') {
  console.log('vigia: VIGIA_SKIP_ELECTRON=1, not installing the Electron binary')
  process.exit(0)
}

let electronDir
try {
  electronDir = dirname(require.resolve('electron/package.json'))
} catch {
  process.exit(0) // production install without dev dependencies: nothing to do
}

if (existsSync(join(electronDir, 'path.txt'))) process.exit(0)

const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
  cwd: electronDir,
  stdio: ['ignore', 'ignore', 'pipe'],
  timeout: 180_000,
  encoding: 'utf8',
})
if (result.status === 0 && existsSync(join(electronDir, 'path.txt'))) {
  console.log('vigia: Electron installed; `npm start` opens the desktop app')
} else {
  const reason = (result.stderr || '').split('\n').find((l) => /error/i.test(l)) ?? 'download failed'
  console.log(
    `vigia: the Electron binary could not be downloaded (${reason.trim().slice(0, 160)}); ` +
      '`npm start` will run Vigia headless in your browser instead',
  )
}
