// better-sqlite3 is a native addon and Electron has its own ABI. node_modules keeps the Node build (tests,
// CLI, headless mode); this makes a second build for Electron in build/native/electron-<version>/, which
// src/pipeline/db/native-binding.ts hands to better-sqlite3 as `nativeBinding` inside Electron. Both live
// side by side, so `npm test` and `npm start` work in any order. See docs/development.md.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync, copyFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

export function electronBindingPath(root, electronVersion) {
  return join(root, 'build', 'native', `electron-${electronVersion}`, 'better_sqlite3.node')
}

export function buildElectronBinding(root, electronVersion) {
  const target = electronBindingPath(root, electronVersion)
  if (existsSync(target)) return target
  const source = dirname(require.resolve('better-sqlite3/package.json'))
  const work = join(root, 'build', 'native', `src-${electronVersion}`)
  rmSync(work, { recursive: true, force: true })
  cpSync(source, work, { recursive: true, filter: (path) => !path.includes(`${source}/build`) })
  const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion }
  const prebuilt = spawnSync(
    process.execPath,
    [require.resolve('prebuild-install/bin.js'), '--runtime=electron', `--target=${electronVersion}`],
    { cwd: work, stdio: 'inherit', env },
  )
  if (prebuilt.status !== 0) {
    const gyp = spawnSync(
      'npx',
      [
        '--yes',
        'node-gyp',
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        '--runtime=electron',
        '--dist-url=https://electronjs.org/headers',
      ],
      { cwd: work, stdio: 'inherit', env },
    )
    if (gyp.status !== 0)
      throw new Error('could not build better-sqlite3 for Electron (see the output above)')
  }
  mkdirSync(dirname(target), { recursive: true })
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target)
  rmSync(work, { recursive: true, force: true })
  return target
}
